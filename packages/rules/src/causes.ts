/**
 * Root-cause ids: the public contract of runlog's JSON output (`diagnosis.causes[].id`),
 * from `spec/failure-catalog.md`. An id is never renamed, only added.
 */

export const CAUSE_IDS = [
  'session_conflict',
  'oauth_registration_not_found',
  'runner_deleted_on_server',
  'runner_version_deprecated',
  'runner_version_outdated',
  'token_expired_or_unauthorized',
  'clock_skew',
  'runner_group_not_found',
  'broker_session_not_found',
  'broker_migration',
  'runner_config_refreshed',
  'service_unavailable',
  'service_throttled',
  'dns_or_network_unreachable',
  'connection_timeout',
  'tls_certificate_error',
  'proxy_error',
  'job_lock_lost',
  'job_cancelled',
  'worker_crashed',
  'runner_oom_killed',
  'disk_full',
  'job_state_mismatch',
  'job_completion_failed',
  'runner_shutdown_signal',
  'action_download_failed',
  'container_setup_failed',
  'job_step_failed',
  'upload_failed',
  'self_update_failed',
  'runner_not_configured',
  'work_dir_permission_denied',
  'wrong_platform_package',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}

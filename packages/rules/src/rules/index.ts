/**
 * The rule registry: every rule runlog ships, one import per rule folder. A test checks that
 * each folder under rules/ is listed here and that every cause id has a rule.
 */
import type { RuleModule } from '../types.js';
import actionDownloadFailed from './action-download-failed/action-download-failed.js';
import brokerMigration from './broker-migration/broker-migration.js';
import brokerSessionNotFound from './broker-session-not-found/broker-session-not-found.js';
import clockSkew from './clock-skew/clock-skew.js';
import connectionTimeout from './connection-timeout/connection-timeout.js';
import containerSetupFailed from './container-setup-failed/container-setup-failed.js';
import diskFull from './disk-full/disk-full.js';
import dnsOrNetworkUnreachable from './dns-or-network-unreachable/dns-or-network-unreachable.js';
import jobCancelled from './job-cancelled/job-cancelled.js';
import jobCompletionFailed from './job-completion-failed/job-completion-failed.js';
import jobLockLost from './job-lock-lost/job-lock-lost.js';
import jobStateMismatch from './job-state-mismatch/job-state-mismatch.js';
import jobStepFailed from './job-step-failed/job-step-failed.js';
import oauthRegistrationNotFound from './oauth-registration-not-found/oauth-registration-not-found.js';
import proxyError from './proxy-error/proxy-error.js';
import runnerConfigRefreshed from './runner-config-refreshed/runner-config-refreshed.js';
import runnerDeletedOnServer from './runner-deleted-on-server/runner-deleted-on-server.js';
import runnerGroupNotFound from './runner-group-not-found/runner-group-not-found.js';
import runnerNotConfigured from './runner-not-configured/runner-not-configured.js';
import runnerOomKilled from './runner-oom-killed/runner-oom-killed.js';
import runnerShutdownSignal from './runner-shutdown-signal/runner-shutdown-signal.js';
import runnerVersionDeprecated from './runner-version-deprecated/runner-version-deprecated.js';
import runnerVersionOutdated from './runner-version-outdated/runner-version-outdated.js';
import selfUpdateFailed from './self-update-failed/self-update-failed.js';
import serviceThrottled from './service-throttled/service-throttled.js';
import serviceUnavailable from './service-unavailable/service-unavailable.js';
import sessionConflict from './session-conflict/session-conflict.js';
import tlsCertificateError from './tls-certificate-error/tls-certificate-error.js';
import tokenExpiredOrUnauthorized from './token-expired-or-unauthorized/token-expired-or-unauthorized.js';
import uploadFailed from './upload-failed/upload-failed.js';
import workDirPermissionDenied from './work-dir-permission-denied/work-dir-permission-denied.js';
import workerCrashed from './worker-crashed/worker-crashed.js';
import wrongPlatformPackage from './wrong-platform-package/wrong-platform-package.js';

export const RULES = [
  actionDownloadFailed,
  brokerMigration,
  brokerSessionNotFound,
  clockSkew,
  connectionTimeout,
  containerSetupFailed,
  diskFull,
  dnsOrNetworkUnreachable,
  jobCancelled,
  jobCompletionFailed,
  jobLockLost,
  jobStateMismatch,
  jobStepFailed,
  oauthRegistrationNotFound,
  proxyError,
  runnerConfigRefreshed,
  runnerDeletedOnServer,
  runnerGroupNotFound,
  runnerNotConfigured,
  runnerOomKilled,
  runnerShutdownSignal,
  runnerVersionDeprecated,
  runnerVersionOutdated,
  selfUpdateFailed,
  serviceThrottled,
  serviceUnavailable,
  sessionConflict,
  tlsCertificateError,
  tokenExpiredOrUnauthorized,
  uploadFailed,
  workDirPermissionDenied,
  workerCrashed,
  wrongPlatformPackage,
] as const satisfies readonly RuleModule[];

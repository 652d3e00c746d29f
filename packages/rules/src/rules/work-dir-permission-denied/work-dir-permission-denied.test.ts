import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './work-dir-permission-denied.js';
import { corpusCase, fullSession as loadFullSession } from '../../testing/logs.js';

const testLogs = fileURLToPath(new URL('../../../../../test-logs/', import.meta.url));
const fullSession = loadFullSession();
const tempCase = corpusCase('035');
const TEMP_WORKER = Object.keys(tempCase)[0]!;
const FAILED_SCRIPT = 'SelfUpdate-20240610-101530.log.failed';

const WORKER = 'Worker_20241121-140500-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: '"Validating directory permissions for" lines are the checks passing.',
      files: fullSession,
    },
    {
      name: 'the oom_score_adj tweak refused',
      description: 'The runner logs its failed /proc/<pid>/oom_score_adj write at INFO; it is harmless and not one of its directories.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:11Z INFO ProcessInvokerWrapper] Failed to update oom_score_adj for PID: 48133.
        [2024-11-21 14:05:11Z INFO ProcessInvokerWrapper] System.UnauthorizedAccessException: Access to the path '/proc/48133/oom_score_adj' is denied.
         ---> System.IO.IOException: Permission denied
      `,
    },
    {
      name: 'the update script could not move bin',
      description: 'A failed self-update swap (mv: Permission denied) is the self-update rule\'s, not a work directory problem.',
      files: { [FAILED_SCRIPT]: readFileSync(`${testLogs}grammar/selfupdate/${FAILED_SCRIPT}`, 'utf8') },
    },
    {
      name: 'an action download refused with 403',
      description: '"Access denied to \'<url>\'" is an HTTP 403 on an action, not a file permission.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z ERR  JobExtension] Caught exception from JobExtension Initialization: GitHub.DistributedTask.WebApi.AccessDeniedException: Access denied to 'https://api.github.com/repos/acme/private-action/tarball/v1' (C0A8:3E1F:7A21B4:9F0C3D:6937F0AB)
      `,
    },
    {
      name: 'a user step hitting EACCES',
      description: 'A step\'s own permission error (in its telemetry) is the workload, not the runner\'s directories.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:06:41Z INFO StepsRunner] Step result: Failed
        [2024-11-21 14:06:41Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "run",
          "result": "failed",
          "errorMessages": [ "Error: EACCES: permission denied, open '/etc/hosts'", "Process completed with exit code 1." ]
        }.
      `,
    },
  ],
  invalid: [
    {
      name: 'root-owned files left in _temp/_github_home (actions/runner#529)',
      files: tempCase,
      errors: [
        {
          messageId: 'denied',
          evidence: [`${TEMP_WORKER}:2`],
          severity: 'warning',
          confidence: 'high',
          message:
            "The runner was denied access to '/opt/actions-runner/_work/_temp/_github_home/.kube' while cleaning its temp folder (1 time(s), 2020-06-09T15:08:34Z to 2020-06-09T15:08:34Z); the runner could not clean up after the job, and the leftover files can make later jobs fail. The files under _work/_temp/_github_home or _github_workflow were probably left by a container step running as root (job containers and container actions write into the mounted _temp as root), so the runner user cannot delete them.",
        },
      ],
    },
    {
      name: 'the runner directory is not readable at start',
      log: log`
        [2024-11-21 14:05:40Z INFO Listener] Version: 2.321.0
        [2024-11-21 14:05:40Z INFO Listener] Validating directory permissions for: '/srv/ci/actions-runner'
        [2024-11-21 14:05:40Z ERR  Terminal] WRITE ERROR: An error occurred: Permission to read the directory contents is required for '/srv/ci/actions-runner' and each directory up the hierarchy. Access to the path '/srv/ci' is denied.
        [2024-11-21 14:05:40Z ERR  Listener] System.UnauthorizedAccessException: Permission to read the directory contents is required for '/srv/ci/actions-runner' and each directory up the hierarchy. Access to the path '/srv/ci' is denied.
         ---> System.UnauthorizedAccessException: Access to the path '/srv/ci' is denied.
         ---> System.IO.IOException: Permission denied
      `,
      errors: [
        {
          messageId: 'denied',
          lines: [3, 4],
          severity: 'error',
          data: { paths: "'/srv/ci/actions-runner', '/srv/ci'", impact: '; the runner stopped with exit code 1' },
        },
      ],
    },
    {
      name: 'the work directory cannot be created',
      log: log`
        [2024-11-21 14:05:41Z INFO Runner] Validating directory permissions for: '/home/ci/actions-runner/_work'
        [2024-11-21 14:05:41Z ERR  Runner] System.UnauthorizedAccessException: Access to the path '/home/ci/actions-runner/_work' is denied.
         ---> System.IO.IOException: Permission denied
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: Fail to create and validate runner's work directory '/home/ci/actions-runner/_work'.
        [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'denied', lines: [2, 4], severity: 'error', data: { paths: "'/home/ci/actions-runner/_work'" } }],
    },
    {
      name: 'a step cannot write into the workspace',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run actions/checkout@v4'
        [2024-11-21 14:06:01Z ERR  StepsRunner] Caught exception from step: System.UnauthorizedAccessException: Access to the path '/home/ci/actions-runner/_work/widgets/widgets/node_modules/.cache' is denied.
        [2024-11-21 14:06:01Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'denied', lines: [2], severity: 'error', data: { impact: '; the job failed', container: '' } }],
    },
  ],
});

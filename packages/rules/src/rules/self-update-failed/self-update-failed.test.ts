import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './self-update-failed.js';
import { fullSession as loadFullSession } from '../../testing/logs.js';

const testLogs = fileURLToPath(new URL('../../../../../test-logs/', import.meta.url));
const fullSession = loadFullSession();
const FAILED_SCRIPT = 'SelfUpdate-20240610-101530.log.failed';
const SUCCEEDED_SCRIPT = 'SelfUpdate-20240611-080000.log.succeed';
const failedScript = readFileSync(`${testLogs}grammar/selfupdate/${FAILED_SCRIPT}`, 'utf8');
const succeededScript = readFileSync(`${testLogs}grammar/selfupdate/${SUCCEEDED_SCRIPT}`, 'utf8');
const DOWNLOAD_TIMEOUT = 'Runner_20200422-064032-utc.log';
const downloadTimeout = readFileSync(`${testLogs}corpus/018-self-update-download-timeout-442/_diag/${DOWNLOAD_TIMEOUT}`, 'utf8');

/** A Listener process that starts with `version` and, unless `last`, exits 3 for an update. */
function runnerRun(day: string, hour: string, version: string, last = false): string {
  const start = log`
    [${day} ${hour}:00:00Z INFO Listener] Runner is built for Linux (X64) - linux-x64.
    [${day} ${hour}:00:00Z INFO Listener] Version: ${version}
    [${day} ${hour}:00:01Z INFO MessageListener] Session created.
    [${day} ${hour}:00:01Z INFO Terminal] WRITE LINE: Current runner version: '${version}'
  `;
  if (last) return start;
  return (
    start +
    log`
      [${day} ${hour}:30:00Z INFO Runner] Refresh message received, kick-off selfupdate background process.
      [${day} ${hour}:30:00Z INFO SelfUpdaterV2] An update is available.
      [${day} ${hour}:30:00Z INFO Terminal] WRITE LINE: Runner update in progress, do not shutdown runner.
      [${day} ${hour}:30:01Z INFO SelfUpdaterV2] Attempt 1: save latest runner into /opt/actions-runner/_work/_update/runner.tar.gz.
      [${day} ${hour}:30:12Z INFO SelfUpdaterV2] Validated Runner Hash matches /opt/actions-runner/_work/_update/runner.tar.gz : 9e5b7c1d
      [${day} ${hour}:30:19Z INFO Terminal] WRITE LINE: Runner will exit shortly for update, should be back online within 10 seconds.
      [${day} ${hour}:30:19Z INFO Runner] Auto update task finished at backend, an runner update is ready to apply exit the current runner instance.
      [${day} ${hour}:30:20Z INFO Listener] Runner execution has finished with return code 3
    `
  );
}

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'No update was requested in the healthy session.',
      files: fullSession,
    },
    {
      name: 'a succeeded update script',
      description: 'SelfUpdate-*.log.succeed: the folders were swapped and update.finished was written.',
      files: { [SUCCEEDED_SCRIPT]: succeededScript },
    },
    {
      name: 'a complete successful update',
      description: 'Download, validated hash, update exit 3, a new Runner file with the new version and a .succeed script log.',
      files: {
        'Runner_20240611-073000-utc.log': runnerRun('2024-06-11', '07', '2.316.1').replace(/07:30:/g, '07:59:'),
        [SUCCEEDED_SCRIPT]: succeededScript,
        'Runner_20240611-080006-utc.log': runnerRun('2024-06-11', '08', '2.317.0', true),
      },
    },
    {
      name: 'two updates in one day',
      description: 'Two successful update exits within 24 hours (new version each time) are not a loop; more than two are.',
      files: {
        'Runner_20240611-070000-utc.log': runnerRun('2024-06-11', '07', '2.316.1'),
        'Runner_20240611-080000-utc.log': runnerRun('2024-06-11', '08', '2.317.0'),
        'Runner_20240611-090000-utc.log': runnerRun('2024-06-11', '09', '2.318.0', true),
      },
    },
    {
      name: 'no update needed',
      description: '"there is no available runner update needs to apply" is the normal answer when the runner is current.',
      log: log`
        [2024-06-11 07:59:40Z INFO Runner] Refresh message received, kick-off selfupdate background process.
        [2024-06-11 07:59:41Z INFO SelfUpdaterV2] Can't find available update package.
        [2024-06-11 07:59:41Z INFO Runner] Auto update task finished at backend, there is no available runner update needs to apply, continue message queue looping.
      `,
    },
  ],
  invalid: [
    {
      name: 'the update\'s copy fails and the error escapes into the message loop (2.27x)',
      log: log`
        [2020-11-10 09:12:52Z INFO Runner] Refresh message received, kick-off selfupdate background process.
        [2020-11-10 09:12:52Z INFO SelfUpdater] An update is available.
        [2020-11-10 09:12:52Z INFO Terminal] WRITE LINE: Runner update in progress, do not shutdown runner.
        [2020-11-10 09:12:52Z INFO SelfUpdater] Attempt 1: save latest runner into /data/runner-work/_update/runner1.tar.gz.
        [2020-11-10 09:13:03Z ERR  Terminal] WRITE ERROR: An error occurred: Read-only file system : '/opt/actions-runner/bin.2.274.2'
        [2020-11-10 09:13:03Z ERR  Listener] System.IO.IOException: Read-only file system : '/opt/actions-runner/bin.2.274.2'
      `,
      errors: [{ messageId: 'failed', severity: 'error', lines: [5] }],
    },
    {
      name: 'a single download timeout (actions/runner#442)',
      files: { [DOWNLOAD_TIMEOUT]: downloadTimeout },
      errors: [
        {
          messageId: 'download',
          evidence: [`${DOWNLOAD_TIMEOUT}:4`],
          severity: 'warning',
          confidence: 'high',
          message:
            'The runner could not download its self-update package: each attempt may take up to 900 seconds and the download did not finish in time (slow or blocked access to the release download) (1 failed attempt(s), 2020-04-22T06:45:22Z to 2020-04-22T06:45:22Z). It stays on its current version and tries again at the next update request.',
        },
      ],
    },
    {
      name: 'the update script could not move bin',
      files: { [FAILED_SCRIPT]: failedScript },
      errors: [
        {
          messageId: 'script',
          evidence: [`${FAILED_SCRIPT}:11`],
          severity: 'error',
          confidence: 'high',
          data: {
            file: FAILED_SCRIPT,
            detail:
              "Can't move /opt/actions-runner/bin to /opt/actions-runner/bin.2.316.1 (permission denied: the runner user cannot modify the runner directory)",
          },
        },
      ],
    },
    {
      name: 'three failed download attempts, reported by v2.333+',
      log: log`
        [2024-11-21 14:00:00Z INFO SelfUpdaterV2] Attempt 1: save latest runner into /home/ci/actions-runner/_work/_update/runner.tar.gz.
        [2024-11-21 14:00:10Z WARN SelfUpdaterV2] Failed to get package '/home/ci/actions-runner/_work/_update/runner.tar.gz' from 'https://github.com/actions/runner/releases/download/v2.334.0/actions-runner-linux-x64-2.334.0.tar.gz'. Exception System.Net.Http.HttpRequestException: Connection refused (github.com:443)
        [2024-11-21 14:00:10Z INFO SelfUpdaterV2] Attempt 2: save latest runner into /home/ci/actions-runner/_work/_update/runner.tar.gz.
        [2024-11-21 14:00:20Z WARN SelfUpdaterV2] Failed to get package '/home/ci/actions-runner/_work/_update/runner.tar.gz' from 'https://github.com/actions/runner/releases/download/v2.334.0/actions-runner-linux-x64-2.334.0.tar.gz'. Exception System.Net.Http.HttpRequestException: Connection refused (github.com:443)
        [2024-11-21 14:00:20Z INFO SelfUpdaterV2] Attempt 3: save latest runner into /home/ci/actions-runner/_work/_update/runner.tar.gz.
        [2024-11-21 14:00:30Z WARN SelfUpdaterV2] Failed to get package '/home/ci/actions-runner/_work/_update/runner.tar.gz' from 'https://github.com/actions/runner/releases/download/v2.334.0/actions-runner-linux-x64-2.334.0.tar.gz'. Exception System.Net.Http.HttpRequestException: Connection refused (github.com:443)
        [2024-11-21 14:00:30Z ERR  SelfUpdaterV2] System.Threading.Tasks.TaskCanceledException: Runner package 'https://github.com/actions/runner/releases/download/v2.334.0/actions-runner-linux-x64-2.334.0.tar.gz' failed after 3 download attempts
           at GitHub.Runner.Listener.SelfUpdaterV2.DownloadLatestRunner(String latestRunnerDirectory, String packageDownloadUrl, String packageHashValue, CancellationToken token)
        [2024-11-21 14:00:30Z ERR  Terminal] WRITE ERROR: Runner update failed: Runner package 'https://github.com/actions/runner/releases/download/v2.334.0/actions-runner-linux-x64-2.334.0.tar.gz' failed after 3 download attempts
        [2024-11-21 14:00:30Z INFO Runner] Auto update task finished at backend, there is no available runner update needs to apply, continue message queue looping.
      `,
      errors: [{ messageId: 'failed', lines: [2, 4, 6, 7, 9], severity: 'warning', count: 2 }],
    },
    {
      name: 'the package cannot be extracted',
      log: log`
        [2024-11-21 14:00:30Z ERR  SelfUpdaterV2] gzip: stdin: unexpected end of file
        [2024-11-21 14:00:30Z ERR  SelfUpdaterV2] tar: Child returned status 1
        [2024-11-21 14:00:30Z ERR  SelfUpdaterV2] System.NotSupportedException: Can't use 'tar -xzf' to extract archive file: /home/ci/actions-runner/_work/_update/runner.tar.gz. return code: 2.
           at GitHub.Runner.Listener.SelfUpdaterV2.ExtractRunnerPackage(String archiveFile, String extractDirectory, CancellationToken token)
        [2024-11-21 14:00:30Z ERR  Terminal] WRITE ERROR: Runner update failed: Can't use 'tar -xzf' to extract archive file: /home/ci/actions-runner/_work/_update/runner.tar.gz. return code: 2.
      `,
      errors: [
        {
          messageId: 'failed',
          lines: [3, 5],
          severity: 'warning',
          count: 2,
          data: { detail: "Can't use 'tar -xzf' to extract archive file: /home/ci/actions-runner/_work/_update/runner.tar.gz. return code: 2." },
        },
      ],
    },
    {
      name: 'an older runner exits 2 when the update fails',
      log: log`
        [2023-03-02 09:10:00Z ERR  SelfUpdater] System.Exception: Computed runner hash 1f2e3d did not match expected Runner Hash 9e5b7c for /home/ci/actions-runner/_work/_update/runner.tar.gz
           at GitHub.Runner.Listener.SelfUpdater.ValidateRunnerHash(String archiveFile, String packageHashValue)
        [2023-03-02 09:10:00Z ERR  Terminal] WRITE ERROR: An error occurred: Computed runner hash 1f2e3d did not match expected Runner Hash 9e5b7c for /home/ci/actions-runner/_work/_update/runner.tar.gz
        [2023-03-02 09:10:00Z ERR  Listener] System.Exception: Computed runner hash 1f2e3d did not match expected Runner Hash 9e5b7c for /home/ci/actions-runner/_work/_update/runner.tar.gz
        [2023-03-02 09:10:00Z INFO Listener] Runner execution has finished with return code 2
      `,
      errors: [{ messageId: 'failed', lines: [1, 3], severity: 'error', confidence: 'high' }],
    },
    {
      name: 'back on the old version after the update exit',
      files: {
        'Runner_20240611-070000-utc.log': runnerRun('2024-06-11', '07', '2.316.1'),
        'Runner_20240611-080000-utc.log': runnerRun('2024-06-11', '08', '2.316.1', true),
      },
      errors: [
        {
          messageId: 'oldVersion',
          evidence: ['Runner_20240611-080000-utc.log:2'],
          severity: 'error',
          data: { version: '2.316.1', target: '' },
        },
      ],
    },
    {
      name: 'an update loop',
      files: {
        'Runner_20240611-070000-utc.log': runnerRun('2024-06-11', '07', '2.316.1'),
        'Runner_20240611-080000-utc.log': runnerRun('2024-06-11', '08', '2.316.1'),
        'Runner_20240611-090000-utc.log': runnerRun('2024-06-11', '09', '2.316.1'),
        'Runner_20240611-100000-utc.log': runnerRun('2024-06-11', '10', '2.316.1', true),
      },
      errors: [
        {
          messageId: 'loop',
          severity: 'error',
          count: 3,
          data: { cycles: 3, why: ', each time coming back with the old version 2.316.1' },
        },
      ],
    },
  ],
});

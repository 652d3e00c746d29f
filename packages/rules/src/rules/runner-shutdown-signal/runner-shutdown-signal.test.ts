import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './runner-shutdown-signal.js';
import { testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');
const healthyCorpus = testLogs('corpus/027-healthy-job-completed-3448/_diag');

const stoppedDuringJob = log`
  [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
  [2024-11-21 14:00:07Z INFO Terminal] WRITE LINE: 2024-11-21 14:00:07Z: Running job: build (20.x)
  [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
  [2024-11-21 14:03:00Z INFO Terminal] WRITE LINE: Exiting...
  [2024-11-21 14:03:00Z INFO Runner] Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.
  [2024-11-21 14:03:00Z INFO HostContext] Runner will be shutdown for UserCancelled
  [2024-11-21 14:03:00Z INFO MessageListener] Get next message has been cancelled.
  [2024-11-21 14:03:00Z INFO JobDispatcher] Shutting down JobDispatcher. Make sure all WorkerDispatcher has finished.
  [2024-11-21 14:03:00Z INFO JobDispatcher] Ensure WorkerDispatcher for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 run to finish, cancel any running job.
  [2024-11-21 14:03:00Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
  [2024-11-21 14:03:04Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
  [2024-11-21 14:03:04Z INFO Terminal] WRITE LINE: 2024-11-21 14:03:04Z: Job build (20.x) completed with result: Canceled
  [2024-11-21 14:03:04Z INFO Runner] Deleting Runner Session...
  [2024-11-21 14:03:05Z INFO Listener] Runner execution been cancelled.
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'corpus 027: a normal end of a job',
      description: 'The job completes and the runner goes back to Online: no stop.',
      files: healthyCorpus,
    },
    {
      name: 'exit code 3 for a self-update',
      description: 'An update restart is self_update, not a shutdown signal.',
      log: log`
        [2024-11-21 14:00:00Z INFO Runner] Auto update task finished at backend, an runner update is ready to apply exit the current runner instance.
        [2024-11-21 14:00:01Z INFO Listener] Runner execution has finished with return code 3
      `,
    },
    {
      name: 'OAuth token revoked: the runner shuts itself down',
      description: '`Runner OAuth token has been revoked. Shutting down.` is token_expired_or_unauthorized.',
      log: log`
        [2024-11-21 14:00:00Z INFO MessageListener] Runner OAuth token has been revoked. Unable to pull message.
        [2024-11-21 14:00:00Z INFO Runner] Runner OAuth token has been revoked. Shutting down.
        [2024-11-21 14:00:01Z INFO Listener] Runner execution has finished with return code 0
      `,
    },
    {
      name: 'a job log whose step failed on its own',
      description: 'A `##[error]` annotation from the workload (exit code 1) is not a shutdown signal.',
      fileName: '1_build.txt',
      log: log`
        2026-08-06T16:22:40.1234567Z ##[group]Run ./build.sh
        2026-08-06T16:22:43.1234567Z ##[error]Process completed with exit code 1.
      `,
    },
    {
      name: 'the long poll cancelled to switch to Busy',
      description: '`Get messages has been cancelled using local token source` is plumbing, not a stop.',
      log: log`
        [2024-11-21 14:00:07Z INFO MessageListener] Received job status event. JobState: Busy
        [2024-11-21 14:00:07Z INFO MessageListener] Get messages has been cancelled using local token source. Continue to get messages with new status.
      `,
    },
  ],
  invalid: [
    {
      name: 'full synthetic session: a clean Ctrl-C stop while idle',
      description: 'The brief allows this one as info: it explains why the runner went offline.',
      files: fullSession,
      errors: [
        {
          messageId: 'stopped',
          severity: 'info',
          count: 1,
          evidence: ['Runner_20251209-094440-utc.log:81', 'Runner_20251209-094440-utc.log:84', 'Runner_20251209-094440-utc.log:85'],
          message:
            'The runner was stopped 1 time(s) while idle: at 2025-12-09T16:20:03Z: Ctrl-C or SIGTERM: a service stop (`svc.sh stop`, `systemctl stop`), a container stop, or Ctrl-C in a terminal; it exited cleanly. This explains why it went offline; no job was affected.',
        },
      ],
    },
    {
      name: 'stopped while a job was running',
      log: stoppedDuringJob,
      errors: [
        {
          messageId: 'duringJob',
          severity: 'warning',
          confidence: 'high',
          lines: [4, 5, 6],
          message:
            "The runner was stopped while a job was running: at 2024-11-21T14:03:00Z (Ctrl-C or SIGTERM: a service stop (`svc.sh stop`, `systemctl stop`), a container stop, or Ctrl-C in a terminal) during job 'build (20.x)'; the job ended Canceled (GitHub reports it failed: \"The runner has received a shutdown signal\").",
        },
      ],
    },
    {
      name: 'the operating system shut down while idle',
      fileName: 'Runner_20241121-140000-utc.log',
      log: log`
        [2024-11-21 22:00:00Z INFO Runner] Received Ctrl-Break signal from runner service host, this indicate the operating system is shutting down.
        [2024-11-21 22:00:00Z INFO HostContext] Runner will be shutdown for OperatingSystemShutdown
        [2024-11-21 22:00:01Z INFO Listener] Runner execution been cancelled.
      `,
      errors: [{ messageId: 'stopped', severity: 'info', lines: [1, 2] }],
    },
    {
      name: 'an ephemeral runner exits after its one job',
      description: 'Normal lifecycle: info at most, never a warning.',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
        [2024-11-21 14:00:07Z INFO JobDispatcher] Start dispatcher for one time used runner.
        [2024-11-21 14:05:40Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
        [2024-11-21 14:05:40Z INFO JobDispatcher] Fire signal for one time used runner.
        [2024-11-21 14:05:40Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
        [2024-11-21 14:05:40Z INFO Runner] Stop message queue looping.
        [2024-11-21 14:05:41Z INFO Runner] Deleting Runner Session...
        [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 0
      `,
      errors: [{ messageId: 'lifecycle', severity: 'info', lines: [5] }],
    },
    {
      name: 'the service retires a hosted runner',
      log: log`
        [2024-11-21 14:05:40Z INFO Runner] Service requests the hosted runner to shutdown. Reason: 'ScaleDown'.
        [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 0
      `,
      errors: [{ messageId: 'lifecycle', severity: 'info', lines: [1] }],
    },
    {
      name: 'only the Worker log: the worker received the shutdown mid-job',
      fileName: 'Worker_20241121-140008-utc.log',
      log: log`
        [2024-11-21 14:00:08Z INFO JobRunner] Job ID c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13
        [2024-11-21 14:03:00Z INFO Worker] Cancellation/Shutdown message received.
        [2024-11-21 14:03:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 14:03:02Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'duringJob', severity: 'warning', lines: [3] }],
    },
    {
      name: 'only a job log pasted from the web UI: the shutdown issue on the failed step',
      fileName: '1_build.txt',
      log: log`
        2026-08-06T16:22:40.1234567Z ##[group]Run ./build.sh
        2026-08-06T16:22:41.1234567Z ##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.
        2026-08-06T16:22:43.1234567Z ##[error]Process completed with exit code 1.
      `,
      errors: [{ messageId: 'duringJob', severity: 'warning', lines: [2] }],
    },
    {
      name: 'the runner was restarted twice',
      log: log`
        [2024-11-21 10:00:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 10:00:01Z INFO Listener] Runner execution been cancelled.
        [2024-11-21 10:05:00Z INFO Listener] Runner is built for Linux (X64) - linux-x64.
        [2024-11-21 10:05:00Z INFO Listener] Version: 2.321.0
        [2024-11-21 18:00:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 18:00:01Z INFO Listener] Runner execution been cancelled.
      `,
      errors: [{ messageId: 'stopped', severity: 'info', count: 2, lines: [1, 5] }],
    },
    {
      name: 'journald: the service was stopped while a job ran',
      description: 'Console-only logs name the job without an id; the service host logs `Shutting down runner listener`.',
      fileName: 'runner-journal.txt',
      log: log`
        Nov 28 08:20:11 build-01 runsvc.sh[2127]: 2024-11-28 08:20:11Z: Running job: deploy (prod)
        Nov 28 08:30:02 build-01 systemd[1]: Stopping actions.runner.acme.build-01.service - GitHub Actions Runner (acme.build-01)...
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Shutting down runner listener
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Sending SIGINT to runner listener to stop
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Sending SIGKILL to runner listener
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Exiting...
        Nov 28 08:30:05 build-01 runsvc.sh[2127]: 2024-11-28 08:30:05Z: Job deploy (prod) completed with result: Canceled
        Nov 28 08:30:06 build-01 runsvc.sh[2127]: Runner listener exited with error code 0
      `,
      errors: [
        {
          messageId: 'duringJob',
          severity: 'warning',
          lines: [3, 6],
          message:
            "The runner was stopped while a job was running: at 2024-11-28T08:30:02Z (the runner's service was stopped (`svc.sh stop`, `systemctl stop`, or the machine shutting down)) during job 'deploy (prod)'; the job ended Canceled (GitHub reports it failed: \"The runner has received a shutdown signal\").",
        },
      ],
    },
    {
      name: 'only the exit line says the runner was cancelled',
      log: log`
        [2024-11-21 10:00:01Z INFO Listener] Runner execution been cancelled.
      `,
      errors: [{ messageId: 'stopped', severity: 'info', lines: [1] }],
    },
  ],
});

describe('runner-shutdown-signal', () => {
  it('never warns about an ephemeral runner finishing its job', () => {
    const found = findingsOf(rule, {
      name: 'x',
      log: log`
        [2024-11-21 14:05:40Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Failed
        [2024-11-21 14:05:40Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
        [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 0
      `,
    });
    expect(found.map((f) => f.severity)).toEqual(['info']);
  });
});

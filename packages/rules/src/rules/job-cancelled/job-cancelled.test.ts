import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { cleanJobs } from '../../testing/clean-jobs.js';
import { RuleTester, eventsOf, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './job-cancelled.js';
import { testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');
const tokenExpiredCorpus = testLogs('corpus/024-job-token-expired-renew-1546/_diag');

const userCancelRunner = log`
  [2024-11-21 14:15:02Z INFO JobDispatcher] Job request 9001 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 7c9d0a1b-0000-4000-8000-000000000042 received.
  [2024-11-21 14:15:02Z INFO Terminal] WRITE LINE: 2024-11-21 14:15:02Z: Running job: build (ubuntu, 20)
  [2024-11-21 14:15:03Z INFO ProcessChannel] Sending message of length 4821, with hash '2222222222222222222222222222222222222222222222222222222222222222'
  [2024-11-21 14:20:10Z INFO JobDispatcher] Job cancellation request 7c9d0a1b-0000-4000-8000-000000000042 received, cancellation timeout 5 minutes.
  [2024-11-21 14:20:10Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
  [2024-11-21 14:20:10Z INFO ProcessChannel] Sending message of length 0, with hash 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  [2024-11-21 14:20:12Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 103, and elapsed time 00:05:09.0000000.
  [2024-11-21 14:20:12Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
  [2024-11-21 14:20:12Z INFO Terminal] WRITE LINE: 2024-11-21 14:20:12Z: Job build (ubuntu, 20) completed with result: Canceled
  [2024-11-21 14:20:12Z INFO JobDispatcher] Stop renew job request for job 7c9d0a1b-0000-4000-8000-000000000042.
`;

const userCancelWorker = log`
  [2024-11-21 14:15:03Z INFO Worker] Version: 2.321.0
  [2024-11-21 14:15:03Z INFO ProcessChannel] Receiving message of length 4821, with hash '2222222222222222222222222222222222222222222222222222222222222222'
  [2024-11-21 14:15:03Z INFO JobRunner] Job ID 7c9d0a1b-0000-4000-8000-000000000042
  [2024-11-21 14:15:05Z INFO StepsRunner] Processing step: DisplayName='Run make test'
  [2024-11-21 14:20:10Z INFO ProcessChannel] Receiving message of length 0, with hash 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  [2024-11-21 14:20:10Z INFO Worker] Cancellation/Shutdown message received.
  [2024-11-21 14:20:10Z INFO StepsRunner] Cancel current running step.
  [2024-11-21 14:20:10Z INFO ProcessInvokerWrapper] Sending SIGINT to process 4242.
  [2024-11-21 14:20:11Z INFO ProcessInvokerWrapper] Process cancelled successfully through Ctrl+C/SIGINT.
  [2024-11-21 14:20:11Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 130, and elapsed time 00:05:01.0000000.
  [2024-11-21 14:20:11Z ERR  StepsRunner] Caught cancellation exception from step: System.OperationCanceledException: The operation was canceled.
     at System.Threading.CancellationToken.ThrowOperationCanceledException()
  [2024-11-21 14:20:11Z INFO StepsRunner] Step result: Canceled
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full synthetic session: a job that succeeded, then a clean stop while idle',
      description: 'No cancellation request, no job cancelled; the Ctrl-C at the end stops an idle runner (runner-shutdown-signal).',
      files: fullSession,
    },
    {
      name: 'cancel-like words in a healthy job',
      description: 'The long poll cancelled to switch to Busy, and `job renew has been cancelled` at the end of a job, are normal plumbing.',
      log: log`
        [2024-11-21 14:15:02Z INFO JobDispatcher] Job request 9001 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 7c9d0a1b-0000-4000-8000-000000000042 received.
        [2024-11-21 14:15:02Z INFO MessageListener] Get messages has been cancelled using local token source. Continue to get messages with new status.
        [2024-11-21 14:18:40Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 100
        [2024-11-21 14:18:40Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Succeeded
        [2024-11-21 14:18:40Z INFO JobDispatcher] Stop renew job request for job 7c9d0a1b-0000-4000-8000-000000000042.
        [2024-11-21 14:18:40Z INFO JobDispatcher] job renew has been cancelled, stop renew job request 9001.
      `,
    },
    {
      name: 'a job that failed on its own',
      description: 'Exit 102 / result Failed is the job\'s own failure, not a cancellation.',
      log: log`
        [2024-11-21 14:18:40Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 102
        [2024-11-21 14:18:40Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
      `,
    },
  ],
  invalid: [
    {
      name: 'a user cancelled the job (Runner and Worker logs)',
      files: { 'Runner_20241121-140000-utc.log': userCancelRunner, 'Worker_20241121-141503-utc.log': userCancelWorker },
      errors: [
        {
          messageId: 'userCancelled',
          severity: 'info',
          confidence: 'high',
          evidence: ['Runner_20241121-140000-utc.log:4'],
          message:
            "The service cancelled 1 job(s): job 'build (ubuntu, 20)' at 2024-11-21T14:20:10Z, 5 min to stop. A user, the job's timeout-minutes or a concurrency group asked for it (the runner logs cannot tell which); this is not a runner fault.",
        },
      ],
    },
    {
      name: 'corpus 024: the runner cancelled the job after its token was rejected',
      files: tokenExpiredCorpus,
      errors: [
        {
          messageId: 'runnerCancelled',
          severity: 'warning',
          confidence: 'high',
          evidence: ['Runner_20211210-095256-utc.log:5'],
          message:
            "The runner itself cancelled 1 running job(s), not a user: job 832b0204-66bc-5239-0b20-d0854358b9c1 at 2021-12-10T09:54:56Z, because the service rejected the job's token on lock renewal (TaskAgentJobTokenExpiredException).",
        },
      ],
    },
    {
      name: 'the runner cancelled the job after losing its lock',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
        [2024-11-21 14:00:07Z INFO Terminal] WRITE LINE: 2024-11-21 14:00:07Z: Running job: build (20.x)
        [2024-11-21 14:16:10Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 7319.
        [2024-11-21 14:16:10Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:16:25Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Abandoned
      `,
      errors: [{ messageId: 'runnerCancelled', severity: 'warning', confidence: 'high', lines: [4] }],
    },
    {
      name: 'the runner was stopped while a job ran',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
        [2024-11-21 14:00:07Z INFO Terminal] WRITE LINE: 2024-11-21 14:00:07Z: Running job: build (20.x)
        [2024-11-21 14:03:00Z INFO Terminal] WRITE LINE: Exiting...
        [2024-11-21 14:03:00Z INFO Runner] Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.
        [2024-11-21 14:03:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 14:03:00Z INFO JobDispatcher] Shutting down JobDispatcher. Make sure all WorkerDispatcher has finished.
        [2024-11-21 14:03:00Z INFO JobDispatcher] Ensure WorkerDispatcher for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 run to finish, cancel any running job.
        [2024-11-21 14:03:00Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:03:04Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
        [2024-11-21 14:03:04Z INFO Terminal] WRITE LINE: 2024-11-21 14:03:04Z: Job build (20.x) completed with result: Canceled
        [2024-11-21 14:03:05Z INFO Listener] Runner execution been cancelled.
      `,
      errors: [
        {
          messageId: 'runnerCancelled',
          severity: 'warning',
          lines: [8],
          message:
            "The runner itself cancelled 1 running job(s), not a user: job 'build (20.x)' at 2024-11-21T14:03:00Z, because the runner was being shut down (service stop, Ctrl-C or SIGTERM).",
        },
      ],
    },
    {
      name: 'F26: the worker ignored the cancellation and was killed',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:15:02Z INFO JobDispatcher] Job request 9001 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 7c9d0a1b-0000-4000-8000-000000000042 received.
          [2024-11-21 14:15:02Z INFO Terminal] WRITE LINE: 2024-11-21 14:15:02Z: Running job: deploy
          [2024-11-21 14:15:03Z INFO ProcessChannel] Sending message of length 4821, with hash '3333333333333333333333333333333333333333333333333333333333333333'
          [2024-11-21 14:20:10Z INFO JobDispatcher] Job cancellation request 7c9d0a1b-0000-4000-8000-000000000042 received, cancellation timeout 5 minutes.
          [2024-11-21 14:20:10Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
          [2024-11-21 14:24:55Z INFO JobDispatcher] worker process for job 7c9d0a1b-0000-4000-8000-000000000042 haven't exit within cancellation timout, kill running worker.
          [2024-11-21 14:24:55Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 137, and elapsed time 00:09:52.0000000.
          [2024-11-21 14:24:55Z INFO JobDispatcher] worker process has been killed.
          [2024-11-21 14:24:57Z INFO JobDispatcher] Uploaded unfinished log '/home/ci/actions-runner/_diag/pages/0b1c_7c9d_1.log' for current job.
          [2024-11-21 14:24:57Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
        `,
        'Worker_20241121-141503-utc.log': log`
          [2024-11-21 14:15:03Z INFO ProcessChannel] Receiving message of length 4821, with hash '3333333333333333333333333333333333333333333333333333333333333333'
          [2024-11-21 14:15:03Z INFO JobRunner] Job ID 7c9d0a1b-0000-4000-8000-000000000042
          [2024-11-21 14:20:10Z INFO Worker] Cancellation/Shutdown message received.
          [2024-11-21 14:20:10Z INFO StepsRunner] Cancel current running step.
          [2024-11-21 14:20:18Z INFO ProcessInvokerWrapper] Process did not honor SIGINT signal within 7.5 seconds.
          [2024-11-21 14:20:20Z INFO ProcessInvokerWrapper] Process did not honor SIGTERM signal within 2.5 seconds.
          [2024-11-21 14:20:20Z INFO ProcessInvokerWrapper] Kill entire process tree since both cancel and terminate signal has been ignored by the target process.
        `,
      },
      errors: [
        { messageId: 'userCancelled', severity: 'info', evidence: ['Runner_20241121-140000-utc.log:4'] },
        {
          messageId: 'killedAfterTimeout',
          severity: 'warning',
          confidence: 'high',
          evidence: ['Runner_20241121-140000-utc.log:6'],
          message:
            "The worker of job 'deploy' did not stop within the cancellation timeout and the runner killed it (the Worker log shows the step ignored both SIGINT and SIGTERM): a step ignored SIGINT/SIGTERM or hung, so the end of the job's log may be missing.",
        },
      ],
    },
    {
      name: 'only the Worker log: a cancellation of unknown origin',
      fileName: 'Worker_20241121-141503-utc.log',
      log: userCancelWorker,
      errors: [{ messageId: 'cancelledUnknown', severity: 'info', confidence: 'medium', lines: [6] }],
    },
    {
      name: 'only the Worker log: the runner was shut down mid-job',
      fileName: 'Worker_20241121-141503-utc.log',
      log: log`
        [2024-11-21 14:15:03Z INFO JobRunner] Job ID 7c9d0a1b-0000-4000-8000-000000000042
        [2024-11-21 14:20:10Z INFO Worker] Cancellation/Shutdown message received.
        [2024-11-21 14:20:10Z INFO HostContext] Runner will be shutdown for OperatingSystemShutdown
        [2024-11-21 14:20:10Z INFO StepsRunner] Cancel current running step.
        [2024-11-21 14:20:12Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'runnerCancelled', severity: 'warning', lines: [2] }],
    },
    {
      name: 'a Canceled result without the request in the excerpt',
      log: log`
        [2024-11-21 14:20:12Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
        [2024-11-21 14:20:12Z INFO JobDispatcher] Stop renew job request for job 7c9d0a1b-0000-4000-8000-000000000042.
      `,
      errors: [{ messageId: 'cancelledUnknown', severity: 'info', lines: [1] }],
    },
    {
      name: 'journald: the service was stopped while a job ran',
      description: 'Console-only logs: no cancel line, but the Canceled result follows the service host\'s shutdown.',
      fileName: 'runner-journal.txt',
      log: log`
        Nov 28 08:20:11 build-01 runsvc.sh[2127]: 2024-11-28 08:20:11Z: Running job: deploy (prod)
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Shutting down runner listener
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Sending SIGINT to runner listener to stop
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Exiting...
        Nov 28 08:30:05 build-01 runsvc.sh[2127]: 2024-11-28 08:30:05Z: Job deploy (prod) completed with result: Canceled
        Nov 28 08:30:06 build-01 runsvc.sh[2127]: Runner listener exited with error code 0
      `,
      errors: [{ messageId: 'runnerCancelled', severity: 'warning', lines: [5] }],
    },
    {
      name: 'a runner-side cancel with no reason logged',
      log: log`
        [2024-11-21 14:20:10Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
        [2024-11-21 14:20:12Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
      `,
      errors: [{ messageId: 'runnerCancelled', severity: 'warning', confidence: 'medium', lines: [1] }],
    },
  ],
});

describe('job-cancelled', () => {
  it('explains the worker\'s cancellation exception so it does not reach the unrecognized tail', () => {
    const result = analyzeEvents(
      eventsOf({ name: 'x', files: { 'Runner_20241121-140000-utc.log': userCancelRunner, 'Worker_20241121-141503-utc.log': userCancelWorker } }),
      { rules: [rule] },
    );
    expect(result.unrecognized).toEqual([]);
  });

  it('still describes a cancelled job after hundreds of clean jobs (which it forgets)', () => {
    const workerOnly = log`
      [2024-11-21 14:15:03Z INFO JobRunner] Job ID 7c9d0a1b-0000-4000-8000-000000000042
      [2024-11-21 14:20:10Z INFO Worker] Cancellation/Shutdown message received.
      [2024-11-21 14:20:10Z INFO HostContext] Runner will be shutdown for OperatingSystemShutdown
      [2024-11-21 14:20:12Z INFO StepsRunner] Step result: Failed
    `;
    const cases = [
      { 'Runner_20241121-140000-utc.log': userCancelRunner, 'Worker_20241121-141503-utc.log': userCancelWorker },
      { 'Runner_20241121-140000-utc.log': '', 'Worker_20241121-141503-utc.log': workerOnly },
    ];
    const { runner, workers } = cleanJobs(600, '2024-11-21T15:00:00Z');
    for (const files of cases) {
      const alone = findingsOf(rule, { name: 'x', files });
      const found = findingsOf(rule, { name: 'x', files: { ...files, 'Runner_20241121-140000-utc.log': files['Runner_20241121-140000-utc.log'] + runner, ...workers } });
      expect(alone.length).toBeGreaterThan(0);
      expect(found.map((f) => [f.message, f.evidence])).toEqual(alone.map((f) => [f.message, f.evidence]));
    }
  });

  it('reports a user cancel as info only', () => {
    const found = findingsOf(rule, { name: 'x', log: userCancelRunner });
    expect(found.map((f) => f.severity)).toEqual(['info']);
  });
});

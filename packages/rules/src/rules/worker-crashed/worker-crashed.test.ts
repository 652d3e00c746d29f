import { describe, expect, it } from '@jest/globals';
import { cleanJobs } from '../../testing/clean-jobs.js';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './worker-crashed.js';
import { describeExitCode, isOomText } from './worker-exit.js';
import { testLogs } from '../../testing/logs.js';
import { workerGaveUpReporting } from '../job-completion-failed/fixtures/worker-gave-up.js';

const fullSession = testLogs('full-session/_diag');
const healthyCorpus = testLogs('corpus/027-healthy-job-completed-3448/_diag');
const oomFixture = testLogs('grammar/worker-crash');

/** The worker dies at startup because ICU is missing (SIGABRT). */
const icuCrash = log`
  [2024-11-21 14:05:40Z INFO JobDispatcher] Job request 9001 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 7c9d0a1b-0000-4000-8000-000000000042 received.
  [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: 2024-11-21 14:05:40Z: Running job: build (ubuntu, 20)
  [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
  [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper] Process started with process id 31337, waiting for process exit.
  [2024-11-21 14:05:41Z INFO JobDispatcher] Send job request message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
  [2024-11-21 14:05:42Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 134, and elapsed time 00:00:00.8123456.
  [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 134
  [2024-11-21 14:05:42Z INFO JobDispatcher] Return code 134 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
  [2024-11-21 14:05:43Z INFO JobDispatcher] Mark the job as failed since the worker crashed
  [2024-11-21 14:05:43Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
  [2024-11-21 14:05:43Z INFO Terminal] WRITE LINE: 2024-11-21 14:05:43Z: Job build (ubuntu, 20) completed with result: Failed
  [2024-11-21 14:05:43Z INFO JobDispatcher] Stop renew job request for job 7c9d0a1b-0000-4000-8000-000000000042.
  [2024-11-21 14:05:43Z ERR  JobDispatcher] Unhandled exception happened in worker:
  [2024-11-21 14:05:43Z ERR  JobDispatcher] Process terminated. Couldn't find a valid ICU package installed on the system. Please install libicu (or icu-libs) using your package manager and try again. Alternatively you can set the configuration flag System.Globalization.Invariant to true if you want to run with no globalization support. Please see https://aka.ms/dotnet-missing-libicu for more information.
     at System.Environment.FailFast(System.Runtime.CompilerServices.StackCrawlMarkHandle, System.String, System.Runtime.CompilerServices.ObjectHandleOnStack, System.String)
`;

const runnerOfLinkedCrash = log`
  [2024-11-21 14:05:40Z INFO JobDispatcher] Job request 9002 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 1b2c3d4e-0000-4000-8000-000000000043 received.
  [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: 2024-11-21 14:05:40Z: Running job: deploy
  [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
  [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper] Process started with process id 4100, waiting for process exit.
  [2024-11-21 14:05:41Z INFO ProcessChannel] Sending message of length 5120, with hash '1111111111111111111111111111111111111111111111111111111111111111'
  [2024-11-21 14:09:12Z INFO ProcessInvokerWrapper] Finished process 4100 with exit code 1, and elapsed time 00:03:31.0000000.
  [2024-11-21 14:09:12Z INFO JobDispatcher] Worker finished for job 1b2c3d4e-0000-4000-8000-000000000043. Code: 1
  [2024-11-21 14:09:12Z INFO JobDispatcher] Return code 1 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
  [2024-11-21 14:09:13Z INFO JobDispatcher] finish job request for job 1b2c3d4e-0000-4000-8000-000000000043 with result: Failed
  [2024-11-21 14:09:13Z INFO Terminal] WRITE LINE: 2024-11-21 14:09:13Z: Job deploy completed with result: Failed
  [2024-11-21 14:09:13Z ERR  JobDispatcher] Unhandled exception happened in worker:
  [2024-11-21 14:09:13Z ERR  JobDispatcher] System.AggregateException: One or more errors occurred. (Response status code does not indicate success: 500 (Internal Server Error).)
`;

const workerOfLinkedCrash = log`
  [2024-11-21 14:05:41Z INFO Worker] Version: 2.321.0
  [2024-11-21 14:05:41Z INFO ProcessChannel] Receiving message of length 5120, with hash '1111111111111111111111111111111111111111111111111111111111111111'
  [2024-11-21 14:05:41Z INFO JobRunner] Job ID 1b2c3d4e-0000-4000-8000-000000000043
  [2024-11-21 14:09:00Z INFO StepsRunner] Processing step: DisplayName='Run tests'
  [2024-11-21 14:09:11Z ERR  Worker] System.NullReferenceException: Object reference not set to an instance of an object.
     at GitHub.Runner.Worker.StepsRunner.RunStepAsync(IStep step, CancellationToken jobCancellationToken)
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full synthetic session: the worker exits 100 (Succeeded)',
      description: 'Exit code 100 is the worker reporting success; nothing crashed.',
      files: fullSession,
    },
    {
      name: 'corpus 027: a normal end of a job with code 100',
      description: 'Public issue excerpt: `Worker finished ... Code: 100` must never be read as a failure.',
      files: healthyCorpus,
    },
    {
      name: 'a worker that exits 1 because it could not report its result',
      description: 'The worker retried completing the job, then let the AggregateException escape (spec F32 → F29): job-completion-failed names that first cause.',
      log: workerGaveUpReporting,
    },
    {
      name: 'the Worker log shows the failed completion attempts before the exit',
      description: 'Same story from the Worker side: its attempts to complete the job failed, so its exit 1 is not a crash of its own.',
      files: {
        'Runner_20240409-161028-utc.log': log`
          [2024-04-09 16:10:28Z INFO JobDispatcher] Job request 0 for plan 58c2e0a7-14f9-4b3d-9e61-a7d04b25c83f job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48 received.
          [2024-04-09 16:24:35Z INFO JobDispatcher] Worker finished for job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48. Code: 1
        `,
        'Worker_20240409-161029-utc.log': log`
          [2024-04-09 16:10:29Z INFO JobRunner] Job ID b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48
          [2024-04-09 16:21:34Z ERR  JobRunner] Catch exception while attempting to complete job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48, job request 0.
          [2024-04-09 16:21:34Z ERR  JobRunner] System.Exception: Failed to complete job: Bad Request
          [2024-04-09 16:24:35Z ERR  Worker] System.NullReferenceException: Object reference not set to an instance of an object.
        `,
      },
    },
    {
      name: 'exit codes 102 and 103 are Failed and Canceled results',
      description: '100 + TaskResult: a failed or cancelled job is not a crashed worker.',
      log: log`
        [2024-11-21 14:05:42Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 102, and elapsed time 00:04:33.9120000.
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 102
        [2024-11-21 14:05:42Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
        [2024-11-21 15:05:42Z INFO JobDispatcher] Worker finished for job 8d0e1b2c-0000-4000-8000-000000000044. Code: 103
        [2024-11-21 15:05:42Z INFO JobDispatcher] finish job request for job 8d0e1b2c-0000-4000-8000-000000000044 with result: Canceled
      `,
    },
    {
      name: 'exit 137 with an OutOfMemoryException belongs to runner-oom-killed',
      description: 'The grammar fixture of an OOM-killed worker: SIGKILL plus OOM text is runner_oom_killed, not a generic crash.',
      files: oomFixture,
    },
    {
      name: 'exit 137 alone belongs to runner-oom-killed',
      description: 'SIGKILL (137) is the OOM killer or kill -9: runner-oom-killed reports it with medium confidence.',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 137
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code 137 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:43Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
      `,
    },
    {
      name: 'a worker the runner killed after the cancellation timeout',
      description: 'F26: the runner killed the worker itself (exit -1 on Windows); that is job_cancelled, not a crash.',
      log: log`
        [2024-11-21 14:05:00Z INFO JobDispatcher] Job cancellation request 7c9d0a1b-0000-4000-8000-000000000042 received, cancellation timeout 5 minutes.
        [2024-11-21 14:05:00Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
        [2024-11-21 14:09:45Z INFO JobDispatcher] worker process for job 7c9d0a1b-0000-4000-8000-000000000042 haven't exit within cancellation timout, kill running worker.
        [2024-11-21 14:09:45Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code -1, and elapsed time 00:08:00.1000000.
        [2024-11-21 14:09:45Z INFO JobDispatcher] worker process has been killed.
        [2024-11-21 14:09:46Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
      `,
    },
    {
      name: 'a worker ended by SIGTERM while the runner was being stopped',
      description: 'Exit 143 right after `Runner will be shutdown for ...` is the shutdown (runner-shutdown-signal), not a crash.',
      log: log`
        [2024-11-21 14:05:00Z INFO Runner] Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.
        [2024-11-21 14:05:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 14:05:02Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 143
      `,
    },
    {
      name: 'a step\'s process exiting with code 1 in the Worker log',
      description: 'ProcessInvokerWrapper lines in the Worker are the job\'s own processes (user workload), not the worker.',
      fileName: 'Worker_20241121-140541-utc.log',
      log: log`
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Starting process:
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper]   File name: '/usr/bin/bash'
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Updated oom_score_adj to 500 for PID: 31400.
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Process started with process id 31400, waiting for process exit.
        [2024-11-21 14:06:10Z INFO ProcessInvokerWrapper] Finished process 31400 with exit code 1, and elapsed time 00:00:25.0000000.
        [2024-11-21 14:06:10Z INFO StepsRunner] Step result: Failed
        [2024-11-21 14:06:12Z INFO JobRunner] Job result after all job steps finish: Failed
        [2024-11-21 14:06:12Z INFO Worker] Job completed.
      `,
    },
  ],
  invalid: [
    {
      name: 'exit 134: the worker aborted because ICU is missing',
      log: icuCrash,
      errors: [{ messageId: 'crashed', severity: 'error', confidence: 'high', count: 1, lines: [7, 8, 13] }],
    },
    {
      name: 'exit 1 with the Worker log ending in the exception',
      files: { 'Runner_20241121-140000-utc.log': runnerOfLinkedCrash, 'Worker_20241121-140541-utc.log': workerOfLinkedCrash },
      errors: [
        {
          messageId: 'crashed',
          severity: 'error',
          evidence: ['Runner_20241121-140000-utc.log:7', 'Runner_20241121-140000-utc.log:8', 'Runner_20241121-140000-utc.log:11'],
        },
      ],
    },
    {
      name: 'Windows: an unhandled .NET exception reported as a negative NTSTATUS',
      fileName: 'Runner_20241121-140000-utc.log',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: -532462766
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code -532462766 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:43Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
      `,
      errors: [
        {
          messageId: 'crashed',
          lines: [1, 2],
          message:
            'The worker process died 1 time(s) instead of reporting a job result, so the job failed: job 7c9d0a1b-0000-4000-8000-000000000042 exited at 2024-11-21T14:05:42Z with exit code -532462766 (0xE0434352): an unhandled .NET exception.',
        },
      ],
    },
    {
      name: 'exit 139: a native crash',
      log: log`
        [2024-11-21 14:05:42Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
        [2024-11-21 14:05:42Z INFO ProcessInvokerWrapper] Process started with process id 31337, waiting for process exit.
        [2024-11-21 14:35:42Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 139, and elapsed time 00:30:00.0000000.
        [2024-11-21 14:35:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 139
        [2024-11-21 14:35:42Z INFO JobDispatcher] Return code 139 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
      `,
      errors: [{ messageId: 'crashed', confidence: 'high', lines: [4, 5] }],
    },
    {
      name: 'F27: the job message could not be sent to the worker',
      log: log`
        [2024-11-21 14:05:40Z INFO JobDispatcher] Job request 9003 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 2c3d4e5f-0000-4000-8000-000000000045 received.
        [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: 2024-11-21 14:05:40Z: Running job: lint
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper] Process started with process id 4200, waiting for process exit.
        [2024-11-21 14:05:41Z INFO JobDispatcher] Send job request message to worker for job 2c3d4e5f-0000-4000-8000-000000000045.
        [2024-11-21 14:06:11Z INFO JobDispatcher] Job request message sending for job 2c3d4e5f-0000-4000-8000-000000000045 been cancelled, kill running worker.
        [2024-11-21 14:06:11Z INFO ProcessInvokerWrapper] Finished process 4200 with exit code 137, and elapsed time 00:00:30.0100000.
        [2024-11-21 14:06:11Z INFO JobDispatcher] worker process has been killed.
        [2024-11-21 14:06:11Z INFO JobDispatcher] Stop renew job request for job 2c3d4e5f-0000-4000-8000-000000000045.
      `,
      errors: [{ messageId: 'ipcFailed', severity: 'error', confidence: 'high', lines: [6] }],
    },
    {
      name: 'F28: the worker received corrupt job JSON (Worker log only)',
      fileName: 'Worker_20241121-140541-utc.log',
      log: log`
        [2024-11-21 14:05:41Z INFO Worker] Version: 2.321.0
        [2024-11-21 14:05:41Z INFO Worker] Waiting to receive the job message from the channel.
        [2024-11-21 14:05:41Z INFO ProcessChannel] Receiving message of length 48213, with hash '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
        [2024-11-21 14:05:41Z INFO Worker] Message received.
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: Worker received invalid Json at position '4096': "value": ""ab (InZhbHVlIjogIiJhYg==)
        [2024-11-21 14:05:41Z ERR  Worker] Newtonsoft.Json.JsonReaderException: After parsing a value an unexpected character was encountered: a. Path 'variables', line 1, position 4096.
           at Newtonsoft.Json.JsonTextReader.ParsePostValue(Boolean ignoreComments)
           at GitHub.Runner.Worker.Worker.RunAsync(String pipeIn, String pipeOut)
      `,
      errors: [
        {
          messageId: 'workerException',
          confidence: 'medium',
          lines: [5, 6],
          message:
            "The Worker log Worker_20241121-140541-utc.log ends with an unhandled exception (JsonReaderException: After parsing a value an unexpected character was encountered: a. Path 'variables', line 1, position 4096.): the worker process died with it after receiving corrupt job JSON (F28). The Runner log that would show its exit code is not among these files.",
        },
      ],
    },
    {
      name: 'the worker never received its job (Worker side of F27)',
      fileName: 'Worker_20241121-140541-utc.log',
      log: log`
        [2024-11-21 14:05:41Z INFO Worker] Version: 2.321.0
        [2024-11-21 14:05:41Z INFO Worker] Waiting to receive the job message from the channel.
        [2024-11-21 14:06:11Z ERR  Worker] System.OperationCanceledException: The operation was canceled.
           at System.Threading.CancellationToken.ThrowOperationCanceledException()
           at GitHub.Runner.Common.ProcessChannel.ReceiveAsync(CancellationToken cancellationToken)
           at GitHub.Runner.Worker.Worker.RunAsync(String pipeIn, String pipeOut)
      `,
      errors: [{ messageId: 'workerException', lines: [3] }],
    },
    {
      name: 'only the process exit shows the crash',
      description: 'On the cancel path there is no `Worker finished` line; a worker exit outside 100–105 is still a crash, with medium confidence.',
      log: log`
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper] Process started with process id 31337, waiting for process exit.
        [2024-11-21 14:07:00Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
        [2024-11-21 14:07:01Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 1, and elapsed time 00:01:20.0000000.
        [2024-11-21 14:07:01Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
      `,
      errors: [{ messageId: 'crashed', confidence: 'medium', lines: [4] }],
    },
    {
      name: 'an IOException crash is reported as a warning pointing to disk_full',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 1
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code 1 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:42Z INFO JobDispatcher] Finish job with result 'Failed' due to IOException.
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:05:43Z ERR  JobDispatcher] System.IO.IOException: No space left on device : '/home/ci/actions-runner/_diag/Worker_20241121-140000-utc.log'
           at System.IO.RandomAccess.WriteAtOffset(SafeFileHandle handle, ReadOnlySpan\`1 buffer, Int64 fileOffset)
      `,
      errors: [{ messageId: 'crashed', severity: 'warning', lines: [1, 2, 4] }],
    },
  ],
});

describe('worker-crashed messages', () => {
  it('interprets the exit code and quotes the captured output', () => {
    const [f] = findingsOf(rule, { name: 'x', log: icuCrash });
    expect(f?.message).toContain("job 'build (ubuntu, 20)' exited at 2024-11-21T14:05:42Z with exit code 134: killed by SIGABRT, the .NET runtime aborted");
    expect(f?.message).toContain('its output: "Process terminated. Couldn\'t find a valid ICU package installed on the system.');
    expect(f?.conclusive).toBe(true);
    const quoted = f?.evidence.find((e) => e.line === 13);
    expect(quoted?.excerpt).toContain('Unhandled exception happened in worker: Process terminated. Couldn\'t find a valid ICU package');
  });

  it('joins the Worker log\'s last exception to the crash of the same job', () => {
    const [f] = findingsOf(rule, {
      name: 'x',
      files: { 'Runner_20241121-140000-utc.log': runnerOfLinkedCrash, 'Worker_20241121-140541-utc.log': workerOfLinkedCrash },
    });
    expect(f?.count).toBe(1);
    expect(f?.evidence.filter((e) => e.role === 'context').map((e) => `${e.file}:${e.line}`)).toEqual([
      'Worker_20241121-140541-utc.log:5',
      'Runner_20241121-140000-utc.log:9',
    ]);
  });
});

describe('worker exit codes', () => {
  it.each([
    [1, 'exit code 1: an unhandled .NET exception in the worker'],
    [134, 'exit code 134: killed by SIGABRT'],
    [137, 'exit code 137: killed by SIGKILL, killed: the kernel OOM killer'],
    [139, 'exit code 139: killed by SIGSEGV, a native crash'],
    [-1073741819, 'exit code -1073741819 (0xC0000005): an access violation'],
    [0, 'exit code 0: the worker stopped without reporting a job result'],
  ])('%d', (code, text) => {
    expect(describeExitCode(code)).toContain(text);
  });

  it('does not take the runner\'s oom_score_adj bookkeeping for memory exhaustion', () => {
    expect(isOomText('Updated oom_score_adj to 500 for PID: 4242.')).toBe(false);
    expect(isOomText("System.UnauthorizedAccessException: Access to the path '/proc/4242/oom_score_adj' is denied.")).toBe(false);
    expect(isOomText("System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.")).toBe(true);
    expect(isOomText('Memory cgroup out of memory: Killed process 4242 (Runner.Worker)')).toBe(true);
  });
});

describe('worker-crashed over a long log', () => {
  it('still reports a Worker log that ended with an exception after hundreds of clean ones (which it forgets)', () => {
    const files = {
      'Worker_20241121-140541-utc.log': log`
        [2024-11-21 14:05:41Z INFO Worker] Version: 2.321.0
        [2024-11-21 14:05:41Z INFO Worker] Waiting to receive the job message from the channel.
        [2024-11-21 14:06:11Z ERR  Worker] System.OperationCanceledException: The operation was canceled.
           at System.Threading.CancellationToken.ThrowOperationCanceledException()
           at GitHub.Runner.Worker.Worker.RunAsync(String pipeIn, String pipeOut)
      `,
    };
    const alone = findingsOf(rule, { name: 'x', files });
    const found = findingsOf(rule, { name: 'x', files: { ...files, ...cleanJobs(600, '2024-11-21T15:00:00Z').workers } });
    expect(alone.map((f) => f.messageId)).toEqual(['workerException']);
    expect(found.map((f) => [f.message, f.evidence])).toEqual(alone.map((f) => [f.message, f.evidence]));
  });
});

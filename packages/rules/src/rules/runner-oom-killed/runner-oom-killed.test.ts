import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './runner-oom-killed.js';
import { testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');
/** Grammar fixture: a worker SIGKILLed mid-job with an OutOfMemoryException in its captured output. */
const oomFixture = testLogs('grammar/worker-crash');

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full synthetic session with the worker\'s oom_score_adj lines',
      description: 'The worker logs `Updated oom_score_adj to 500 for PID` at INFO for every child process: bookkeeping, not memory exhaustion.',
      files: fullSession,
    },
    {
      name: 'oom_score_adj access error logged at INFO',
      description: 'The runner cannot always write /proc/<pid>/oom_score_adj (containers, hardened kernels); it logs the access error at INFO and goes on. Normal (failure-catalog.md).',
      fileName: 'Worker_20241121-140541-utc.log',
      log: log`
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Invalid PIPELINE_JOB_OOMSCOREADJ (2000). Valid range is -1000:1000. Using default 500.
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Failed to update oom_score_adj for PID: 4242.
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] System.UnauthorizedAccessException: Access to the path '/proc/4242/oom_score_adj' is denied.
         ---> System.IO.IOException: Permission denied
           --- End of inner exception stack trace ---
           at System.IO.FileSystem.WriteAllText(String path, String contents)
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Process started with process id 4242, waiting for process exit.
        [2024-11-21 14:06:10Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 0, and elapsed time 00:00:25.0000000.
      `,
    },
    {
      name: 'a worker the runner killed after the cancellation timeout',
      description: 'F26: the runner SIGKILLs a worker that ignores cancellation, which also gives 137; that is job_cancelled.',
      log: log`
        [2024-11-21 14:05:00Z INFO JobDispatcher] Job cancellation request 7c9d0a1b-0000-4000-8000-000000000042 received, cancellation timeout 5 minutes.
        [2024-11-21 14:05:00Z INFO JobDispatcher] Send job cancellation message to worker for job 7c9d0a1b-0000-4000-8000-000000000042.
        [2024-11-21 14:09:45Z INFO JobDispatcher] worker process for job 7c9d0a1b-0000-4000-8000-000000000042 haven't exit within cancellation timout, kill running worker.
        [2024-11-21 14:09:45Z INFO ProcessInvokerWrapper] Finished process 31337 with exit code 137, and elapsed time 00:08:00.1000000.
        [2024-11-21 14:09:45Z INFO JobDispatcher] worker process has been killed.
        [2024-11-21 14:09:46Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Canceled
      `,
    },
    {
      name: 'a worker the runner killed because the job message could not be sent',
      description: 'F27: the runner kills the worker after the IPC timeout (137); that is worker_crashed, not memory.',
      log: log`
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
        [2024-11-21 14:05:41Z INFO ProcessInvokerWrapper] Process started with process id 4200, waiting for process exit.
        [2024-11-21 14:06:11Z INFO JobDispatcher] Job request message sending for job 2c3d4e5f-0000-4000-8000-000000000045 been cancelled, kill running worker.
        [2024-11-21 14:06:11Z INFO ProcessInvokerWrapper] Finished process 4200 with exit code 137, and elapsed time 00:00:30.0100000.
        [2024-11-21 14:06:11Z INFO JobDispatcher] worker process has been killed.
      `,
    },
    {
      name: 'a worker crash that is not about memory',
      description: 'Exit 134 with a missing ICU package is worker_crashed.',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 134
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code 134 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Process terminated. Couldn't find a valid ICU package installed on the system.
      `,
    },
    {
      name: 'a step\'s own process exiting with 137 inside a healthy worker',
      description: 'The job\'s workload was killed but the worker survived and reported the result: job_step_failed territory, not a killed worker.',
      fileName: 'Worker_20241121-140541-utc.log',
      log: log`
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper]   File name: '/usr/bin/bash'
        [2024-11-21 14:05:45Z INFO ProcessInvokerWrapper] Process started with process id 31400, waiting for process exit.
        [2024-11-21 14:06:10Z INFO ProcessInvokerWrapper] Finished process 31400 with exit code 137, and elapsed time 00:00:25.0000000.
        [2024-11-21 14:06:10Z INFO StepsRunner] Step result: Failed
        [2024-11-21 14:06:12Z INFO Worker] Job completed.
      `,
    },
  ],
  invalid: [
    {
      name: 'grammar fixture: exit 137 with OutOfMemoryException in the worker output',
      files: oomFixture,
      errors: [
        {
          messageId: 'killed',
          severity: 'error',
          confidence: 'high',
          count: 1,
          evidence: [
            'Runner_20240820-140000-utc.log:28',
            'Runner_20240820-140000-utc.log:29',
            'Runner_20240820-140000-utc.log:30',
            'Runner_20240820-140000-utc.log:38',
          ],
        },
      ],
    },
    {
      name: 'exit 137 alone',
      log: log`
        [2024-11-21 14:05:40Z INFO JobDispatcher] Job request 9001 for plan 5f0e1c2d-0000-4000-8000-0000000000e1 job 7c9d0a1b-0000-4000-8000-000000000042 received.
        [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: 2024-11-21 14:05:40Z: Running job: e2e
        [2024-11-21 14:25:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 137
        [2024-11-21 14:25:42Z INFO JobDispatcher] Return code 137 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:25:43Z INFO JobDispatcher] finish job request for job 7c9d0a1b-0000-4000-8000-000000000042 with result: Failed
      `,
      errors: [
        {
          messageId: 'killed',
          severity: 'error',
          confidence: 'medium',
          lines: [3, 4],
          message:
            "The job's worker process was killed with SIGKILL (exit code 137) while running job 'e2e': most likely the kernel OOM killer or a container memory limit; `kill -9` or a container runtime stopping the machine give the same code, so check `dmesg` or the pod status.",
        },
      ],
    },
    {
      name: 'OutOfMemoryException without exit 137 (Windows)',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: -532462766
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code -532462766 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Unhandled exception. System.OutOfMemoryException: Insufficient memory to continue the execution of the program.
           at System.Text.StringBuilder.ExpandByABlock(Int32 minBlockCharCount)
      `,
      errors: [{ messageId: 'outOfMemory', severity: 'error', confidence: 'high', lines: [3] }],
    },
    {
      name: 'run.sh in a container: bash reports the listener Killed, exit 137',
      description: 'kubectl logs of a runner pod whose listener was SIGKILLed: bash prints `Killed`, run-helper.sh the unknown exit code.',
      fileName: 'runner-pod.log',
      log: log`
        2024-11-27T10:05:31.412337021Z ./run-helper.sh: line 20:    45 Killed                  "$DIR"/bin/Runner.Listener run $*
        2024-11-27T10:05:31.412991234Z Exiting with unknown error code: 137
      `,
      errors: [{ messageId: 'killed', severity: 'error', confidence: 'medium', lines: [1, 2] }],
    },
    {
      name: 'systemd says the OOM killer killed a process of the runner service',
      fileName: 'runner-journal.txt',
      log: log`
        Nov 28 08:30:02 build-01 systemd[1]: actions.runner.acme.build-01.service: A process of this unit has been killed by the OOM killer.
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Runner listener exited with error code null
        Nov 28 08:30:02 build-01 runsvc.sh[2127]: Runner listener exit with undefined return code, re-launch runner in 5 seconds.
      `,
      errors: [
        {
          messageId: 'outOfMemory',
          confidence: 'high',
          lines: [1],
          message:
            'The runner service (its listener, its worker or a job\'s process) ran out of memory: "actions.runner.acme.build-01.service: A process of this unit has been killed by the OOM killer.". The machine or container has too little memory for the runner and its jobs.',
        },
      ],
    },
    {
      name: 'the listener itself was SIGKILLed (service host line)',
      fileName: 'runner-journal.txt',
      log: log`
        Runner listener exited with error code 137
        Runner listener exit with retryable error, re-launch runner in 5 seconds.
      `,
      errors: [{ messageId: 'killed', confidence: 'medium', lines: [1] }],
    },
    {
      name: 'a managed OutOfMemoryException in the Listener',
      log: log`
        [2024-11-21 14:05:43Z ERR  Listener] System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.
           at GitHub.Runner.Listener.Runner.RunAsync(RunnerSettings settings, Boolean runOnce)
        [2024-11-21 14:05:43Z ERR  Terminal] WRITE ERROR: An error occurred: Exception of type 'System.OutOfMemoryException' was thrown.
      `,
      errors: [{ messageId: 'outOfMemory', confidence: 'high', lines: [1, 3] }],
    },
    {
      name: 'exit 137 while the runner service was being stopped',
      description: 'A service manager that SIGKILLs after its stop timeout also gives 137: reported, but as a low-confidence warning.',
      log: log`
        [2024-11-21 14:05:00Z INFO Runner] Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.
        [2024-11-21 14:05:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-11-21 14:06:30Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
        [2024-11-21 14:06:30Z INFO JobDispatcher] Worker finished for job 7c9d0a1b-0000-4000-8000-000000000042. Code: 137
      `,
      errors: [{ messageId: 'killed', severity: 'warning', confidence: 'low', lines: [4] }],
    },
  ],
});

describe('runner-oom-killed messages', () => {
  it('quotes the out-of-memory text', () => {
    const [f] = findingsOf(rule, { name: 'x', files: oomFixture });
    expect(f?.message).toBe(
      "The job's worker process was killed with SIGKILL (exit code 137) while running job 'test (shard 3)', and the logs show memory exhaustion (\"System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.\"): the machine or container ran out of memory and the kernel OOM killer or the container memory limit ended the process.",
    );
    expect(f?.evidence.at(-1)?.excerpt).toContain('Unhandled exception happened in worker: System.OutOfMemoryException');
  });
});

import { describe, expect, it } from '@jest/globals';
import { cleanJobs } from '../../testing/clean-jobs.js';
import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './job-step-failed.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';
const JOB_ID = '7c9d0e42-1b2c-4d5e-8f90-a1b2c3d4e5f6';

/** The head of a Worker log: version, job message, job id. */
function workerHead(jobId: string, name: string, time = '2024-11-21 14:05:00Z'): string {
  return log`
    [${time} INFO Worker] Version: 2.321.0
    [${time} INFO Worker] Job message:
     {
      "messageType": "PipelineAgentJobRequest",
      "jobId": "${jobId}",
      "jobDisplayName": "${name}",
      "jobName": "build",
      "requestId": 9001
     }
    [${time} INFO JobRunner] Job ID ${jobId}
  `;
}

/** A script step that exits with `code`. */
function failingStep(step: string, code: number, time: string, pid = 4242): string {
  return log`
    [${time} INFO StepsRunner] Processing step: DisplayName='${step}'
    [${time} INFO StepsRunner] Starting the step.
    [${time} INFO ProcessInvokerWrapper] Finished process ${pid} with exit code ${code}, and elapsed time 00:00:41.2000000.
    [${time} INFO StepsRunner] Step result: Failed
    [${time} INFO ExecutionContext] Publish step telemetry for current step {
      "action": "run",
      "type": "run",
      "stage": "Main",
      "result": "failed",
      "errorMessages": [ "Process completed with exit code ${code}." ],
      "executionTimeInSeconds": 41
    }.
  `;
}

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'Every step of the healthy job succeeded.',
      files: fullSession,
    },
    {
      name: 'a step failing because the disk is full',
      description: 'Spec §4.F rule 6: a full disk in the same job is infrastructure, not the workload.',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run npm ci'
          [2024-11-21 14:06:41Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 1, and elapsed time 00:00:41.2000000.
          [2024-11-21 14:06:41Z INFO StepsRunner] Step result: Failed
          [2024-11-21 14:06:41Z INFO ExecutionContext] Publish step telemetry for current step {
            "action": "run",
            "result": "failed",
            "errorMessages": [ "npm ERR! ENOSPC: no space left on device, write", "Process completed with exit code 1." ]
          }.
        `,
    },
    {
      name: 'the container step failing on a docker pull',
      description: '"Initialize containers" is the runner\'s own step, and a Docker pull failure is container setup.',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
          [2024-11-21 14:06:30Z ERR  StepsRunner] Caught exception from step: System.InvalidOperationException: Docker pull failed with exit code 1
          [2024-11-21 14:06:30Z INFO StepsRunner] Step result: Failed
        `,
    },
    {
      name: 'a step killed after the job lock was lost',
      description: 'The Listener lost the lock for this job (same job id): the step did not fail on its own.',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:04:59Z INFO JobDispatcher] Job request 9001 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job ${JOB_ID} received.
          [2024-11-21 14:20:12Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 9001.
          [2024-11-21 14:20:12Z INFO JobDispatcher] Send job cancellation message to worker for job ${JOB_ID}.
        `,
        [WORKER]: workerHead(JOB_ID, 'build (20.x)') + failingStep('Run ./integration-tests.sh', 143, '2024-11-21 14:20:14Z'),
      },
    },
    {
      name: 'a step failing while the runner shuts down',
      description: 'The runner was stopped during the job (F33): the job fails, but not because of the workload.',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run make test'
          [2024-11-21 14:07:12Z INFO HostContext] Runner will be shutdown for OperatingSystemShutdown
          [2024-11-21 14:07:13Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 143, and elapsed time 00:01:13.0000000.
          [2024-11-21 14:07:13Z INFO StepsRunner] Step result: Failed
        `,
    },
    {
      name: 'a step that threw inside the runner',
      description: '"Caught exception from step" (not a timeout) is a runner-side error, not the step failing on its own.',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run actions/upload-artifact@v4'
          [2024-11-21 14:06:01Z ERR  StepsRunner] Caught exception from step: System.IO.FileNotFoundException: File not found: '/home/ci/actions-runner/_work/_actions/actions/upload-artifact/v4/dist/upload/index.js'
          [2024-11-21 14:06:01Z INFO StepsRunner] Step result: Failed
        `,
    },
    {
      name: 'a worker that crashed during the job',
      description: 'Worker exit code 137 (killed) is a crash: the Listener logged it for this very job.',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:04:59Z INFO JobDispatcher] Job request 9001 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job ${JOB_ID} received.
          [2024-11-21 14:06:43Z INFO JobDispatcher] Worker finished for job ${JOB_ID}. Code: 137
          [2024-11-21 14:06:43Z INFO JobDispatcher] Return code 137 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        `,
        [WORKER]: workerHead(JOB_ID, 'build (20.x)') + failingStep('Run npm test', 137, '2024-11-21 14:06:41Z'),
      },
    },
    {
      name: 'steps that succeeded or were cancelled',
      description: 'Only a Failed result is a failure; Canceled is a cancellation (F25).',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run npm ci'
          [2024-11-21 14:06:41Z INFO StepsRunner] Step result: Succeeded
          [2024-11-21 14:06:41Z INFO StepsRunner] Processing step: DisplayName='Run npm test'
          [2024-11-21 14:07:00Z INFO Worker] Cancellation/Shutdown message received.
          [2024-11-21 14:07:00Z ERR  StepsRunner] Caught cancellation exception from step: System.OperationCanceledException: The operation was canceled.
          [2024-11-21 14:07:01Z INFO StepsRunner] Step result: Canceled
        `,
    },
  ],
  invalid: [
    {
      name: 'a script step exits 1',
      fileName: WORKER,
      log: workerHead(JOB_ID, 'build (20.x)') + failingStep('Run npm test', 1, '2024-11-21 14:06:41Z') + log`
        [2024-11-21 14:06:42Z INFO JobRunner] Job result after all job steps finish: Failed
      `,
      errors: [
        {
          messageId: 'stepFailed',
          lines: [14],
          severity: 'info',
          confidence: 'high',
          message:
            "The step 'Run npm test' of job 'build (20.x)' failed on its own: Process completed with exit code 1. This is the workflow's own workload failing, not the runner; the step's log in the GitHub UI shows why.",
        },
      ],
    },
    {
      name: 'a step reaches its timeout',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'build (20.x)') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run ./e2e.sh'
          [2024-11-21 14:16:00Z ERR  StepsRunner] Caught timeout exception from step: The operation was canceled.
          [2024-11-21 14:16:01Z INFO StepsRunner] Step result: Failed
        `,
      errors: [{ messageId: 'stepFailed', lines: [13], data: { reason: "it timed out (the step's timeout-minutes was reached)" }, confidence: 'high' }],
    },
    {
      name: 'an action reports a failure without an exit code',
      fileName: WORKER,
      log:
        workerHead(JOB_ID, 'deploy') +
        log`
          [2024-11-21 14:06:00Z INFO StepsRunner] Processing step: DisplayName='Run azure/login@v2'
          [2024-11-21 14:06:03Z INFO StepsRunner] Step result: Failed
          [2024-11-21 14:06:03Z INFO ExecutionContext] Publish step telemetry for current step {
            "action": "azure/login",
            "ref": "v2",
            "type": "node20",
            "result": "failed",
            "errorMessages": [ "Login failed with Error: Using auth-type: SERVICE_PRINCIPAL. Not all values are present." ]
          }.
        `,
      errors: [
        {
          messageId: 'stepFailed',
          lines: [12],
          confidence: 'medium',
          data: { step: 'Run azure/login@v2', job: 'deploy', reason: 'Login failed with Error: Using auth-type: SERVICE_PRINCIPAL. Not all values are present' },
        },
      ],
    },
    {
      name: 'two jobs with failing steps, dispatched by a healthy runner',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:04:59Z INFO JobDispatcher] Job request 9001 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job ${JOB_ID} received.
          [2024-11-21 14:06:43Z INFO JobDispatcher] Worker finished for job ${JOB_ID}. Code: 102
          [2024-11-21 14:06:43Z INFO JobDispatcher] finish job request for job ${JOB_ID} with result: Failed
          [2024-11-21 14:09:59Z INFO JobDispatcher] Job request 9002 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job 8d0e1f53-2c3d-4e6f-9a01-b2c3d4e5f6a7 received.
          [2024-11-21 14:11:43Z INFO JobDispatcher] Worker finished for job 8d0e1f53-2c3d-4e6f-9a01-b2c3d4e5f6a7. Code: 102
        `,
        [WORKER]: workerHead(JOB_ID, 'build (20.x)') + failingStep('Run npm test', 1, '2024-11-21 14:06:41Z'),
        'Worker_20241121-141000-utc.log':
          workerHead('8d0e1f53-2c3d-4e6f-9a01-b2c3d4e5f6a7', 'lint', '2024-11-21 14:10:00Z') + failingStep('Run npm run lint', 2, '2024-11-21 14:11:41Z'),
      },
      errors: [
        {
          messageId: 'stepsFailed',
          evidence: [`${WORKER}:14`, 'Worker_20241121-141000-utc.log:14'],
          count: 2,
          severity: 'info',
          data: {
            steps:
              "'Run npm test' in 'build (20.x)' (Process completed with exit code 1); 'Run npm run lint' in 'lint' (Process completed with exit code 2)",
          },
        },
      ],
    },
  ],
});

describe('job-step-failed over a long log', () => {
  const LAST = '9f1e2d3c-0000-4000-8000-00000000ffff';
  /** A failing job at 14:05, 600 clean jobs from 15:00, a failing job after them. */
  function longLog(runnerAfterFirst: string): Record<string, string> {
    const { runner, workers } = cleanJobs(600, '2024-11-21T15:00:00Z');
    return {
      'Runner_20241121-140000-utc.log':
        log`
          [2024-11-21 14:04:59Z INFO JobDispatcher] Job request 9001 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job ${JOB_ID} received.
          [2024-11-21 14:06:43Z INFO JobDispatcher] Worker finished for job ${JOB_ID}. Code: 102
          [2024-11-21 14:06:43Z INFO JobDispatcher] finish job request for job ${JOB_ID} with result: Failed
        ` +
        runnerAfterFirst +
        runner +
        log`
          [2024-11-25 16:59:59Z INFO JobDispatcher] Job request 9999 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job ${LAST} received.
          [2024-11-25 17:01:43Z INFO JobDispatcher] Worker finished for job ${LAST}. Code: 102
          [2024-11-25 17:01:43Z INFO JobDispatcher] finish job request for job ${LAST} with result: Failed
        `,
      [WORKER]: workerHead(JOB_ID, 'build (20.x)') + failingStep('Run npm test', 1, '2024-11-21 14:06:41Z'),
      ...workers,
      'Worker_20241125-170000-utc.log': workerHead(LAST, 'lint', '2024-11-25 17:00:00Z') + failingStep('Run npm run lint', 2, '2024-11-25 17:01:41Z'),
    };
  }

  it('counts and describes a failure judged long before the end as one seen at the end', () => {
    const [f, ...more] = findingsOf(rule, { name: 'x', files: longLog('') });
    expect(more).toEqual([]);
    expect(f?.messageId).toBe('stepsFailed');
    expect(f?.count).toBe(2);
    expect(f?.data['steps']).toBe(
      "'Run npm test' in 'build (20.x)' (Process completed with exit code 1); 'Run npm run lint' in 'lint' (Process completed with exit code 2)",
    );
    expect(f?.evidence.filter((e) => e.role === 'trigger').map((e) => `${e.file}:${e.line}`)).toEqual([`${WORKER}:14`, 'Worker_20241125-170000-utc.log:14']);
  });

  it('waits for runner-side failures logged just after the job finished before judging it', () => {
    // A full disk on the Listener's side 4 minutes after the job's last Worker line (and after the
    // next job finished) still explains the failure, however long the log goes on.
    const [f] = findingsOf(rule, {
      name: 'x',
      files: longLog(log`
        [2024-11-21 14:08:00Z INFO JobDispatcher] Job request 9002 for plan 5f0e3a1c-2b4d-4e6f-8a0b-c1d2e3f4a5b6 job 8d0e1f53-2c3d-4e6f-9a01-b2c3d4e5f6a7 received.
        [2024-11-21 14:09:00Z INFO JobDispatcher] finish job request for job 8d0e1f53-2c3d-4e6f-9a01-b2c3d4e5f6a7 with result: Succeeded
        [2024-11-21 14:10:41Z ERR  JobDispatcher] System.IO.IOException: No space left on device
      `),
    });
    expect(f?.messageId).toBe('stepFailed');
    expect(f?.data['job']).toBe('lint');
  });
});

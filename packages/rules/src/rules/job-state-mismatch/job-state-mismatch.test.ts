import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './job-state-mismatch.js';
import { testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');

const fatal = log`
  [2024-11-21 15:00:01Z INFO MessageListener] Message '88' received from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8'.
  [2024-11-21 15:00:01Z INFO JobDispatcher] Job request 7400 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 2d3e4f5a-0000-4000-8000-000000000077 received.
  [2024-11-21 15:00:02Z ERR  Listener] System.InvalidOperationException: Server send a new job request while the previous job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 haven't finished.
     at GitHub.Runner.Listener.JobDispatcher.EnsureDispatchFinished(WorkerDispatcher jobDispatch, Boolean cancelRunningJob)
     at GitHub.Runner.Listener.JobDispatcher.Run(Pipelines.AgentJobRequestMessage jobRequestMessage, Boolean runOnce)
  [2024-11-21 15:00:02Z ERR  Terminal] WRITE ERROR: An error occurred: Server send a new job request while the previous job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 haven't finished.
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full synthetic session',
      description: 'One job, finished before anything else arrived; `Job request <j> processed succeed.` at shutdown is the normal bookkeeping.',
      files: fullSession,
    },
    {
      name: 'two jobs one after the other',
      description: 'A new job request after the previous job finished is the normal flow.',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
        [2024-11-21 14:03:00Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
        [2024-11-21 14:10:00Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b received.
        [2024-11-21 14:10:00Z INFO JobDispatcher] Job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 processed succeed.
      `,
    },
    {
      name: 'a new job right after a cancelled one',
      description: 'The previous job was cancelled and finished before the next request: GitHub and the runner agree.',
      log: log`
        [2024-11-21 14:00:40Z INFO JobDispatcher] Job cancellation request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received, cancellation timeout 5 minutes.
        [2024-11-21 14:00:45Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
        [2024-11-21 14:00:50Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b received.
        [2024-11-21 14:00:50Z INFO JobDispatcher] Job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 processed succeed.
      `,
    },
  ],
  invalid: [
    {
      name: 'a zombie job: the service had already finished it',
      log: log`
        [2024-11-21 15:00:01Z INFO JobDispatcher] Job request 7400 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 2d3e4f5a-0000-4000-8000-000000000077 received.
        [2024-11-21 15:00:02Z ERR  JobDispatcher] Received job request while previous job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 still running on worker. Cancel the previous job since the job request have been finished on server side with result: Canceled.
        [2024-11-21 15:00:02Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 15:00:05Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
      `,
      errors: [
        {
          messageId: 'mismatch',
          severity: 'warning',
          confidence: 'high',
          lines: [2],
          message:
            'GitHub and this runner disagreed about job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 1 time(s): the service had already finished the previous job (result Canceled) while its worker was still running here; the runner cancelled that zombie worker (2024-11-21T15:00:02Z).',
        },
      ],
    },
    {
      name: 'the service no longer knows the previous job',
      log: log`
        [2024-11-21 15:00:02Z ERR  JobDispatcher] Catch job-not-found exception while checking jobrequest c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 status. Cancel running worker right away.
        [2024-11-21 15:00:02Z ERR  JobDispatcher] GitHub.DistributedTask.WebApi.TaskAgentJobNotFoundException: No job request with id 7319 exists in pool 1.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
      `,
      errors: [{ messageId: 'mismatch', severity: 'warning', lines: [1] }],
    },
    {
      name: 'fatal: the service sent a new job while the previous one was still running',
      log: fatal,
      errors: [{ messageId: 'mismatch', severity: 'error', confidence: 'high', count: 1, lines: [3, 6] }],
    },
    {
      name: 'fatal: the zombie job could not be cancelled',
      log: log`
        [2024-11-21 15:00:02Z ERR  JobDispatcher] Received job request while previous job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 still running on worker. Cancel the previous job since the job request have been finished on server side with result: Failed.
        [2024-11-21 15:00:47Z ERR  Listener] System.InvalidOperationException: Job dispatch process for c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 has encountered unexpected error, the dispatch task is not able to be cancelled within 45 seconds.
        [2024-11-21 15:00:47Z ERR  Terminal] WRITE ERROR: An error occurred: Job dispatch process for c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 has encountered unexpected error, the dispatch task is not able to be cancelled within 45 seconds.
      `,
      errors: [{ messageId: 'mismatch', severity: 'error', count: 2, lines: [1, 2, 3] }],
    },
    {
      name: 'Run Service flow: no state check before cancelling',
      log: log`
        [2025-03-02 08:00:01Z ERR  JobDispatcher] We are not yet checking the state of jobrequest 6f1c1b3e-0000-4000-8000-000000000001 status. Cancel running worker right away.
      `,
      errors: [{ messageId: 'mismatch', severity: 'warning', lines: [1] }],
    },
  ],
});

describe('job-state-mismatch', () => {
  it('takes the runner\'s WRITE ERROR as its stated conclusion', () => {
    const [f] = findingsOf(rule, { name: 'x', log: fatal });
    expect(f?.conclusive).toBe(true);
    expect(f?.message).toContain('the service sent a new job while, by its own account, the previous job was still running; the runner stopped (exit code 2, restart)');
  });
});

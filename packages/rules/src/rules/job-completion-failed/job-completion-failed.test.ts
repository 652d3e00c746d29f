import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { RuleTester, eventsOf, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './job-completion-failed.js';
import { testLogs } from '../../testing/logs.js';
import { workerGaveUpReporting } from './fixtures/worker-gave-up.js';

const fullSession = testLogs('full-session/_diag');

const exhausted = log`
  [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
  [2024-11-21 14:00:07Z INFO Terminal] WRITE LINE: 2024-11-21 14:00:07Z: Running job: release
  [2024-11-21 14:12:40Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
  [2024-11-21 14:12:40Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
  [2024-11-21 14:13:40Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
  [2024-11-21 14:13:40Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
     at GitHub.Services.Common.VssHttpMessageHandler.SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
  [2024-11-21 14:14:45Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
  [2024-11-21 14:14:45Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
  [2024-11-21 14:15:50Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
  [2024-11-21 14:15:50Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
  [2024-11-21 14:16:55Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
  [2024-11-21 14:16:55Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
  [2024-11-21 14:18:00Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
  [2024-11-21 14:18:00Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
  [2024-11-21 14:30:01Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b received.
  [2024-11-21 14:30:01Z ERR  JobDispatcher] Worker Dispatch failed with an exception for job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
  [2024-11-21 14:30:01Z ERR  JobDispatcher] System.AggregateException: One or more errors occurred. (The HTTP request timed out after 00:01:00.) (The HTTP request timed out after 00:01:00.)
   ---> System.TimeoutException: The HTTP request timed out after 00:01:00.
     at GitHub.Runner.Listener.JobDispatcher.CompleteJobRequestAsync(Int32 poolId, AgentJobRequestMessage message, ServiceEndpoint systemConnection, Guid lockToken, TaskResult result, String detailInfo)
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full synthetic session',
      description: 'The job finished and reported its result without an error.',
      files: fullSession,
    },
    {
      name: 'job-not-found while completing: the service had already closed the job',
      description: '`TaskAgentJobNotFoundException received, job <j> is no longer valid.` alone is benign (spec F32).',
      log: log`
        [2024-11-21 14:12:40Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
        [2024-11-21 14:12:40Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:12:41Z INFO JobDispatcher] TaskAgentJobNotFoundException received, job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 is no longer valid.
        [2024-11-21 14:30:01Z INFO JobDispatcher] Job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 processed succeed.
      `,
    },
    {
      name: 'expired job token while completing',
      description: 'The runner gives up on an expired token without retrying; it is the token cause, not a failed completion.',
      log: log`
        [2024-11-21 14:12:41Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received, job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 is no longer valid.
      `,
    },
    {
      name: 'a worker that died of something else',
      description: 'An unhandled exception that is not about reporting the result is worker-crashed\'s, not a failed completion.',
      log: log`
        [2024-04-09 16:24:35Z INFO JobDispatcher] Worker finished for job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48. Code: 1
        [2024-04-09 16:24:36Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-04-09 16:24:36Z ERR  JobDispatcher] System.NullReferenceException: Object reference not set to an instance of an object.
      `,
    },
    {
      name: 'timeline and log upload errors in the Worker',
      description: 'Best-effort uploads that fail are upload_failed; the job result itself was reported.',
      fileName: 'Worker_20241121-140008-utc.log',
      log: log`
        [2024-11-21 14:10:00Z ERR  JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:12:39Z INFO JobRunner] Raising job completed event
        [2024-11-21 14:12:40Z INFO Worker] Job completed.
      `,
    },
  ],
  invalid: [
    {
      name: 'the Listener could not finish the job request after 5 attempts',
      log: exhausted,
      errors: [{ messageId: 'failed', severity: 'error', confidence: 'high', count: 1, lines: [5, 8, 10, 14, 17] }],
    },
    {
      name: 'two failed attempts, then presumably a success',
      log: log`
        [2024-11-21 14:13:40Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
        [2024-11-21 14:13:40Z ERR  JobDispatcher] GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
        [2024-11-21 14:13:45Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
        [2024-11-21 14:13:45Z ERR  JobDispatcher] GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
        [2024-11-21 14:30:01Z INFO JobDispatcher] Job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 processed succeed.
      `,
      errors: [
        {
          messageId: 'retried',
          severity: 'warning',
          confidence: 'medium',
          count: 2,
          lines: [1, 3],
          message:
            'Reporting the result of job request 7319 to GitHub failed 2 time(s) (HTTP 5xx from the service) between 2024-11-21T14:13:40Z and 2024-11-21T14:13:45Z before a later attempt went through (the runner tries 5 times): the result arrived late.',
        },
      ],
    },
    {
      name: 'the worker could not raise JobCompletedEvent',
      fileName: 'Worker_20241121-140008-utc.log',
      log: log`
        [2024-11-21 14:12:39Z INFO JobRunner] Raising job completed event
        [2024-11-21 14:12:40Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13, job request 7319.
        [2024-11-21 14:12:40Z ERR  JobRunner] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
        [2024-11-21 14:12:45Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13, job request 7319.
        [2024-11-21 14:12:50Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13, job request 7319.
        [2024-11-21 14:12:55Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13, job request 7319.
        [2024-11-21 14:13:00Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13, job request 7319.
      `,
      errors: [{ messageId: 'failed', severity: 'error', lines: [2, 4, 5, 6, 7] }],
    },
    {
      name: 'attempts cut from the paste, then the worker\'s AggregateException escapes: the worker gave up',
      fileName: 'Worker_20240409-161029-utc.log',
      log: log`
        [2024-04-09 16:20:55Z INFO JobRunner] Raising job completed against run service
        [2024-04-09 16:21:34Z ERR  JobRunner] Catch exception while attempting to complete job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48, job request 0.
        [2024-04-09 16:21:34Z ERR  JobRunner] System.Exception: Failed to complete job: Bad Request
        [2024-04-09 16:24:30Z ERR  JobRunner] Catch exception while attempting to complete job b81e4f27-3c06-4d9a-a5e2-6f0c17d93b48, job request 0.
        [2024-04-09 16:24:30Z ERR  JobRunner] System.Exception: Failed to complete job: Bad Request
        [2024-04-09 16:24:35Z ERR  Worker] System.AggregateException: One or more errors occurred. (Failed to complete job: Bad Request) (Failed to complete job: Bad Request)
         ---> System.Exception: Failed to complete job: Bad Request
      `,
      errors: [{ messageId: 'failed', severity: 'error', confidence: 'high', lines: [2, 4, 6] }],
    },
    {
      name: 'only the Runner log: it quotes the worker dying of failed completion attempts',
      log: workerGaveUpReporting,
      errors: [{ messageId: 'failed', severity: 'error', lines: [3] }],
    },
    {
      name: 'the run\'s plan no longer exists',
      fileName: 'Worker_20241121-140008-utc.log',
      log: log`
        [2024-11-21 14:12:39Z INFO JobRunner] Raising job completed event
        [2024-11-21 14:12:40Z ERR  JobRunner] TaskOrchestrationPlanNotFoundException received, while attempting to raise JobCompletedEvent for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:12:40Z ERR  JobRunner] GitHub.DistributedTask.WebApi.TaskOrchestrationPlanNotFoundException: Orchestration plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 is not found.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
      `,
      errors: [
        {
          messageId: 'failed',
          severity: 'error',
          count: 1,
          lines: [2],
          message:
            "The result of job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 could not be reported to GitHub: the run's orchestration plan no longer exists (TaskOrchestrationPlanNotFoundException: the run was deleted or already completed) for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 at 2024-11-21T14:12:40Z. GitHub may show the job as still running until it times out, then as failed or abandoned, whatever the job really did.",
        },
      ],
    },
    {
      name: 'a crashed worker\'s failure could not be reported',
      log: log`
        [2024-11-21 14:05:42Z INFO JobDispatcher] Return code 1 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:05:43Z ERR  JobDispatcher] Fail to raise JobCompletedEvent back to service.
        [2024-11-21 14:05:43Z ERR  JobDispatcher] GitHub.Services.WebApi.VssServiceResponseException: Internal Server Error
      `,
      errors: [{ messageId: 'failed', lines: [2] }],
    },
    {
      name: 'the dispatch failed while the runner shut down',
      log: log`
        [2024-11-21 16:20:03Z INFO JobDispatcher] Shutting down JobDispatcher. Make sure all WorkerDispatcher has finished.
        [2024-11-21 16:20:08Z ERR  JobDispatcher] Catching worker dispatch exception for job request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 durning job dispatcher shut down.
        [2024-11-21 16:20:08Z ERR  JobDispatcher] System.AggregateException: One or more errors occurred. (Connection refused (pipelinesghubeus21.actions.githubusercontent.com:443))
      `,
      errors: [{ messageId: 'failed', lines: [2] }],
    },
  ],
});

describe('job-completion-failed', () => {
  it('names the job, the attempts, their class and the failed dispatch', () => {
    const [f] = findingsOf(rule, { name: 'x', log: exhausted });
    expect(f?.message).toBe(
      "The result of job 'release' could not be reported to GitHub: the runner failed to finish the job request of job 'release' 5 time(s) (timeouts) from 2024-11-21T14:13:40Z to 2024-11-21T14:18:00Z, every attempt failed; the dispatch of job 'release' ended with an exception (AggregateException: One or more errors occurred. (The HTTP request timed out after 00:01:00.) (The HTTP request timed out after 00:01:00.)) at 2024-11-21T14:30:01Z. GitHub may show the job as still running until it times out, then as failed or abandoned, whatever the job really did.",
    );
  });

  it('explains the exception dumps under the failed attempts', () => {
    const result = analyzeEvents(eventsOf({ name: 'x', log: exhausted }), { rules: [rule] });
    expect(result.unrecognized).toEqual([]);
  });
});

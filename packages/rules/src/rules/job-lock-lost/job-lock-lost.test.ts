import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { cleanJobs } from '../../testing/clean-jobs.js';
import { RuleTester, eventsOf, findingsOf, log } from '../../testing/rule-tester.js';
import rule from './job-lock-lost.js';
import { testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');
const tokenExpiredCorpus = testLogs('corpus/024-job-token-expired-renew-1546/_diag');

/** Renewal errors on DNS failures until the lock ran out: the classic abandoned job. */
const outOfRetry = log`
  [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
  [2024-11-21 14:00:07Z INFO Terminal] WRITE LINE: 2024-11-21 14:00:07Z: Running job: build (20.x)
  [2024-11-21 14:00:07Z INFO JobDispatcher] Start renew job request 7319 for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
  [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
  [2024-11-21 14:01:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:11:08
  [2024-11-21 14:03:08Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
  [2024-11-21 14:03:08Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Name or service not known (pipelinesghubeus21.actions.githubusercontent.com:443)
   ---> System.Net.Sockets.SocketException (00000001, 11): Name or service not known
     at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
     --- End of inner exception stack trace ---
     at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
  [2024-11-21 14:03:08Z ERR  JobDispatcher] #####################################################
  [2024-11-21 14:03:08Z ERR  JobDispatcher] System.Net.Sockets.SocketException (00000001, 11): Name or service not known
     at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
  [2024-11-21 14:03:08Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid until 11/21/2024 14:11:08.
  [2024-11-21 14:03:08Z INFO RunnerServer] Refresh JobRequest VssConnection to get on a different AFD node.
  [2024-11-21 14:08:20Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
  [2024-11-21 14:08:20Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Name or service not known (pipelinesghubeus21.actions.githubusercontent.com:443)
  [2024-11-21 14:08:20Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid until 11/21/2024 14:11:08.
  [2024-11-21 14:16:10Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
  [2024-11-21 14:16:10Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Name or service not known (pipelinesghubeus21.actions.githubusercontent.com:443)
  [2024-11-21 14:16:10Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 7319.
  [2024-11-21 14:16:10Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
  [2024-11-21 14:16:10Z INFO ProcessChannel] Sending message of length 0, with hash 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  [2024-11-21 14:16:25Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Abandoned
  [2024-11-21 14:16:25Z INFO Terminal] WRITE LINE: 2024-11-21 14:16:25Z: Job build (20.x) completed with result: Abandoned
  [2024-11-21 14:16:25Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
`;

/** The machine slept for 18 minutes mid-job: no renewal error, then the service has dropped the job. */
const suspended = log`
  [2024-11-21 10:00:00Z INFO JobDispatcher] Job request 552 for plan 1c2d3e4f-0000-4000-8000-00000000aaaa job 5e6f7a8b-0000-4000-8000-00000000bbbb received.
  [2024-11-21 10:00:00Z INFO Terminal] WRITE LINE: 2024-11-21 10:00:00Z: Running job: integration
  [2024-11-21 10:00:01Z INFO JobDispatcher] Successfully renew job request 552, job is valid till 11/21/2024 10:10:01
  [2024-11-21 10:01:01Z INFO JobDispatcher] Successfully renew job request 552, job is valid till 11/21/2024 10:11:01
  [2024-11-21 10:19:32Z ERR  GitHubActionsService] PATCH request to https://pipelinesghubeus21.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/552?lockToken=00000000-0000-0000-0000-000000000000 failed. HTTP Status: NotFound
  [2024-11-21 10:19:32Z INFO JobDispatcher] TaskAgentJobNotFoundException received when renew job request 552, job is no longer valid, stop renew job request.
  [2024-11-21 10:19:32Z INFO JobDispatcher] Send job cancellation message to worker for job 5e6f7a8b-0000-4000-8000-00000000bbbb.
  [2024-11-21 10:19:40Z INFO JobDispatcher] finish job request for job 5e6f7a8b-0000-4000-8000-00000000bbbb with result: Abandoned
  [2024-11-21 10:19:40Z INFO Terminal] WRITE LINE: 2024-11-21 10:19:40Z: Job integration completed with result: Abandoned
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a renewal in flight when the job succeeded comes back 404',
      description: 'The service closed the job request as the job ended; the renewal that was on its way gets TaskAgentJobNotFoundException. After a Succeeded result nothing was lost.',
      log: log`
        [2023-07-18 13:10:29Z INFO JobDispatcher] Job request 990152 for plan 1f0c3e2a-6d25-4b98-9e4a-3c1b8f0d7e62 job 7d0c9e1b-3f74-4a2e-8b16-c92e7f4a0d38 received.
        [2023-07-18 13:13:30Z INFO JobDispatcher] Successfully renew job request 990152, job is valid till 7/18/2023 1:23:30 PM
        [2023-07-18 13:14:29Z INFO JobDispatcher] Worker finished for job 7d0c9e1b-3f74-4a2e-8b16-c92e7f4a0d38. Code: 100
        [2023-07-18 13:14:29Z INFO JobDispatcher] finish job request for job 7d0c9e1b-3f74-4a2e-8b16-c92e7f4a0d38 with result: Succeeded
        [2023-07-18 13:14:30Z ERR  GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/x/_apis/distributedtask/pools/1/jobrequests/990152?lockToken=00000000-0000-0000-0000-000000000000 failed. HTTP Status: NotFound
        [2023-07-18 13:14:30Z INFO JobDispatcher] TaskAgentJobNotFoundException received when renew job request 990152, job is no longer valid, stop renew job request.
      `,
    },
    {
      name: 'full synthetic session: one healthy job and a recovered 503 outage while idle',
      description: 'Renewals every 60 s, result Succeeded; the 503s happen on the idle message poll, not on a job lock.',
      files: fullSession,
    },
    {
      name: 'a job whose renewals all succeeded',
      description: 'Normal renewals and `job renew has been cancelled` at the end of the job are the healthy path.',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received.
        [2024-11-21 14:00:07Z INFO JobDispatcher] Start renew job request 7319 for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:01:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:11:08
        [2024-11-21 14:01:30Z INFO JobDispatcher] Worker finished for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13. Code: 100
        [2024-11-21 14:01:30Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
        [2024-11-21 14:01:30Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:01:30Z INFO JobDispatcher] job renew has been cancelled, stop renew job request 7319.
      `,
    },
    {
      name: 'a renewal rejected for an expired job token (corpus 024)',
      description: 'TaskAgentJobTokenExpiredException belongs to token_expired_or_unauthorized; the listener-initiated cancel is job_cancelled. Here it is context at most.',
      files: tokenExpiredCorpus,
    },
    {
      name: 'token expired, then the job ends Abandoned',
      description: 'The abandonment follows from the rejected job token: the token rule names it, not this one.',
      log: log`
        [2021-12-10 09:53:56Z INFO JobDispatcher] Successfully renew job request 31886, job is valid till 12/10/2021 10:03:56
        [2021-12-10 09:54:56Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received renew job request 31886, job is no longer valid, stop renew job request.
        [2021-12-10 09:54:56Z INFO JobDispatcher] Send job cancellation message to worker for job 832b0204-66bc-5239-0b20-d0854358b9c1.
        [2021-12-10 09:55:46Z INFO JobDispatcher] finish job request for job 832b0204-66bc-5239-0b20-d0854358b9c1 with result: Abandoned
      `,
    },
    {
      name: 'job-not-found while completing a finished job',
      description: '`TaskAgentJobNotFoundException received, job <j> is no longer valid.` at completion is benign (F32 near-miss), not a lock renewal.',
      log: log`
        [2024-11-21 14:01:30Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
        [2024-11-21 14:01:30Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:01:31Z INFO JobDispatcher] TaskAgentJobNotFoundException received, job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 is no longer valid.
      `,
    },
    {
      name: 'a long gap between successful renewals alone',
      description: 'A 5-minute gap between renewals with the lock kept and the job succeeding is only supporting context (§4.F rule 4), never a finding by itself.',
      log: log`
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:05:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:15:08
        [2024-11-21 14:05:30Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
      `,
    },
    {
      name: 'a renewal that races a user cancellation',
      description: 'The service cancelled the job and dropped it before the worker stopped: `TaskAgentJobNotFoundException` on renewal is the cancellation (job_cancelled), not a lost lock.',
      log: log`
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:00:40Z INFO JobDispatcher] Job cancellation request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received, cancellation timeout 5 minutes.
        [2024-11-21 14:00:40Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:01:08Z INFO JobDispatcher] TaskAgentJobNotFoundException received when renew job request 7319, job is no longer valid, stop renew job request.
        [2024-11-21 14:01:10Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
      `,
    },
    {
      name: 'a job cancelled by a user',
      description: 'A Canceled result is job_cancelled; only Abandoned (or the runner giving up its lock) is a lost lock.',
      log: log`
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:00:40Z INFO JobDispatcher] Job cancellation request c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 received, cancellation timeout 5 minutes.
        [2024-11-21 14:00:40Z INFO JobDispatcher] Send job cancellation message to worker for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
        [2024-11-21 14:00:45Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Canceled
      `,
    },
  ],
  invalid: [
    {
      name: 'renewal ran out of retries on DNS failures',
      log: outOfRetry,
      errors: [{ messageId: 'lost', severity: 'error', confidence: 'high', count: 1, lines: [6, 17, 20, 22, 25] }],
    },
    {
      name: 'the first renewal failed: the job never started',
      log: log`
        [2024-11-21 14:00:07Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b received.
        [2024-11-21 14:00:07Z INFO JobDispatcher] Start renew job request 7320 for job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b.
        [2024-11-21 14:00:37Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7320.
        [2024-11-21 14:00:37Z ERR  JobDispatcher] System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.
         ---> System.TimeoutException: The operation was canceled.
        [2024-11-21 14:00:37Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7320. The first job renew request has failed.
        [2024-11-21 14:01:14Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7320.
        [2024-11-21 14:01:14Z ERR  JobDispatcher] System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.
        [2024-11-21 14:01:14Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7320. The first job renew request has failed.
        [2024-11-21 14:01:52Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7320.
        [2024-11-21 14:01:52Z ERR  JobDispatcher] System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.
        [2024-11-21 14:01:52Z INFO JobDispatcher] Unable to renew job request for job 0d9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b for the first time, stop dispatching job to worker.
      `,
      errors: [{ messageId: 'lost', severity: 'error', confidence: 'high', lines: [3, 7, 10, 12] }],
    },
    {
      name: 'the service dropped the job after the machine was suspended',
      log: suspended,
      errors: [{ messageId: 'lost', severity: 'error', confidence: 'high', lines: [6, 8] }],
    },
    {
      name: 'a renewal error that the next retry absorbed',
      description: 'One failed renewal during a 503 blip, then a successful one 12 s later: the lock was kept; context only.',
      log: log`
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:01:38Z ERR  GitHubActionsService] Attempt 6 of PATCH request to https://pipelinesghubeus21.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/7319?lockToken=00000000-0000-0000-0000-000000000000 failed (HTTP Status: ServiceUnavailable). The maximum number of attempts has been reached.
        [2024-11-21 14:01:38Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
        [2024-11-21 14:01:38Z ERR  JobDispatcher] GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        [2024-11-21 14:01:38Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid until 11/21/2024 14:10:08.
        [2024-11-21 14:01:50Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:11:50
        [2024-11-21 14:02:50Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:12:50
        [2024-11-21 14:03:10Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Succeeded
      `,
      errors: [{ messageId: 'renewFailed', severity: 'info', count: 1, lines: [3] }],
    },
    {
      name: 'renewal errors still failing where the log ends',
      description: 'The lock has not been lost yet, but nothing renewed it since: the job is at risk.',
      log: log`
        [2024-11-21 14:00:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 11/21/2024 14:10:08
        [2024-11-21 14:01:38Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
        [2024-11-21 14:01:38Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
        [2024-11-21 14:01:38Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid until 11/21/2024 14:10:08.
        [2024-11-21 14:02:50Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
        [2024-11-21 14:02:50Z ERR  JobDispatcher] System.TimeoutException: The HTTP request timed out after 00:01:00.
        [2024-11-21 14:02:50Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid until 11/21/2024 14:10:08.
      `,
      errors: [
        {
          messageId: 'renewFailed',
          severity: 'warning',
          count: 2,
          lines: [2, 5],
          message:
            'Renewing the lock on job request 7319 failed 2 time(s) (timeouts) between 2024-11-21T14:01:38Z and 2024-11-21T14:02:50Z; still failing where the log ends (1m 12s so far): the job is at risk of being abandoned once its lock expires.',
        },
      ],
    },
    {
      name: 'Run Service (broker) wording: renew runner job <jobId>',
      description: 'Broker runners say `job <jobId>` instead of `jobrequest <requestId>`; the parser leaves these lines unrecognized.',
      log: log`
        [2025-03-02 08:00:01Z INFO JobDispatcher] Successfully renew job 6f1c1b3e-0000-4000-8000-000000000001, job is valid till 3/2/2025 8:10:01 AM
        [2025-03-02 08:01:30Z ERR  JobDispatcher] Catch exception during renew runner job 6f1c1b3e-0000-4000-8000-000000000001.
        [2025-03-02 08:01:30Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Connection refused (run-actions-2-azure-eastus.actions.githubusercontent.com:443)
        [2025-03-02 08:01:30Z INFO JobDispatcher] Retrying lock renewal for job 6f1c1b3e-0000-4000-8000-000000000001. Job is valid until 3/2/2025 8:10:01 AM.
        [2025-03-02 08:15:10Z ERR  JobDispatcher] Catch exception during renew runner job 6f1c1b3e-0000-4000-8000-000000000001.
        [2025-03-02 08:15:10Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Connection refused (run-actions-2-azure-eastus.actions.githubusercontent.com:443)
        [2025-03-02 08:15:10Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for job 6f1c1b3e-0000-4000-8000-000000000001.
        [2025-03-02 08:15:10Z INFO JobDispatcher] Send job cancellation message to worker for job 6f1c1b3e-0000-4000-8000-000000000001.
        [2025-03-02 08:15:20Z INFO JobDispatcher] finish job request for job 6f1c1b3e-0000-4000-8000-000000000001 with result: Abandoned
      `,
      errors: [{ messageId: 'lost', severity: 'error', confidence: 'high', lines: [2, 5, 7, 9] }],
    },
    {
      name: 'only the Abandoned result is in the excerpt',
      log: log`
        [2024-11-21 14:16:25Z INFO JobDispatcher] finish job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13 with result: Abandoned
        [2024-11-21 14:16:25Z INFO Terminal] WRITE LINE: 2024-11-21 14:16:25Z: Job build (20.x) completed with result: Abandoned
        [2024-11-21 14:16:25Z INFO JobDispatcher] Stop renew job request for job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13.
      `,
      errors: [{ messageId: 'lost', confidence: 'medium', count: 1, lines: [1] }],
    },
    {
      name: 'Azure Pipelines agent wording',
      fileName: 'Agent_20230301-100000-utc.log',
      log: log`
        [2023-03-01 10:00:00Z INFO JobDispatcher] Successfully renew job request 912, job is valid till 3/1/2023 10:10:00 AM
        [2023-03-01 10:01:10Z ERR  JobDispatcher] Catch exception during renew agent jobrequest 912.
        [2023-03-01 10:01:10Z ERR  JobDispatcher] Microsoft.VisualStudio.Services.Common.VssServiceException: The operation has timed out.
        [2023-03-01 10:01:10Z INFO JobDispatcher] Retrying lock renewal for jobrequest 912. Job is valid until 3/1/2023 10:10:00 AM.
        [2023-03-01 10:15:00Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 912.
      `,
      errors: [{ messageId: 'lost', severity: 'error', lines: [2, 5] }],
    },
  ],
});

describe('job-lock-lost messages', () => {
  it('names the job, the renewal failures, their class and the abandonment', () => {
    const [f] = findingsOf(rule, { name: 'x', log: outOfRetry });
    expect(f?.message).toBe(
      "The runner lost its lock on 1 running job(s), so the service gave up on them: job 'build (20.x)': lock renewal failed 3 time(s) (DNS failures) from 2024-11-21T14:03:08Z and ran out of retries at 2024-11-21T14:16:10Z; the runner then cancelled the worker, the job ended Abandoned.",
    );
    expect(f?.episodes).toEqual([{ start: '2024-11-21T14:03:08Z', end: '2024-11-21T14:16:10Z', durationSeconds: 782, count: 3, outcome: 'ongoing' }]);
  });

  it('reports a silent gap between renewals as suspension or starvation', () => {
    const [f] = findingsOf(rule, { name: 'x', log: suspended });
    expect(f?.message).toContain('the service no longer knew the job');
    expect(f?.message).toContain('18m 31s passed between two lock renewals with no error logged');
    expect(f?.evidence.filter((e) => e.role === 'context').map((e) => e.line)).toEqual([4, 7]);
  });

  it('still names a lost job after hundreds of clean jobs (which it forgets)', () => {
    const [alone] = findingsOf(rule, { name: 'x', log: outOfRetry });
    const found = findingsOf(rule, { name: 'x', log: outOfRetry + cleanJobs(600, '2024-11-21T15:00:00Z').runner });
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe(alone?.message);
    expect(found[0]?.evidence).toEqual(alone?.evidence);
  });

  it('keeps the exception dumps under the renew errors out of the unrecognized tail', () => {
    const result = analyzeEvents(eventsOf({ name: 'x', log: outOfRetry }), { rules: [rule] });
    expect(result.unrecognized.filter((u) => u.component === 'JobDispatcher')).toEqual([]);
  });
});

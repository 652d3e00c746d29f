import { RuleTester, log } from '../../testing/rule-tester.js';
import { MESSAGES_URL, corpusCase } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './token-expired-or-unauthorized.js';

const BROKER_URL =
  'https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&status=Online&runnerVersion=2.300.0&os=Linux&architecture=X64&disableUpdate=true';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the token provider could not reach the token service',
      description: 'Its Reason is a DNS failure: no credential was judged, the network rules tell this story.',
      log: log`
        [2025-02-17 12:29:10Z ERR  GitHubActionsService] OAuth issued token provider instance 0 failed to retrieve a token.
        Reason: System.Net.Http.HttpRequestException: nodename nor servname provided, or not known (token.actions.githubusercontent.com:443)
        [2025-02-17 12:29:41Z ERR  GitHubActionsService] OAuth issued token provider instance 0 failed to retrieve a token.
        Reason: System.Net.Http.HttpRequestException: nodename nor servname provided, or not known (token.actions.githubusercontent.com:443)
      `,
    },
    {
      name: 'a 403 that refuses a deprecated runner version',
      description: 'The 403 comes with "Runner version v2.300.0 is deprecated and cannot receive messages": runner-version-deprecated (F05), not a credential problem.',
      log: log`
        [2023-06-01 08:00:00Z ERR  GitHubActionsService] GET request to ${BROKER_URL} failed. HTTP Status: Forbidden
        [2023-06-01 08:00:00Z ERR  Terminal] WRITE ERROR: An error occured: Runner version v2.300.0 is deprecated and cannot receive messages.
        [2023-06-01 08:00:00Z ERR  Listener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.300.0 is deprecated and cannot receive messages.
           at GitHub.Runner.Listener.MessageListener.GetNextMessageAsync(CancellationToken token)
      `,
    },
    {
      name: 'the deprecation 403 without the Terminal line',
      description: 'An excerpt that has the 403 and the AccessDeniedException naming the deprecated version, but not the console line, is still F05.',
      log: log`
        [2023-06-01 08:00:00Z ERR  GitHubActionsService] GET request to ${BROKER_URL} failed. HTTP Status: Forbidden
        [2023-06-01 08:00:00Z ERR  MessageListener] Catch exception during get next message.
        [2023-06-01 08:00:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.300.0 is deprecated and cannot receive messages.
      `,
    },
    {
      name: 'a lone 401 challenge followed by a session',
      description: '`Authentication failed with status code 401.` is the handler\'s challenge; it retried with a token and the session was created.',
      log: log`
        [2025-03-04 10:00:00Z INFO MessageListener] Attempt to create session.
        [2025-03-04 10:00:00Z WARN GitHubActionsService] Authentication failed with status code 401.
        Date: Tue, 04 Mar 2025 10:00:00 GMT
        WWW-Authenticate: Bearer
        X-GitHub-Request-Id: 0400:3F2A:1B2C3D:4E5F6A:67C6D0A0
        [2025-03-04 10:00:01Z INFO GitHubActionsService] AAD Correlation ID for this token request: Unknown
        [2025-03-04 10:00:01Z INFO MessageListener] Session created.
      `,
    },
    {
      name: 'the registration is gone',
      description: '"Registration ... was not found" is oauth-registration-not-found (F02), not a generic OAuth failure.',
      files: corpusCase('006'),
    },
    {
      name: 'an OAuth rejection that names the clock',
      description: '"Current server time is" is clock-skew (F08).',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: The assertion is not yet valid. Current server time is 2025-03-04T09:51:12Z.
      `,
    },
    {
      name: 'a job the service no longer knows',
      description: 'TaskAgentJobNotFoundException on renewal is job state (the job was cancelled or reassigned), not an expired token.',
      log: log`
        [2025-03-04 10:12:08Z INFO JobDispatcher] TaskAgentJobNotFoundException received when renew job request 7319, job is no longer valid, stop renew job request.
      `,
    },
    {
      name: 'a 403 on the OAuth token URL',
      description: 'Token-URL failures are read from the OAuth exception that follows (the OAuth rules), not from the status line.',
      log: log`
        [2025-03-04 10:00:01Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: Forbidden
      `,
    },
  ],
  invalid: [
    {
      name: 'corpus 024: the job token expired while renewing the lock',
      files: corpusCase('024'),
      errors: [{ messageId: 'jobToken', severity: 'error', confidence: 'high', evidence: ['Runner_20211210-095256-utc.log:4'], data: { request: '31886', reason: 'TaskAgentJobTokenExpiredException' } }],
    },
    {
      name: 'TaskAgentJobTokenExpiredException on renewal',
      log: log`
        [2021-12-10 09:53:56Z INFO JobDispatcher] Successfully renew job request 31886, job is valid till 12/10/2021 10:03:56
        [2021-12-10 09:54:56Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received renew job request 31886, job is no longer valid, stop renew job request.
        [2021-12-10 09:54:56Z INFO JobDispatcher] Send job cancellation message to worker for job 832b0204-66bc-5239-0b20-d0854358b9c1.
      `,
      errors: [{ messageId: 'jobToken', lines: [2], data: { request: '31886' } }],
    },
    {
      name: 'the job token expired because the renewals could not reach the service before',
      description: 'A renewal answered TokenExpired after failed attempts is the lock running out during the outage (F24): a warning under whatever cut the runner off.',
      log: log`
        [2022-12-02 01:04:03Z INFO JobDispatcher] Successfully renew job request 118304, job is valid till 12/2/2022 1:15:03 AM
        [2022-12-02 01:07:13Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 118304.
        [2022-12-02 01:07:13Z INFO JobDispatcher] Retrying lock renewal for jobrequest 118304. Job is valid until 12/2/2022 1:15:03 AM.
        [2022-12-02 01:12:29Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 118304.
        [2022-12-02 01:16:56Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received renew job request 118304, job is no longer valid, stop renew job request.
      `,
      errors: [{ messageId: 'jobTokenAfterFailures', severity: 'warning', lines: [5], data: { request: '118304' } }],
    },
    {
      name: 'renewal failures of another job request do not explain this one',
      log: log`
        [2022-12-02 01:07:13Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 118303.
        [2022-12-02 01:08:03Z INFO JobDispatcher] Successfully renew job request 118304, job is valid till 12/2/2022 1:18:03 AM
        [2022-12-02 01:16:56Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received renew job request 118304, job is no longer valid, stop renew job request.
      `,
      errors: [{ messageId: 'jobToken', severity: 'error', lines: [3] }],
    },
    {
      name: 'the OAuth token revoked (F07)',
      log: log`
        [2025-03-04 11:00:00Z INFO MessageListener] Runner OAuth token has been revoked. Unable to pull message.
        [2025-03-04 11:00:00Z WARN MessageListener] Runner OAuth token has been revoked. Skip deleting session.
        [2025-03-04 11:00:00Z INFO Runner] Runner OAuth token has been revoked. Shutting down.
        [2025-03-04 11:00:01Z INFO Listener] Runner execution has finished with return code 0
      `,
      errors: [{ messageId: 'revoked', severity: 'error', confidence: 'high', count: 3, lines: [1, 2, 3] }],
    },
    {
      name: '401 on the poll: VssUnauthorizedException (F10)',
      log: log`
        [2025-03-04 11:00:00Z WARN GitHubActionsService] Authentication failed with status code 401.
        WWW-Authenticate: Bearer
        [2025-03-04 11:00:00Z ERR  GitHubActionsService] GET request to ${MESSAGES_URL} is not authorized. Details: Unauthorized
        [2025-03-04 11:00:00Z ERR  MessageListener] Catch exception during get next message.
        [2025-03-04 11:00:00Z ERR  MessageListener] GitHub.Services.Common.VssUnauthorizedException: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
           at GitHub.Services.Common.VssHttpMessageHandler.SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        [2025-03-04 11:00:00Z INFO MessageListener] Non-retriable exception: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
        [2025-03-04 11:00:00Z ERR  Terminal] WRITE ERROR: An error occurred: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
        [2025-03-04 11:00:01Z INFO Listener] Runner execution has finished with return code 2
      `,
      errors: [{ messageId: 'unauthorized', severity: 'error', confidence: 'high', count: 2, lines: [3, 5], data: { reasons: 'HTTP 401; VssUnauthorizedException' } }],
    },
    {
      name: 'a policy 403 (F11) that clears after the group is fixed',
      log: log`
        [2025-03-04 11:00:00Z ERR  GitHubActionsService] POST request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Forbidden
        [2025-03-04 11:00:00Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 11:00:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.AccessDeniedException: The runner group 'gpu' does not allow this repository.
        [2025-03-04 11:00:00Z INFO MessageListener] Non-retriable exception: The runner group 'gpu' does not allow this repository.
        [2025-03-04 11:20:00Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'unauthorized', severity: 'warning', confidence: 'high', lines: [1, 3] }],
    },
    {
      name: 'repeated 401 challenges with nothing succeeding',
      description: 'One challenge is normal; three in a row with no session or message in between are a refusal.',
      log: log`
        [2025-03-04 11:00:00Z WARN GitHubActionsService] Authentication failed with status code 401.
        [2025-03-04 11:00:30Z WARN GitHubActionsService] Authentication failed with status code 401.
        [2025-03-04 11:01:00Z WARN GitHubActionsService] Authentication failed with status code 401.
      `,
      errors: [{ messageId: 'unauthorized', severity: 'error', confidence: 'high', count: 3, lines: [1, 2, 3] }],
    },
    {
      name: 'another OAuth error (F09)',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: unauthorized_client
        [2025-03-04 10:00:01Z INFO MessageListener] Non-retriable exception: unauthorized_client
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: Failed to create session. unauthorized_client
      `,
      errors: [{ messageId: 'unauthorized', severity: 'error', confidence: 'medium', lines: [2], data: { reasons: 'OAuth: unauthorized_client' } }],
    },
  ],
});

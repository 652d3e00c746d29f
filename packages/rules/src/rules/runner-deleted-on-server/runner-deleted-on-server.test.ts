import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { RuleTester, eventsOf, findingsOf, log, type InvalidCase } from '../../testing/rule-tester.js';
import { corpusCase } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './runner-deleted-on-server.js';

/** F02 as the runner concludes it (MessageListener.CreateSessionAsync, `invalid_client` path). */
const REGISTRATION_DELETED: InvalidCase = {
  name: 'the runner concludes its registration was deleted (F02)',
  log: log`
    [2024-04-12 10:43:35Z INFO GitHubActionsService] AAD Correlation ID for this token request: Unknown
    [2024-04-12 10:43:35Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
    [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
    [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
       at GitHub.Services.OAuth.VssOAuthTokenProvider.OnGetTokenAsync(IssuedToken failedToken, CancellationToken cancellationToken)
    [2024-04-12 10:43:36Z ERR  MessageListener] Test oauth app registration.
    [2024-04-12 10:43:36Z ERR  Terminal] WRITE ERROR: Failed to create a session. The runner registration has been deleted from the server, please re-configure. Runner registrations are automatically deleted for runners that have not connected to the service recently.
    [2024-04-12 10:43:36Z INFO Listener] Runner execution has finished with return code 1
  `,
  errors: [{ messageId: 'deleted', severity: 'error', confidence: 'high', count: 1, lines: [7], data: { how: 'the runner reported it' } }],
};

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the OAuth exception alone',
      description: 'Without the runner\'s own conclusion, "Registration ... was not found" is oauth-registration-not-found (F02, the exception alone).',
      files: corpusCase('006'),
    },
    {
      name: 'a job the service no longer knows',
      description: 'TaskAgentJobNotFoundException concerns one job request (job state), not the runner.',
      log: log`
        [2025-03-04 10:12:08Z INFO JobDispatcher] TaskAgentJobNotFoundException received when renew job request 7319, job is no longer valid, stop renew job request.
        [2025-03-04 10:12:08Z ERR  JobDispatcher] GitHub.DistributedTask.WebApi.TaskAgentJobNotFoundException: No job found with request id 7319.
      `,
    },
    {
      name: 'the runner group not found',
      description: 'TaskAgentPoolNotFoundException is the group (runner-group-not-found, F12).',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentPoolNotFoundException: No agent pool found with identifier 3.
        [2025-03-04 10:00:01Z INFO MessageListener] Non-retriable exception: No agent pool found with identifier 3.
      `,
    },
    {
      name: 'corpus 012: a 404 on the broker poll',
      description: 'A 404 for the session without RunnerNotFound is broker-session-not-found (F13); the runner did not say it was deleted.',
      files: corpusCase('012'),
    },
    {
      name: 'an ephemeral runner removing itself after its job',
      description: 'A one-time runner deleting its own configuration is the normal end of its life.',
      log: log`
        [2025-03-04 10:20:00Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
        [2025-03-04 10:20:00Z INFO Runner] Deleting Runner Session...
        [2025-03-04 10:20:01Z INFO Listener] Runner execution has finished with return code 0
      `,
    },
  ],
  invalid: [
    REGISTRATION_DELETED,
    {
      name: 'TaskAgentNotFoundException during session creation (F03)',
      log: log`
        [2025-03-04 10:00:01Z ERR  GitHubActionsService] POST request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/sessions failed. HTTP Status: NotFound
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentNotFoundException: Runner build-01 was not found in pool Default.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        [2025-03-04 10:00:01Z INFO MessageListener] The runner no longer exists on the server. Stopping the runner.
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: The runner no longer exists on the server. Please reconfigure the runner.
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: Failed to create session. Runner build-01 was not found in pool Default.
        [2025-03-04 10:00:02Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'deleted', severity: 'error', confidence: 'high', count: 3, lines: [3, 5, 6], data: { how: 'TaskAgentNotFoundException' } }],
    },
    {
      name: 'RunnerNotFoundException from the broker (F04)',
      log: log`
        [2024-11-14 19:23:32Z ERR  GitHubActionsService] GET request to https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&status=Online&runnerVersion=2.321.0&os=Linux&architecture=X64&disableUpdate=false failed. HTTP Status: NotFound
        [2024-11-14 19:23:32Z ERR  Terminal] WRITE ERROR: An error occurred: Runner arc-runner-7x2kq not found.
        [2024-11-14 19:23:32Z ERR  Listener] GitHub.Services.WebApi.RunnerNotFoundException: Runner arc-runner-7x2kq not found.
           at GitHub.Actions.RunService.WebApi.BrokerHttpClient.GetRunnerMessageAsync(Nullable\`1 sessionId, String runnerVersion, Nullable\`1 status, String os, String architecture, Nullable\`1 disableUpdate, CancellationToken cancellationToken)
        [2024-11-14 19:23:33Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'deleted', severity: 'error', confidence: 'high', lines: [3], data: { how: 'RunnerNotFoundException' } }],
    },
    {
      name: 'v2.336.0 cleans up after the registration vanished while polling',
      log: log`
        [2026-07-30 08:00:00Z INFO Runner] Runner registration no longer exists while retrieving messages. Runner build-01 was not found in pool Default.
        [2026-07-30 08:00:00Z ERR  Terminal] WRITE ERROR: The runner no longer exists on the server. Cleaning up local configuration.
        [2026-07-30 08:00:01Z INFO Listener] Runner execution has finished with return code 0
      `,
      errors: [{ messageId: 'deleted', severity: 'error', confidence: 'high', lines: [1, 2] }],
    },
    {
      name: 'removed automatically after weeks offline',
      description: 'Spec §4.F rule 2: the previous session was more than 14 days earlier.',
      log: log`
        [2024-03-01 09:00:01Z INFO MessageListener] Session created.
        [2024-03-20 09:00:00Z INFO MessageListener] Attempt to create session.
        [2024-03-20 09:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentNotFoundException: Runner build-01 was not found in pool Default.
        [2024-03-20 09:00:01Z ERR  Terminal] WRITE ERROR: The runner no longer exists on the server. Please reconfigure the runner.
      `,
      errors: [{ messageId: 'deleted', lines: [3, 4], data: { inactivity: ' The previous successful session was 19d 0h earlier: GitHub removes runners that have not connected for 14 day(s).' } }],
    },
    {
      name: 'the Azure Pipelines agent wording',
      fileName: 'Agent_20180717-191125-utc.log',
      log: log`
        [2018-07-17 19:11:33Z ERR  MessageListener] Microsoft.TeamFoundation.DistributedTask.WebApi.TaskAgentNotFoundException: No agent found in pool Default which has an ID of 17.
        [2018-07-17 19:11:33Z ERR  Terminal] WRITE ERROR: The agent no longer exists on the server. Please reconfigure the agent.
      `,
      errors: [{ messageId: 'deleted', confidence: 'high', lines: [1, 2] }],
    },
  ],
});

describe('runner-deleted-on-server: the runner\'s own conclusion ranks first', () => {
  it('both registration rules fire, and the diagnosis leads with runner_deleted_on_server', () => {
    const result = analyzeEvents(eventsOf(REGISTRATION_DELETED));
    const ids = result.diagnosis.causes.map((c) => c.id);
    expect(ids).toContain('oauth_registration_not_found');
    expect(result.diagnosis.causes[0]?.id).toBe('runner_deleted_on_server');
    expect(result.diagnosis.causes[0]?.conclusive).toBe(true);
  });

  it('the statement makes the finding conclusive; an exception alone does not', () => {
    expect(findingsOf(rule, REGISTRATION_DELETED)[0]?.conclusive).toBe(true);
    const [f] = findingsOf(rule, {
      name: 'exception only',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentNotFoundException: Runner build-01 was not found in pool Default.
      `,
    });
    expect(f?.conclusive).toBe(false);
  });
});

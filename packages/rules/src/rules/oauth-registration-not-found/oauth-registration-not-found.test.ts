import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import { corpusCase } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './oauth-registration-not-found.js';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'an OAuth rejection that names the clock',
      description: '"Current server time is" is clock skew (F08), even though the exception type is the same.',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: The assertion is not yet valid. Current server time is 2025-03-04T09:51:12Z.
      `,
    },
    {
      name: 'another OAuth error',
      description: 'An OAuth failure that does not say the registration is unknown belongs to token-expired-or-unauthorized (F09).',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: unauthorized_client
        [2025-03-04 10:00:01Z INFO MessageListener] Non-retriable exception: unauthorized_client
      `,
    },
    {
      name: 'the runner itself not found (TaskAgentNotFoundException)',
      description: 'The service knows the credential but not the runner: runner-deleted-on-server (F03).',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentNotFoundException: Runner build-01 was not found in pool Default.
        [2025-03-04 10:00:01Z INFO MessageListener] The runner no longer exists on the server. Stopping the runner.
      `,
    },
    {
      name: 'a 400 on the token URL without the exception',
      description: 'The BadRequest alone does not say why; it is only context for the exception that usually follows.',
      log: log`
        [2025-03-04 10:00:01Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
        [2025-03-04 10:00:31Z INFO MessageListener] Session created.
      `,
    },
    {
      name: '"not found" text in a non-OAuth error',
      description: 'Only the OAuth token exchange rejects a registration; a missing file mentioning registration is something else.',
      log: log`
        [2025-03-04 10:00:01Z ERR  Runner] System.IO.FileNotFoundException: Registration file '/home/runner/actions-runner/.runner' was not found.
      `,
    },
  ],
  invalid: [
    {
      name: 'corpus 006: Registration <guid> was not found (ARC)',
      files: corpusCase('006'),
      errors: [{ messageId: 'rejected', severity: 'error', confidence: 'high', count: 1, evidence: ['Runner_20240412-104332-utc.log:18'] }],
    },
    {
      name: 'not medium trust, looping in the broker listener (#3470)',
      log: log`
        [2024-10-02 06:12:10Z ERR  BrokerMessageListener] Catch exception during get next message.
        [2024-10-02 06:12:10Z ERR  BrokerMessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration was not found or is not medium trust. ClientType: RunnerClient
           at GitHub.Services.OAuth.VssOAuthTokenProvider.OnGetTokenAsync(IssuedToken failedToken, CancellationToken cancellationToken)
        [2024-10-02 06:12:10Z INFO BrokerMessageListener] Retriable exception: Registration was not found or is not medium trust. ClientType: RunnerClient
        [2024-10-02 06:12:10Z ERR  Terminal] WRITE ERROR: 2024-10-02 06:12:10Z: Runner connect error: Registration was not found or is not medium trust. ClientType: RunnerClient. Retrying until reconnected.
        [2024-10-02 06:12:10Z INFO BrokerMessageListener] Sleeping for 30 seconds before retrying.
        [2024-10-02 06:12:40Z ERR  BrokerMessageListener] Catch exception during get next message.
        [2024-10-02 06:12:40Z ERR  BrokerMessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration was not found or is not medium trust. ClientType: RunnerClient
        [2024-10-02 06:12:40Z INFO BrokerMessageListener] Retriable exception: Registration was not found or is not medium trust. ClientType: RunnerClient
        [2024-10-02 06:12:40Z INFO BrokerMessageListener] Sleeping for 30 seconds before retrying.
      `,
      errors: [{ messageId: 'rejected', severity: 'error', confidence: 'high', count: 2, lines: [2, 8] }],
    },
    {
      name: 'the registration comes back after re-configuration',
      description: 'A session created afterwards (a new registration) makes it a recovered warning.',
      log: log`
        [2024-04-12 10:43:35Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
        [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
        [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
        [2024-04-12 10:52:10Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'rejected', severity: 'warning', lines: [3] }],
    },
    {
      name: 'invalid_client',
      log: log`
        [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
        [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: invalid_client
      `,
      errors: [{ messageId: 'rejected', severity: 'error', lines: [2], data: { reason: 'invalid_client' } }],
    },
  ],
});

describe('oauth-registration-not-found: evidence', () => {
  it('cites the 400 on the token URL as context', () => {
    const [f] = findingsOf(rule, {
      name: 'ctx',
      log: log`
        [2024-04-12 10:43:35Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
        [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
      `,
    });
    expect(f?.evidence.map((e) => `${e.role}:${e.line}`)).toEqual(['context:1', 'trigger:2']);
    expect(f?.message).toContain('"Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found."');
  });
});

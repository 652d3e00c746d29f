import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { RuleTester, eventsOf, findingsOf, log, type TestCaseBase } from '../../testing/rule-tester.js';
import type { RuleModule } from '../../types.js';
import brokerMigration from '../broker-migration/broker-migration.js';
import brokerSessionNotFound from '../broker-session-not-found/broker-session-not-found.js';
import clockSkew from '../clock-skew/clock-skew.js';
import connectionTimeout from '../connection-timeout/connection-timeout.js';
import dnsOrNetworkUnreachable from '../dns-or-network-unreachable/dns-or-network-unreachable.js';
import oauthRegistrationNotFound from '../oauth-registration-not-found/oauth-registration-not-found.js';
import proxyError from '../proxy-error/proxy-error.js';
import runnerConfigRefreshed from '../runner-config-refreshed/runner-config-refreshed.js';
import runnerDeletedOnServer from '../runner-deleted-on-server/runner-deleted-on-server.js';
import runnerGroupNotFound from '../runner-group-not-found/runner-group-not-found.js';
import runnerVersionDeprecated from '../runner-version-deprecated/runner-version-deprecated.js';
import runnerVersionOutdated from '../runner-version-outdated/runner-version-outdated.js';
import sessionConflict from '../session-conflict/session-conflict.js';
import tlsCertificateError from '../tls-certificate-error/tls-certificate-error.js';
import tokenExpiredOrUnauthorized from '../token-expired-or-unauthorized/token-expired-or-unauthorized.js';
import { MESSAGES_URL, PROXY_LINE, REASONS, corpusCase, listenerFlow, testLogs } from './fixtures/listener-flow.js';
import rule from './service-unavailable.js';

const FILE = 'Runner_20250304-100000-utc.log';

/** The full-session fixture: a healthy runner day with one job and a 503 outage that recovers. */
const fullSession = testLogs('full-session/_diag');

new RuleTester().run(rule, {
  valid: [
    {
      name: 'DNS failure in the same poll-error flow',
      description: '`Name or service not known (host:443)` is the local resolver (dns-or-network-unreachable), whatever the flow around it.',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { recovered: false }),
    },
    {
      name: 'connection refused in the same flow',
      description: 'A refused connection never reached the service.',
      fileName: FILE,
      log: listenerFlow(REASONS.refused),
    },
    {
      name: 'timeouts in the same flow',
      description: 'No answer at all is connection-timeout, not a server error.',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout),
    },
    {
      name: 'TLS certificate error in the same flow',
      description: 'The TLS layer failed before any HTTP status.',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot),
    },
    {
      name: 'proxy 407 in the same flow',
      description: 'The proxy refused the tunnel; the service never answered.',
      fileName: FILE,
      log: listenerFlow(REASONS.proxy407, { proxyLine: PROXY_LINE }),
    },
    {
      name: 'a session conflict (409) is not a server error',
      description: 'HTTP 409 on POST .../sessions is session state (session-conflict).',
      log: log`
        [2024-11-21 14:05:48Z ERR  GitHubActionsService] POST request to https://pipelinesghubeus7.actions.githubusercontent.com/x/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Conflict
        [2024-11-21 14:05:48Z ERR  MessageListener] Catch exception during create session.
        [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        [2024-11-21 14:05:48Z INFO MessageListener] The session for this runner already exists.
        [2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
      `,
    },
    {
      name: 'a rejected OAuth token request (400) is credentials',
      description: 'BadRequest on the token URL with "Registration ... was not found" is oauth-registration-not-found.',
      log: log`
        [2024-04-12 10:43:35Z INFO GitHubActionsService] AAD Correlation ID for this token request: Unknown
        [2024-04-12 10:43:35Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
        [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
        [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
           at GitHub.Services.OAuth.VssOAuthTokenProvider.OnGetTokenAsync(IssuedToken failedToken, CancellationToken cancellationToken)
      `,
    },
    {
      name: '404 and 409 on job requests',
      description: '4xx answers are the service deciding, not failing.',
      log: log`
        [2025-03-04 10:00:00Z ERR  GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/42?lockToken=00000000-0000-0000-0000-000000000000 failed. HTTP Status: NotFound
        [2025-03-04 10:00:05Z ERR  GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/43?lockToken=00000000-0000-0000-0000-000000000000 failed. HTTP Status: Conflict
      `,
    },
    {
      name: 'a 502 in a Worker log',
      description: 'The Worker\'s uploads and downloads belong to the job rules; this rule watches the listener\'s link to the service.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:00:00Z WARN GitHubActionsService] Attempt 1 of POST request to https://results-receiver.actions.githubusercontent.com/twirp/results.services.receiver.Receiver/CreateStepSummaryMetadata failed (HTTP Status: BadGateway). The operation will be retried in 10.8 seconds.
        [2025-03-04 10:00:11Z ERR  GitHubActionsService] POST request to https://results-receiver.actions.githubusercontent.com/twirp/results.services.receiver.Receiver/CreateStepSummaryMetadata failed. HTTP Status: BadGateway
      `,
    },
    {
      name: 'a healthy idle runner',
      log: log`
        [2025-01-13 12:20:04Z INFO RSAFileKeyManager] Loading RSA key parameters from file /home/ec2-user/actions-runner/.credentials_rsaparams
        [2025-01-13 12:20:05Z INFO GitHubActionsService] AAD Correlation ID for this token request: Unknown
        [2025-01-13 12:25:05Z INFO MessageListener] No message retrieved from session '1a0334d8-c4d1-4735-929f-c43492548bf8' within last 30 minutes.
      `,
    },
  ],
  invalid: [
    {
      name: 'a 503 outage that recovers with Runner reconnected.',
      fileName: FILE,
      log: listenerFlow(REASONS.service503),
      errors: [{ messageId: 'outage', severity: 'warning', confidence: 'high', count: 13, lines: [4, 5, 6, 27, 29] }],
    },
    {
      name: 'the same outage still failing where the log ends',
      fileName: FILE,
      log: listenerFlow(REASONS.service503, { recovered: false }),
      errors: [{ messageId: 'outage', severity: 'error', confidence: 'high', lines: [4, 5, 6, 27, 29] }],
    },
    {
      name: 'full-session: a healthy day with a 503 outage that recovers',
      files: fullSession,
      errors: [
        {
          messageId: 'outage',
          severity: 'warning',
          confidence: 'high',
          count: 24,
          evidence: [
            'Runner_20251209-094440-utc.log:8',
            'Runner_20251209-094440-utc.log:9',
            'Runner_20251209-094440-utc.log:10',
            'Runner_20251209-094440-utc.log:72',
            'Runner_20251209-094440-utc.log:73',
          ],
        },
      ],
    },
    {
      name: 'one retried 503 followed by success is only context',
      log: log`
        [2025-03-04 10:00:02Z INFO MessageListener] Session created.
        [2025-03-04 11:05:02Z WARN GitHubActionsService] Attempt 1 of GET request to ${MESSAGES_URL} failed (HTTP Status: ServiceUnavailable). The operation will be retried in 10.8 seconds.
        [2025-03-04 11:07:41Z INFO MessageListener] Message '13' received from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8'.
      `,
      errors: [{ messageId: 'outage', severity: 'info', confidence: 'low', count: 1, lines: [2] }],
    },
    {
      name: 'broker polling answered 502 once, absorbed by the inner retry (F16): a blip',
      log: log`
        [2024-11-14 19:23:31Z INFO Runner] Using BrokerMessageListener
        [2024-11-14 19:23:32Z ERR  GitHubActionsService] GET request to https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&status=Online&runnerVersion=2.321.0&os=Linux&architecture=X64&disableUpdate=false failed. HTTP Status: BadGateway
        [2024-11-14 19:23:32Z ERR  BrokerServer] Catch exception during request
        [2024-11-14 19:23:32Z ERR  BrokerServer] System.Exception: Failed to get job message. Request to https://broker.actions.githubusercontent.com/message failed with status: BadGateway. Error message Error: Bad Gateway
           at GitHub.Actions.RunService.WebApi.BrokerHttpClient.GetRunnerMessageAsync(Nullable\`1 sessionId, String runnerVersion, Nullable\`1 status, String os, String architecture, Nullable\`1 disableUpdate, CancellationToken cancellationToken)
        [2024-11-14 19:23:32Z WARN BrokerServer] Back off 9.214 seconds before next retry. 4 attempt left.
        [2024-11-14 19:23:42Z INFO BrokerMessageListener] No message retrieved within last 30 minutes.
      `,
      errors: [{ messageId: 'outage', severity: 'info', confidence: 'medium', lines: [2, 4] }],
    },
    {
      name: 'the Run Service failed to hand over a job once, then the next one came (F17): a blip',
      log: log`
        [2025-02-11 08:14:03Z ERR  Runner] Caught exception from acquiring job message: System.Exception: Failed to get job message: Error: Service Unavailable. upstream connect error or disconnect/reset before headers. reset reason: overflow
        [2025-02-11 08:14:03Z WARN ErrorThrottler] Back off 1.37 seconds before next attempt. Current consecutive error count: 1
        [2025-02-11 08:15:12Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e14 received.
      `,
      errors: [{ messageId: 'outage', severity: 'info', lines: [1] }],
    },
    {
      name: 'the Azure Pipelines agent wording',
      fileName: 'Agent_20180717-191125-utc.log',
      log: log`
        [2018-07-17 19:11:33Z ERR  VisualStudioServices] GET request to https://example.visualstudio.com/_apis/distributedtask/pools/20/messages?sessionId=6a4f1e2b-0c3d-4e5f-8a9b-1c2d3e4f5a6b failed. HTTP Status: GatewayTimeout
        [2018-07-17 19:11:33Z ERR  MessageListener] Catch exception during get next message.
        [2018-07-17 19:11:33Z ERR  MessageListener] Microsoft.VisualStudio.Services.WebApi.VssServiceResponseException: Gateway Timeout
        [2018-07-17 19:11:33Z ERR  Terminal] WRITE ERROR: 2018-07-17 19:11:33Z: Agent connect error: Gateway Timeout. Retrying until reconnected.
        [2018-07-17 19:12:05Z INFO Terminal] WRITE LINE: 2018-07-17 19:12:05Z: Agent reconnected.
      `,
      errors: [{ messageId: 'outage', severity: 'warning', confidence: 'high', lines: [1, 3, 4] }],
    },
  ],
});

describe('service-unavailable: outage episodes', () => {
  it('full-session: one outage episode, recovered at Runner reconnected.', () => {
    const [f] = findingsOf(rule, { name: 'full-session', files: fullSession });
    expect(f?.episodes).toEqual([
      { start: '2025-12-09T13:05:02Z', end: '2025-12-09T13:12:49Z', durationSeconds: 467, count: 24, outcome: 'recovered' },
    ]);
    expect(f?.conclusive).toBe(true);
    expect(f?.message).toContain('it recovered by itself');
  });

  it('an outage still failing at the end of the log is an ongoing episode', () => {
    const [f] = findingsOf(rule, { name: 'ongoing', fileName: FILE, log: listenerFlow(REASONS.service503, { recovered: false }) });
    expect(f?.episodes.map((ep) => ep.outcome)).toEqual(['ongoing']);
    expect(f?.message).toContain('still failing where the log ends');
  });
});

/**
 * Spec §4 F15–F23, §4.F rule 3, failure-catalog "Choosing between neighbours": "the runner stops
 * picking up jobs" has four root causes that look alike from outside (session, service,
 * credentials, local network). Each scenario must fire exactly one of these rules.
 */
const NEIGHBOURS: RuleModule[] = [
  sessionConflict,
  rule,
  oauthRegistrationNotFound,
  runnerDeletedOnServer,
  tokenExpiredOrUnauthorized,
  clockSkew,
  runnerGroupNotFound,
  runnerVersionDeprecated,
  runnerVersionOutdated,
  brokerSessionNotFound,
  brokerMigration,
  runnerConfigRefreshed,
  dnsOrNetworkUnreachable,
  connectionTimeout,
  tlsCertificateError,
  proxyError,
];

function firing(c: TestCaseBase): string[] {
  const { findings } = analyzeEvents(eventsOf(c), { rules: NEIGHBOURS });
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

const flow = (text: string): TestCaseBase => ({ name: 'flow', fileName: FILE, log: text });

describe('runner stops picking up jobs: four root causes, one rule each', () => {
  const scenarios: [string, TestCaseBase, string][] = [
    [
      'session: conflicts on POST .../sessions',
      {
        name: 'conflict',
        log: log`
          [2024-11-21 14:05:48Z ERR  GitHubActionsService] POST request to https://pipelinesghubeus7.actions.githubusercontent.com/x/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Conflict
          [2024-11-21 14:05:48Z ERR  MessageListener] Catch exception during create session.
          [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
          [2024-11-21 14:05:48Z INFO MessageListener] The session for this runner already exists.
          [2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
          [2024-11-21 14:05:48Z INFO MessageListener] Sleeping for 30 seconds before retrying.
        `,
      },
      'session-conflict',
    ],
    ['service: 503 outage', flow(listenerFlow(REASONS.service503)), 'service-unavailable'],
    ['service: 503 outage behind a proxy', flow(listenerFlow(REASONS.service503, { proxyLine: PROXY_LINE })), 'service-unavailable'],
    [
      'credentials: registration not found',
      {
        name: 'registration',
        log: log`
          [2024-04-12 10:43:35Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
          [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
          [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
        `,
      },
      'oauth-registration-not-found',
    ],
    [
      'credentials: 401 on the poll',
      {
        name: '401',
        log: log`
          [2025-03-04 11:00:00Z ERR  GitHubActionsService] GET request to ${MESSAGES_URL} is not authorized. Details: Unauthorized
          [2025-03-04 11:00:00Z ERR  MessageListener] Catch exception during get next message.
          [2025-03-04 11:00:00Z ERR  MessageListener] GitHub.Services.Common.VssUnauthorizedException: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
          [2025-03-04 11:00:00Z INFO MessageListener] Non-retriable exception: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
          [2025-03-04 11:00:00Z ERR  Terminal] WRITE ERROR: An error occurred: You are not authorized to access https://pipelinesghubeus21.actions.githubusercontent.com.
        `,
      },
      'token-expired-or-unauthorized',
    ],
    ['local network: DNS', flow(listenerFlow(REASONS.dns)), 'dns-or-network-unreachable'],
    ['local network: connection refused', flow(listenerFlow(REASONS.refused)), 'dns-or-network-unreachable'],
    ['local network: timeouts', flow(listenerFlow(REASONS.timeout)), 'connection-timeout'],
    ['local network: untrusted certificate', flow(listenerFlow(REASONS.untrustedRoot)), 'tls-certificate-error'],
    ['local network: TLS handshake cut', flow(listenerFlow(REASONS.handshakeEof)), 'tls-certificate-error'],
    ['local network: proxy 407', flow(listenerFlow(REASONS.proxy407)), 'proxy-error'],
    ['local network: DNS through a configured proxy', flow(listenerFlow(REASONS.dns, { proxyLine: PROXY_LINE })), 'proxy-error'],
    ['local network: timeouts through a configured proxy', flow(listenerFlow(REASONS.timeout, { proxyLine: PROXY_LINE })), 'proxy-error'],
    ['local network: untrusted certificate through a proxy', flow(listenerFlow(REASONS.untrustedRoot, { proxyLine: PROXY_LINE })), 'tls-certificate-error'],
    ['clock: certificate NotTimeValid', flow(listenerFlow(REASONS.notTimeValid)), 'clock-skew'],
  ];

  it.each(scenarios)('%s', (_name, c, expected) => {
    expect(firing(c)).toEqual([expected]);
  });

  it('full-session fires service-unavailable and none of the other rules', () => {
    const { findings } = analyzeEvents(eventsOf({ name: 'full-session', files: fullSession }), { rules: NEIGHBOURS });
    expect(findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(['service-unavailable/warning']);
  });
});

describe('real excerpts', () => {
  it.each(['016', '027'])('healthy corpus case %s triggers none of these rules at warning or error', (id) => {
    const { findings } = analyzeEvents(eventsOf({ name: id, files: corpusCase(id) }), { rules: NEIGHBOURS });
    expect(findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId)).toEqual([]);
  });

  it.each([
    ['006', 'oauth-registration-not-found'],
    ['012', 'broker-session-not-found'],
    ['014', 'runner-version-deprecated'],
    ['021', 'connection-timeout'],
    ['024', 'token-expired-or-unauthorized'],
    ['031', 'proxy-error'],
  ])('corpus case %s is diagnosed as %s', (id, expected) => {
    const { findings } = analyzeEvents(eventsOf({ name: id, files: corpusCase(id) }), { rules: NEIGHBOURS });
    expect([...new Set(findings.map((f) => f.ruleId))]).toEqual([expected]);
  });
});

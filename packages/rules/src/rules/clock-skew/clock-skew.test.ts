import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from '../../analyze.js';
import { RuleTester, eventsOf, log } from '../../testing/rule-tester.js';
import oauthRegistrationNotFound from '../oauth-registration-not-found/oauth-registration-not-found.js';
import { REASONS, listenerFlow } from '../service-unavailable/fixtures/listener-flow.js';
import tlsCertificateError from '../tls-certificate-error/tls-certificate-error.js';
import tokenExpiredOrUnauthorized from '../token-expired-or-unauthorized/token-expired-or-unauthorized.js';
import rule from './clock-skew.js';

const FILE = 'Runner_20250304-100000-utc.log';

/**
 * F08: session creation with a skewed clock (MessageListener.CreateSessionAsync). The runner only
 * checks that the OAuth error contains "Current server time is"; the rest of the server text is
 * illustrative.
 */
const SKEWED_SESSION = log`
  [2025-03-04 10:00:00Z INFO MessageListener] Attempt to create session.
  [2025-03-04 10:00:00Z INFO RSAFileKeyManager] Loading RSA key parameters from file /home/runner/actions-runner/.credentials_rsaparams
  [2025-03-04 10:00:01Z ERR  GitHubActionsService] POST request to https://vstoken.actions.githubusercontent.com/_apis/oauth2/token/6f0c7a2e-51b4-4d0e-9a55-0d3b8e1f2c44 failed. HTTP Status: BadRequest
  [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
  [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: The assertion is not yet valid. Current server time is 2025-03-04T09:51:12Z.
     at GitHub.Services.OAuth.VssOAuthTokenProvider.OnGetTokenAsync(IssuedToken failedToken, CancellationToken cancellationToken)
  [2025-03-04 10:00:01Z ERR  MessageListener] Test oauth app registration.
  [2025-03-04 10:00:02Z INFO MessageListener] Local clock might be skewed.
  [2025-03-04 10:00:02Z ERR  Terminal] WRITE ERROR: The local machine's clock may be out of sync with the server time by more than five minutes. Please sync your clock with your domain or internet time and try again.
  [2025-03-04 10:00:02Z INFO MessageListener] The OAuth token request exception haven't reached retry limit.
  [2025-03-04 10:00:02Z INFO MessageListener] Sleeping for 30 seconds before retrying.
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'an untrusted certificate',
      description: 'UntrustedRoot is a trust problem (tls-certificate-error), not time.',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot, { recovered: false }),
    },
    {
      name: 'a registration the service no longer knows',
      description: 'The same OAuth exception type with "Registration ... was not found" is oauth-registration-not-found.',
      log: log`
        [2024-04-12 10:43:35Z ERR  MessageListener] Catch exception during create session.
        [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
      `,
    },
    {
      name: 'timestamps and time-related INFO lines of a healthy runner',
      description: 'Renewal deadlines and heartbeat wording are not clock complaints.',
      log: log`
        [2025-03-04 10:41:08Z INFO JobDispatcher] Successfully renew job request 7319, job is valid till 03/04/2025 10:51:08
        [2025-03-04 11:11:38Z INFO MessageListener] No message retrieved from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8' within last 30 minutes.
      `,
    },
  ],
  invalid: [
    {
      name: 'the OAuth assertion rejected with "Current server time is"',
      log: SKEWED_SESSION,
      errors: [{ messageId: 'skew', severity: 'error', confidence: 'high', count: 3, lines: [5, 8, 9] }],
    },
    {
      name: 'the clock retry limit reached after 30 minutes',
      log: log`
        [2025-03-04 10:30:01Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: The assertion is not yet valid. Current server time is 2025-03-04T10:21:12Z.
        [2025-03-04 10:30:02Z INFO MessageListener] Local clock might be skewed.
        [2025-03-04 10:30:02Z ERR  Terminal] WRITE ERROR: The local machine's clock may be out of sync with the server time by more than five minutes. Please sync your clock with your domain or internet time and try again.
        [2025-03-04 10:30:02Z INFO MessageListener] The OAuth token request exception have reached retry limit.
        [2025-03-04 10:30:02Z ERR  Terminal] WRITE ERROR: Stopped retrying OAuth token request exception after 1800 seconds.
        [2025-03-04 10:30:02Z ERR  Terminal] WRITE ERROR: Failed to create session. The assertion is not yet valid. Current server time is 2025-03-04T10:21:12Z.
        [2025-03-04 10:30:03Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'skew', confidence: 'high', lines: [1, 2, 3] }],
    },
    {
      name: 'a certificate that is NotTimeValid in the poll-error flow',
      description: 'Spec F21/§4.F rule 10: NotTimeValid has the same root cause as F08.',
      fileName: FILE,
      log: listenerFlow(REASONS.notTimeValid),
      errors: [{ messageId: 'skew', confidence: 'high', count: 3, lines: [5, 14, 22] }],
    },
    {
      name: 'the clock at configuration time (test agent connection)',
      log: log`
        [2025-03-04 10:00:01Z ERR  ConfigurationManager] Catch exception during test agent connection.
        [2025-03-04 10:00:01Z ERR  ConfigurationManager] GitHub.Services.OAuth.VssOAuthTokenRequestException: The assertion is not yet valid. Current server time is 2025-03-04T09:51:12Z.
      `,
      errors: [{ messageId: 'skew', lines: [2] }],
    },
  ],
});

describe('clock-skew: not TLS, not credentials', () => {
  const neighbours = [rule, tlsCertificateError, oauthRegistrationNotFound, tokenExpiredOrUnauthorized];
  it.each([
    ['the OAuth "Current server time is" rejection', { name: 'oauth', log: SKEWED_SESSION }],
    ['a NotTimeValid certificate', { name: 'tls', fileName: FILE, log: listenerFlow(REASONS.notTimeValid, { recovered: false }) }],
  ])('%s is clock-skew only', (_name, c) => {
    const { findings } = analyzeEvents(eventsOf(c), { rules: neighbours });
    expect(findings.map((f) => f.ruleId)).toEqual(['clock-skew']);
  });

  it('the runner\'s own statement makes the finding conclusive', () => {
    const { findings } = analyzeEvents(eventsOf({ name: 'oauth', log: SKEWED_SESSION }), { rules: [rule] });
    expect(findings[0]?.conclusive).toBe(true);
  });
});

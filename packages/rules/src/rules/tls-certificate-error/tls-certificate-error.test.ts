import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import { PROXY_LINE, REASONS, listenerFlow } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './tls-certificate-error.js';

const FILE = 'Runner_20250304-100000-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a handshake aborted through a configured proxy',
      description: 'Without a certificate verdict, a handshake that breaks on the way through a configured proxy is proxy-error\'s (F23).',
      fileName: FILE,
      log: listenerFlow(REASONS.handshakeEof, { proxyLine: PROXY_LINE, recovered: false }),
    },
    {
      name: 'a certificate that is NotTimeValid',
      description: 'NotTimeValid behind "The SSL connection could not be established" is the clock (clock-skew, spec §4.F rule 10), including the `Runner connect error` line that only repeats the outer message.',
      fileName: FILE,
      log: listenerFlow(REASONS.notTimeValid, { recovered: false }),
    },
    {
      name: 'a 503 outage in the same flow',
      description: 'The TLS session was fine: the service answered 503.',
      fileName: FILE,
      log: listenerFlow(REASONS.service503),
    },
    {
      name: 'a reset outside TLS',
      description: '"Unable to read data from the transport connection: Connection reset by peer" without the SSL wrapper is a plain reset (dns-or-network-unreachable).',
      log: log`
        [2025-03-04 11:00:00Z ERR  MessageListener] Catch exception during get next message.
        [2025-03-04 11:00:00Z ERR  MessageListener] System.Net.Http.HttpRequestException: An error occurred while sending the request.
         ---> System.IO.IOException: Unable to read data from the transport connection: Connection reset by peer.
           --- End of inner exception stack trace ---
      `,
    },
    {
      name: 'certificate validation turned off on purpose',
      description: 'The insecure-mode warning is configuration, not a failed handshake.',
      log: log`
        [2025-03-04 10:00:00Z WARN HostContext] Runner is running under insecure mode: HTTPS server certificate validation has been turned off by GITHUB_ACTIONS_RUNNER_TLS_NO_VERIFY environment variable.
        [2025-03-04 10:00:02Z INFO MessageListener] Session created.
      `,
    },
    {
      name: 'a git checkout certificate error in a Worker log',
      description: 'A step that cannot fetch from a self-signed server is the job\'s problem, not the runner\'s link to GitHub.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:05:00Z ERR  GitCommandManager] fatal: unable to access 'https://git.example.internal/acme/widgets/': SSL certificate problem: unable to get local issuer certificate
      `,
    },
  ],
  invalid: [
    {
      name: 'UntrustedRoot that recovers with Runner reconnected.',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot),
      errors: [{ messageId: 'certificate', severity: 'warning', confidence: 'high', count: 4, lines: [5, 10, 14, 22] }],
    },
    {
      name: 'UntrustedRoot still failing where the log ends',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot, { recovered: false }),
      errors: [{ messageId: 'certificate', severity: 'error', confidence: 'high', lines: [5, 10, 14, 22] }],
    },
    {
      name: 'a handshake cut without a certificate error (F22)',
      fileName: FILE,
      log: listenerFlow(REASONS.handshakeEof, { recovered: false }),
      errors: [{ messageId: 'handshake', severity: 'error', lines: [5, 10, 14, 22] }],
    },
    {
      name: 'UntrustedRoot through a proxy',
      description: 'A configured proxy does not take TLS failures away from this rule; it is named as the likely culprit.',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot, { proxyLine: PROXY_LINE, cycles: 1 }),
      errors: [{ messageId: 'certificate', severity: 'warning', lines: [5, 10] }],
    },
    {
      name: '.NET Core 3.1 wording at configuration time',
      log: log`
        [2021-06-14 08:01:12Z ERR  ConfigurationManager] Failed to get tenant credentials -- Attempt: 1
        [2021-06-14 08:01:12Z ERR  ConfigurationManager] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch, RemoteCertificateChainErrors
           at System.Net.Security.SslStream.StartSendAuthResetSignal(ProtocolToken message, AsyncProtocolRequest asyncRequest, ExceptionDispatchInfo exception)
           --- End of inner exception stack trace ---
      `,
      errors: [{ messageId: 'certificate', severity: 'error', confidence: 'medium', lines: [2] }],
    },
    {
      name: 'the remote party closed the transport stream (Windows)',
      fileName: 'Runner_20220110-120000-utc.log',
      log: log`
        [2022-01-10 12:00:05Z ERR  MessageListener] Catch exception during create session.
        [2022-01-10 12:00:05Z ERR  MessageListener] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.IO.IOException: Authentication failed because the remote party has closed the transport stream.
           --- End of inner exception stack trace ---
        [2022-01-10 12:00:05Z INFO MessageListener] Retriable exception: The SSL connection could not be established, see inner exception.
        [2022-01-10 12:00:05Z ERR  Terminal] WRITE ERROR: 2022-01-10 12:00:05Z: Runner connect error: The SSL connection could not be established, see inner exception.. Retrying until reconnected.
        [2022-01-10 12:00:05Z INFO MessageListener] Sleeping for 30 seconds before retrying.
      `,
      errors: [{ messageId: 'handshake', severity: 'error', confidence: 'high', lines: [2, 6] }],
    },
    {
      name: 'a handshake failure weeks before the log ends is no longer ongoing',
      description: 'The machine was off for weeks and the runner started again: the old failures ended (their recovery is not in the log), they are not still failing.',
      log: log`
        [2021-07-06 16:58:37Z ERR  MessageListener] Catch exception during get next message.
        [2021-07-06 16:58:37Z ERR  MessageListener] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.IO.IOException: Authentication failed because the remote party has closed the transport stream.
        [2021-07-06 16:58:37Z ERR  Terminal] WRITE ERROR: 2021-07-06 16:58:37Z: Runner connect error: The SSL connection could not be established, see inner exception.. Retrying until reconnected.
        [2021-08-23 08:03:52Z INFO Listener] Version: 2.280.3
        [2021-08-23 08:03:53Z INFO MessageListener] Attempt to create session.
      `,
      errors: [{ messageId: 'handshake', severity: 'warning', lines: [2, 4] }],
    },
    {
      name: 'a job status event is not a recovery',
      description: '"Received job status event" is the dispatcher telling the listener in-process that a job ended: the TLS failures are still the last word on the connection.',
      log: log`
        [2023-09-05 10:32:33Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 4411.
        [2023-09-05 10:32:33Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot
        [2023-09-05 10:36:58Z ERR  MessageListener] Catch exception during get next message.
        [2023-09-05 10:36:58Z ERR  MessageListener] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot
        [2023-09-05 10:46:53Z INFO JobDispatcher] finish job request for job 0c5a7e19-3d84-4b62-a1f0-8e2d6c94b753 with result: Abandoned
        [2023-09-05 10:46:53Z INFO MessageListener] Received job status event. JobState: Online
      `,
      errors: [{ messageId: 'certificate', severity: 'error', lines: [2, 5] }],
    },
  ],
});

describe('tls-certificate-error: proxy context', () => {
  it('names the configured proxy and cites its line', () => {
    const [f] = findingsOf(rule, { name: 'proxy', fileName: FILE, log: listenerFlow(REASONS.untrustedRoot, { proxyLine: PROXY_LINE }) });
    expect(f?.message).toContain('The runner goes through the proxy http://proxy.example:3128: a TLS-inspecting proxy is the usual cause.');
    expect(f?.evidence.filter((e) => e.role === 'context').map((e) => e.line)).toEqual([1]);
    expect(f?.episodes.map((ep) => ep.outcome)).toEqual(['recovered']);
  });
});

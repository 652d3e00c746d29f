import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import { PROXY_LINE, REASONS, corpusCase, listenerFlow } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './proxy-error.js';

const FILE = 'Runner_20250304-100000-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the same DNS failure on a direct connection',
      description: '"No proxy settings were found" at startup: a DNS failure is the network\'s (dns-or-network-unreachable).',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { proxyLine: null }),
    },
    {
      name: 'the same DNS failure with no proxy line at all',
      description: 'Without a logged proxy the rule does not assume one for DNS errors.',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { proxyLine: undefined }),
    },
    {
      name: 'an early close on a direct connection',
      description: 'With "No proxy settings were found", "The response ended prematurely" is the network path (dns-or-network-unreachable).',
      fileName: FILE,
      log: listenerFlow(REASONS.prematureClose, { proxyLine: null }),
    },
    {
      name: 'a 503 outage through a proxy',
      description: 'An HTTP 5xx came back through the proxy from upstream: service-unavailable (whose confirm step says to check the proxy).',
      fileName: FILE,
      log: listenerFlow(REASONS.service503, { proxyLine: PROXY_LINE }),
    },
    {
      name: 'an untrusted certificate through a proxy',
      description: 'A TLS-inspecting proxy shows as a certificate problem first (tls-certificate-error names the proxy).',
      fileName: FILE,
      log: listenerFlow(REASONS.untrustedRoot, { proxyLine: PROXY_LINE }),
    },
    {
      name: 'a healthy runner behind a proxy',
      description: 'Configuring a proxy is not a failure.',
      log: log`
        [2025-03-04 10:00:00Z INFO HostContext] Configuring anonymous proxy http://proxy.example:3128 for all HTTP requests.
        [2025-03-04 10:00:00Z INFO HostContext] Configuring anonymous proxy http://proxy.example:3128 for all HTTPS requests.
        [2025-03-04 10:00:02Z INFO MessageListener] Session created.
        [2025-03-04 10:30:50Z INFO MessageListener] No message retrieved from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8' within last 30 minutes.
      `,
    },
  ],
  invalid: [
    {
      name: 'the same DNS failure with a proxy configured at startup',
      description: 'Spec F23: a proxy is configured and DNS/connect errors name a GitHub host ⇒ the proxy.',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { proxyLine: PROXY_LINE }),
      errors: [{ messageId: 'proxy', severity: 'warning', confidence: 'high', count: 13, lines: [4, 5, 6, 31, 33], data: { proxy: 'http://proxy.example:3128' } }],
    },
    {
      name: 'timeouts through a proxy, still failing',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout, { proxyLine: PROXY_LINE, recovered: false }),
      errors: [{ messageId: 'proxy', severity: 'error', confidence: 'high', lines: [4, 6, 11, 23, 25] }],
    },
    {
      name: 'connection refused by a configured proxy',
      fileName: FILE,
      log: listenerFlow(REASONS.refused, { proxyLine: PROXY_LINE, cycles: 1, recovered: false }),
      errors: [{ messageId: 'proxy', severity: 'error', lines: [4, 5, 6, 8, 13] }],
    },
    {
      name: 'TLS handshakes aborted through a proxy configured with an https:// URL',
      description: 'F23 with F22: no certificate verdict, the handshake breaks at the proxy; the https:// scheme on a plain HTTP proxy is named.',
      fileName: FILE,
      log: listenerFlow(REASONS.handshakeEof, { proxyLine: 'Configuring anonymous proxy https://proxy.example:3128 for all HTTPS requests.', recovered: false }),
      errors: [
        {
          messageId: 'proxy',
          severity: 'error',
          data: { proxy: 'https://proxy.example:3128' },
        },
      ],
    },
    {
      name: 'the proxy asks for authentication (407)',
      description: 'The proxy\'s own refusal needs no proxy line to be recognised.',
      fileName: FILE,
      log: listenerFlow(REASONS.proxy407, { proxyLine: undefined, recovered: false }),
      errors: [{ messageId: 'proxy', severity: 'error', confidence: 'high', lines: [4, 7, 11, 17], data: { proxy: 'in use' } }],
    },
    {
      name: 'an authenticated proxy rejecting the tunnel during config.sh',
      log: log`
        [2024-03-12 09:00:00Z INFO HostContext] Configuring authenticated proxy http://proxy.example:3128 for all HTTPS requests.
        [2024-03-12 09:00:04Z ERR  ConfigurationManager] Failed to get tenant credentials -- Attempt: 1
        [2024-03-12 09:00:04Z ERR  ConfigurationManager] System.Net.Http.HttpRequestException: The proxy tunnel request to proxy 'http://proxy.example:3128/' failed with status code '407'.
           at System.Net.Http.HttpConnectionPool.EstablishProxyTunnelAsync(Boolean async, CancellationToken cancellationToken)
      `,
      errors: [{ messageId: 'proxy', severity: 'error', confidence: 'medium', lines: [3] }],
    },
    {
      name: 'corpus 031: the response ended prematurely during config.sh',
      description: 'No proxy line in the excerpt: the early close points to a middlebox (low confidence), and configuration did not complete.',
      files: corpusCase('031'),
      errors: [{ messageId: 'prematureClose', severity: 'error', confidence: 'low', evidence: ['Runner_20240531-090316-utc.log:2'] }],
    },
    {
      name: 'an early close through a configured proxy',
      fileName: FILE,
      log: listenerFlow(REASONS.prematureClose, { proxyLine: PROXY_LINE }),
      errors: [{ messageId: 'proxy', severity: 'warning', confidence: 'high', lines: [5, 10, 14, 22] }],
    },
  ],
});

describe('proxy-error: evidence', () => {
  it('cites the proxy line as context and reports the recovered episode', () => {
    const [f] = findingsOf(rule, { name: 'dns', fileName: FILE, log: listenerFlow(REASONS.dns, { proxyLine: PROXY_LINE }) });
    expect(f?.evidence.filter((e) => e.role === 'context').map((e) => e.excerpt)).toEqual([
      '[2025-03-04 10:00:00Z INFO HostContext] Configuring anonymous proxy http://proxy.example:3128 for all HTTPS requests.',
    ]);
    expect(f?.episodes.map((ep) => ep.outcome)).toEqual(['recovered']);
  });

  it('names the https:// scheme of a plain HTTP proxy when handshakes break at it, and not otherwise', () => {
    const https = 'Configuring anonymous proxy https://proxy.example:3128 for all HTTPS requests.';
    const [f] = findingsOf(rule, { name: 'https', fileName: FILE, log: listenerFlow(REASONS.handshakeEof, { proxyLine: https, recovered: false }) });
    expect(f?.message).toContain('set https_proxy=http://proxy.example:3128');
    const [g] = findingsOf(rule, { name: 'http', fileName: FILE, log: listenerFlow(REASONS.handshakeEof, { proxyLine: PROXY_LINE, recovered: false }) });
    expect(g?.message).not.toContain('https_proxy=');
  });

  it('corpus 031 says configuration did not complete', () => {
    const [f] = findingsOf(rule, { name: '031', files: corpusCase('031') });
    expect(f?.message).toContain('registration did not complete');
  });
});

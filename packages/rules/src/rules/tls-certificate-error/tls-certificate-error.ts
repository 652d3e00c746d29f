/**
 * F21/F22: TLS certificate validation or the TLS handshake fails.
 */
import { LinkFailures, linkConfidence, linkSeverity, outcomeText } from '../../connectivity.js';
import { evidenceOf } from '../../evidence.js';
import { createRule, type Evidence } from '../../types.js';

export default createRule({
  meta: {
    id: 'tls-certificate-error',
    cause: 'tls_certificate_error',
    title: 'TLS fails: the certificate is not trusted or the handshake is cut',
    type: 'root-cause',
    severity: 'error',
    messages: {
      certificate:
        'The runner does not trust the certificate presented for {{hosts}}: {{count}} failure(s) from {{first}} to {{last}}; {{outcome}}. Errors: {{reasons}}.{{proxyNote}}',
      handshake:
        'TLS handshakes with {{hosts}} were aborted before completing: {{count}} failure(s) from {{first}} to {{last}}; {{outcome}}. Errors: {{reasons}}.{{proxyNote}}',
    },
    docs: {
      description:
        'HTTPS connections to GitHub fail during TLS. A certificate error (UntrustedRoot, PartialChain, name mismatch) usually means a TLS-inspecting proxy or firewall re-signs traffic with a CA the runner does not trust, a GHES server with a self-signed certificate, or an old CA bundle. An aborted handshake without a certificate error means mismatched TLS versions or cipher suites, or SNI filtering.',
      confirm: [
        'From the runner machine: `openssl s_client -connect pipelines.actions.githubusercontent.com:443 -servername pipelines.actions.githubusercontent.com` and read the issuer: a corporate CA means TLS inspection.',
        'Run `./run.sh --check --url <url> --pat <token>` (the SSL certificate check downloads the chain).',
        'In the log: `The SSL connection could not be established`, `The remote certificate is invalid`, `UntrustedRoot`, `PartialChain`.',
      ],
      catalog: ['F21', 'F22'],
    },
    remedy: {
      temporary: [
        'Only as a short-lived diagnostic: `GITHUB_ACTIONS_RUNNER_TLS_NO_VERIFY=1` in the runner\'s .env disables certificate validation (insecure; remove it again).',
      ],
      permanent: [
        'Trust the inspecting proxy\'s or GHES CA in the OS store the runner uses (Linux: add it to /usr/local/share/ca-certificates and run `update-ca-certificates`; macOS: Keychain; Windows: the machine store), then restart the runner.',
        'Or exempt *.actions.githubusercontent.com and github.com from TLS inspection.',
        'For aborted handshakes: enable TLS 1.2+ and current cipher suites on the host (old Windows Server needs updates).',
      ],
      prevention: ['Keep the CA bundle current; re-run `./run.sh --check` after proxy or certificate changes.'],
      docs: ['https://github.com/actions/runner/blob/main/docs/checks/sslcert.md', 'https://github.com/actions/runner/blob/main/docs/checks/network.md'],
    },
  },
  create(context) {
    // One tracker for all the connectivity rules: the first one created subscribes it.
    const { value: link, owner } = context.shared('connectivity', () => new LinkFailures(context));
    return {
      ...(owner ? link.listeners() : {}),
      end() {
        // Aborted handshakes through a configured proxy are proxy-error's (F23).
        const s = link.claim(typeof context.facts.proxy === 'string' ? ['tls-certificate'] : ['tls-certificate', 'tls-handshake']);
        if (s === null) return;
        const proxy = link.proxyEvidence();
        const evidence: Evidence[] = [...s.summary.evidence];
        if (proxy !== null) evidence.push(evidenceOf(proxy, 'context'));
        context.report({
          messageId: s.classes.includes('tls-certificate') ? 'certificate' : 'handshake',
          data: {
            hosts: s.hosts.join(', ') || 'GitHub',
            count: s.count,
            first: s.summary.firstSeen ?? 'unknown',
            last: s.summary.lastSeen ?? 'unknown',
            outcome: outcomeText(s),
            reasons: s.labels.join('; ') || 'TLS errors',
            proxyNote: typeof context.facts.proxy === 'string' ? ` The runner goes through the proxy ${context.facts.proxy}: a TLS-inspecting proxy is the usual cause.` : '',
          },
          ...s.summary,
          evidence: evidence as [Evidence, ...Evidence[]],
          episodes: s.episodes,
          severity: linkSeverity(s) === 'info' ? 'warning' : linkSeverity(s),
          confidence: linkConfidence(s, 'TLS'),
          conclusive: s.conclusive,
        });
      },
    };
  },
});

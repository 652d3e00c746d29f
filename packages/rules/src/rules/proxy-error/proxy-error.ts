/**
 * F23: the proxy is misconfigured, or refuses or breaks connections.
 */
import { LinkFailures, linkConfidence, linkSeverity, outcomeText } from '../../connectivity.js';
import type { FailureClass } from '../../classify.js';
import { evidenceOf } from '../../evidence.js';
import { createRule, type Confidence, type Evidence } from '../../types.js';

export default createRule({
  meta: {
    id: 'proxy-error',
    cause: 'proxy_error',
    title: 'The proxy between the runner and GitHub refuses or breaks connections',
    type: 'root-cause',
    severity: 'error',
    messages: {
      proxy: 'Connections through the proxy {{proxy}} fail: {{count}} failure(s) from {{first}} to {{last}}; {{outcome}}. Errors: {{reasons}}.{{detail}}',
      prematureClose:
        'Connections to GitHub ({{hosts}}) were accepted and then closed before any response ("The response ended prematurely"): {{count}} failure(s) from {{first}} to {{last}}; {{outcome}}. GitHub does not do this; a proxy or TLS-inspecting middlebox in the path does.{{detail}}',
    },
    docs: {
      description:
        'Traffic to GitHub goes through a proxy (http_proxy/https_proxy, often set in the runner\'s .env) that answers with errors (407 authentication required, 403, 502), closes connections early, or cannot reach GitHub itself. The runner reads http_proxy/HTTPS_PROXY and no_proxy at start and logs which proxy it uses.',
      confirm: [
        'Look at the start of Runner_*.log for `Configuring anonymous proxy ...` / `Configuring authenticated proxy ...`, and at the runner\'s `.env` file.',
        'From the runner machine, through the same proxy: `curl -v -x "$https_proxy" https://pipelines.actions.githubusercontent.com`.',
        'In the log: `The proxy tunnel request to proxy ... failed with status code \'407\'`, `The response ended prematurely`, connection refused naming the proxy host.',
      ],
      catalog: ['F23'],
    },
    remedy: {
      temporary: ['Fix the proxy settings in the runner\'s `.env` (https_proxy, no_proxy) and restart the runner: `sudo ./svc.sh stop && sudo ./svc.sh start`.'],
      permanent: [
        'Allow CONNECT from the runner to github.com, api.github.com and *.actions.githubusercontent.com on the proxy; give it credentials if it requires authentication (`https_proxy=http://user:pass@proxy:port`).',
        'Make sure the proxy URL has the right scheme (`http://` for the proxy itself even for HTTPS traffic) and that no_proxy does not break GitHub hosts.',
        'If the proxy inspects TLS, trust its CA on the runner (see tls-certificate-error).',
      ],
      prevention: ['Run `./run.sh --check` after proxy changes; keep the proxy\'s idle timeout above 60 s for long polls.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/using-a-proxy-server-with-self-hosted-runners'],
    },
  },
  create(context) {
    // One tracker for all the connectivity rules: the first one created subscribes it.
    const { value: link, owner } = context.shared('connectivity', () => new LinkFailures(context));
    return {
      ...(owner ? link.listeners() : {}),
      end() {
        const proxy = context.facts.proxy;
        const configured = typeof proxy === 'string';
        // With a proxy configured, connection failures to GitHub point at it (spec F23), and so do
        // TLS handshakes aborted without a certificate verdict: the handshake runs through (or,
        // with an `https://` proxy URL, with) the proxy. Certificate verdicts stay TLS errors.
        const classes: FailureClass[] = configured
          ? ['proxy', 'dns', 'refused', 'timeout', 'premature-close', 'tls-handshake']
          : proxy === undefined
            ? ['proxy', 'premature-close']
            : ['proxy'];
        const s = link.claim(classes);
        if (s === null) return;
        const evidence: Evidence[] = [...s.summary.evidence];
        const proxyLine = link.proxyEvidence();
        if (proxyLine !== null) evidence.push(evidenceOf(proxyLine, 'context'));
        const onlyPremature = s.classes.every((c) => c === 'premature-close');
        const confidence: Confidence = configured || s.classes.includes('proxy')
          ? linkConfidence(s, 'proxy')
          : { level: 'low', reason: 'no proxy setting was logged; an early close of accepted connections points to a proxy or middlebox, but a direct connection cannot be ruled out' };
        const data = {
          proxy: configured ? proxy : 'in use',
          hosts: s.hosts.join(', ') || 'GitHub',
          count: s.count,
          first: s.summary.firstSeen ?? 'unknown',
          last: s.summary.lastSeen ?? 'unknown',
          outcome: outcomeText(s),
          reasons: s.labels.join('; ') || 'proxy errors',
          detail: [
            s.configTime ? ' It happened while configuring the runner (config.sh), so registration did not complete.' : '',
            configured && s.classes.includes('tls-handshake') && /^https:\/\//i.test(proxy)
              ? ` TLS handshakes fail without a certificate error and the proxy URL starts with https://: most proxies (Squid, port 3128/8080) speak plain HTTP, so set https_proxy=${proxy.replace(/^https:/i, 'http:')}.`
              : '',
          ].join(''),
        };
        context.report({
          messageId: onlyPremature && !configured ? 'prematureClose' : 'proxy',
          data,
          ...s.summary,
          evidence: evidence as [Evidence, ...Evidence[]],
          episodes: s.episodes,
          severity: linkSeverity(s) === 'info' ? 'warning' : linkSeverity(s),
          confidence,
          conclusive: s.conclusive,
        });
      },
    };
  },
});

/**
 * F18/F19: the runner cannot resolve or reach GitHub's hosts (DNS, refused, reset, unreachable).
 */
import { LinkFailures, linkConfidence, linkSeverity, outcomeText } from '../../connectivity.js';
import type { FailureClass } from '../../classify.js';
import { formatDuration } from '../../temporal.js';
import { createRule } from '../../types.js';

export default createRule({
  meta: {
    id: 'dns-or-network-unreachable',
    cause: 'dns_or_network_unreachable',
    title: 'Local network trouble: DNS failure, or GitHub unreachable, refused or reset',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      dns: 'The runner could not resolve GitHub\'s host names ({{hosts}}): {{count}} failure(s) from {{first}} to {{last}} ({{duration}} failing); {{outcome}}. Errors: {{reasons}}.',
      unreachable:
        'The runner\'s connections to GitHub ({{hosts}}) were refused, reset or could not be routed: {{count}} failure(s) from {{first}} to {{last}} ({{duration}} failing); {{outcome}}. Errors: {{reasons}}.',
      afterSuspension:
        'Connections to GitHub failed at {{first}} right after the runner had logged nothing for minutes during a job ({{count}} failure(s): {{reasons}}): the machine or the process was suspended (a paused VM, a sleeping host), and the connections open before it were dead when it woke up. The network is probably fine.',
    },
    docs: {
      description:
        'The failure is between the runner and GitHub, on the runner\'s side of the network: name resolution fails, or TCP connections are refused, reset or have no route. The runner keeps retrying ("Runner connect error ... Retrying until reconnected"), shows offline meanwhile, and jobs wait. The long poll keeps a connection idle for about 50 seconds, so firewalls or NAT devices with shorter idle timeouts cause periodic resets.',
      confirm: [
        'From the runner machine: `nslookup pipelines.actions.githubusercontent.com` and `curl -v https://api.github.com`.',
        'Run the runner\'s own checks: `./run.sh --check --url <repo or org URL> --pat <token>` (writes InternetCheck/ActionsCheck logs to _diag).',
        'In the log: `Name or service not known`, `No such host is known`, `Connection refused`, `Connection reset by peer`, `Network is unreachable`, `Socket Error: HostNotFound`.',
      ],
      catalog: ['F18', 'F19'],
    },
    remedy: {
      temporary: [
        'Restore name resolution and outbound HTTPS (port 443) from the runner, then let it reconnect (it does so by itself) or restart it: `sudo ./svc.sh stop && sudo ./svc.sh start`.',
      ],
      permanent: [
        'Allow the hosts GitHub documents for self-hosted runners (github.com, api.github.com, *.actions.githubusercontent.com, codeload.github.com, results-receiver.actions.githubusercontent.com, ...) through DNS, firewall and egress rules.',
        'Raise idle timeouts on firewalls/NAT for connections to GitHub above 60 seconds.',
      ],
      prevention: ['Monitor DNS and egress from runner hosts; run `./run.sh --check` after network changes.'],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#communication-between-self-hosted-runners-and-github',
        'https://github.com/actions/runner/blob/main/docs/checks/network.md',
      ],
    },
  },
  create(context) {
    // One tracker for all the connectivity rules: the first one created subscribes it.
    const { value: link, owner } = context.shared('connectivity', () => new LinkFailures(context));
    return {
      ...(owner ? link.listeners() : {}),
      end() {
        const proxy = context.facts.proxy;
        // With a proxy configured, these failures are the proxy's (see proxy-error).
        if (typeof proxy === 'string') return;
        const classes: FailureClass[] = proxy === null ? ['dns', 'refused', 'premature-close'] : ['dns', 'refused'];
        const s = link.claim(classes);
        if (s === null) return;
        if (s.afterSilenceOnly) {
          // Spec §4.F rule 4: the suspension cost the job its lock; the reset on waking is its echo.
          context.report({
            messageId: 'afterSuspension',
            data: { count: s.count, first: s.summary.firstSeen ?? 'unknown', reasons: s.labels.join('; ') || 'network errors' },
            ...s.summary,
            severity: 'info',
            confidence: { level: 'medium', reason: 'the failures came right after minutes without a single line while a job was running' },
          });
          return;
        }
        context.report({
          messageId: s.classes.includes('dns') ? 'dns' : 'unreachable',
          data: {
            hosts: s.hosts.join(', ') || 'GitHub',
            count: s.count,
            first: s.summary.firstSeen ?? 'unknown',
            last: s.summary.lastSeen ?? 'unknown',
            duration: formatDuration(s.failingSeconds),
            outcome: outcomeText(s),
            reasons: s.labels.join('; ') || 'network errors',
          },
          ...s.summary,
          episodes: s.episodes,
          severity: linkSeverity(s),
          confidence: linkConfidence(s, 'network'),
          conclusive: s.conclusive,
        });
      },
    };
  },
});

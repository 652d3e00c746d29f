/**
 * F15–F17: the Actions service answered with 5xx (or failed to hand over a job).
 */
import { LinkFailures, linkConfidence, linkSeverity, outcomeText } from '../../connectivity.js';
import { formatDuration } from '../../temporal.js';
import { createRule } from '../../types.js';

export default createRule({
  meta: {
    id: 'service-unavailable',
    cause: 'service_unavailable',
    title: 'The GitHub Actions service answered with server errors (5xx)',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      outage:
        'The Actions service failed requests with server errors ({{statuses}}): {{count}} failure(s) in {{episodes}} episode(s) from {{first}} to {{last}} ({{duration}} failing); {{outcome}}. This is trouble on the service side (or a load balancer/proxy in front of it), not on the runner. Check https://www.githubstatus.com/history for {{window}}.',
    },
    docs: {
      description:
        'The runner reached GitHub, but the service (or the broker) answered 500/502/503/504, or failed to hand over a job. The runner retries by itself: it shows "Runner connect error ... Retrying until reconnected" and comes back with "Runner reconnected". Jobs queued during the outage wait or time out; nothing on the runner is broken.',
      confirm: [
        'Compare the failure window with https://www.githubstatus.com/history (Actions incidents).',
        'If only this runner is affected, check the proxy or firewall between the runner and GitHub: a middlebox can answer 502/503 itself.',
        'In the log: `HTTP Status: ServiceUnavailable` / `BadGateway` / `GatewayTimeout`, `VssServiceResponseException`, `Runner connect error`, then `Runner reconnected`.',
      ],
      catalog: ['F15', 'F16', 'F17'],
    },
    remedy: {
      temporary: [
        'Nothing to fix on the runner: it reconnects by itself once the service recovers. Re-run the jobs that failed or timed out during the window.',
        'If the runner stopped after repeated broker failures (exit code 2) and was not restarted, start it again: `sudo ./svc.sh start`.',
      ],
      permanent: [
        'If the errors persist while githubstatus.com is green and other runners work, route this runner\'s traffic around the proxy/load balancer that answers 5xx, and open a GitHub support ticket with the UTC window and this report.',
      ],
      prevention: [
        'Run the runner as a service so it restarts after the broker gives up (`./svc.sh install`).',
        'Monitor the runner\'s connection (alert on "Runner connect error" lines) and subscribe to githubstatus.com.',
      ],
      docs: ['https://www.githubstatus.com/', 'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    // One tracker for all the connectivity rules: the first one created subscribes it.
    const { value: link, owner } = context.shared('connectivity', () => new LinkFailures(context));
    return {
      ...(owner ? link.listeners() : {}),
      end() {
        const s = link.claim(['service']);
        if (s === null) return;
        context.report({
          messageId: 'outage',
          data: {
            statuses: s.labels.join(', ') || 'server error',
            count: s.count,
            episodes: s.episodes.length,
            first: s.summary.firstSeen ?? 'unknown',
            last: s.summary.lastSeen ?? 'unknown',
            duration: formatDuration(s.failingSeconds),
            outcome: outcomeText(s),
            window: `${s.summary.firstSeen ?? '?'} – ${s.summary.lastSeen ?? '?'} (UTC)`,
          },
          ...s.summary,
          episodes: s.episodes,
          severity: linkSeverity(s),
          confidence: linkConfidence(s, 'server-error'),
          conclusive: s.conclusive,
        });
      },
    };
  },
});

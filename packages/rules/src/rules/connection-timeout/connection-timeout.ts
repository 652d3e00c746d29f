/**
 * F20: requests to GitHub time out.
 */
import { LinkFailures, linkConfidence, linkSeverity, outcomeText } from '../../connectivity.js';
import { formatDuration } from '../../temporal.js';
import { createRule } from '../../types.js';

export default createRule({
  meta: {
    id: 'connection-timeout',
    cause: 'connection_timeout',
    title: 'Requests to GitHub time out',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      afterSuspension:
        'A request timed out at {{first}} right after the runner had logged nothing for minutes during a job ({{count}} timeout(s)): the machine or the process was suspended (a paused VM, a sleeping host, CPU starvation), and the request in flight timed out when it woke up. The network is probably fine.',
      updateDownload:
        'Downloading the runner update timed out ({{count}} time(s), first at {{first}}): the path to GitHub\'s release downloads is slow or blocked.',
      timeout:
        'Requests from the runner to GitHub ({{hosts}}) timed out: {{count}} timeout(s) from {{first}} to {{last}} ({{duration}} failing); {{outcome}}. {{detail}}',
    },
    docs: {
      description:
        'The runner sent requests that got no answer in time (the message queue waits 60 s, connection setup 100 s, downloads 15 min). A normal long poll answers within about 50 s, so a streak of timeouts means a proxy that buffers or holds responses, packet loss, a saturated link, or an overloaded service.',
      confirm: [
        'From the runner machine: `time curl -sS -o /dev/null https://pipelines.actions.githubusercontent.com` and check for packet loss (`mtr api.github.com`).',
        'Compare with https://www.githubstatus.com/history: if GitHub had no incident, the path is the suspect.',
        'In the log: `timed out after 60 seconds`, `The HTTP request timed out after 00:01:00`, `The operation has timed out`, `Catch exception during connect. N attempt left.`',
      ],
      catalog: ['F20'],
    },
    remedy: {
      temporary: ['Once the network path is healthy the runner reconnects by itself; restart it if it gave up: `sudo ./svc.sh stop && sudo ./svc.sh start`.'],
      permanent: [
        'Fix the slow path: bypass or fix a buffering proxy for *.actions.githubusercontent.com, address packet loss, raise idle/response timeouts on middleboxes above 60 s.',
        'For slow downloads (self-update, actions), `GITHUB_ACTIONS_RUNNER_DOWNLOAD_TIMEOUT` raises the runner\'s download timeout.',
      ],
      prevention: ['Monitor latency and loss from runner hosts to GitHub.'],
      docs: ['https://github.com/actions/runner/blob/main/docs/checks/network.md'],
    },
  },
  create(context) {
    // One tracker for all the connectivity rules: the first one created subscribes it.
    const { value: link, owner } = context.shared('connectivity', () => new LinkFailures(context));
    return {
      ...(owner ? link.listeners() : {}),
      end() {
        if (typeof context.facts.proxy === 'string') return; // the proxy's timeouts: proxy-error
        const s = link.claim(['timeout']);
        if (s === null) return;
        if (s.afterSilenceOnly) {
          // The request was in flight while the process was not running: it times out when
          // the process wakes up. The suspension, not the network, cost the job its lock.
          context.report({
            messageId: 'afterSuspension',
            data: { count: s.count, first: s.summary.firstSeen ?? 'unknown' },
            ...s.summary,
            severity: 'info',
            confidence: { level: 'medium', reason: 'the timeout came right after minutes without a single line while a job was running' },
          });
          return;
        }
        if (s.updateDownloadsOnly) {
          // The download of a runner update timed out: the update failed because of it
          // (self-update-failed); the timeout itself is context, not the cause to fix first.
          context.report({
            messageId: 'updateDownload',
            data: { count: s.count, first: s.summary.firstSeen ?? 'unknown' },
            ...s.summary,
            severity: 'info',
            confidence: { level: 'medium', reason: 'the runner logged the download timeout' },
          });
          return;
        }
        context.report({
          messageId: 'timeout',
          data: {
            hosts: s.hosts.join(', ') || 'GitHub',
            count: s.count,
            first: s.summary.firstSeen ?? 'unknown',
            last: s.summary.lastSeen ?? 'unknown',
            duration: formatDuration(s.failingSeconds),
            outcome: outcomeText(s),
            detail: s.configTime ? 'This happened while configuring the runner, so configuration did not complete.' : `Seen: ${s.labels.join('; ') || 'timeouts'}.`,
          },
          ...s.summary,
          episodes: s.episodes,
          severity: linkSeverity(s),
          confidence: linkConfidence(s, 'timeout'),
          conclusive: s.conclusive,
        });
      },
    };
  },
});

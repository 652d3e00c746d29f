/**
 * F13: the broker (or the v1 message queue) no longer knows the runner's session.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { Episodes, episodeSummary } from '../../temporal.js';
import { createRule } from '../../types.js';

const SESSION_TYPES = ['TaskAgentSessionExpiredException', 'RunnerSessionInvalid', 'SessionExpiredException'];
/** The broker also answers 404 when the runner itself is gone; the exception then says so (F03/F04). */
const RUNNER_GONE_TYPES = ['RunnerNotFoundException', 'TaskAgentNotFoundException'];

/** A GET for messages: the v1 `.../messages?sessionId=` or the broker's `/message?sessionId=`. */
function isMessagePoll(url: string | null): boolean {
  return url !== null && /\/messages?\?sessionId=/i.test(url);
}

const RUNNER_GONE_TEXT = /^(?:The )?(?:runner|agent) (?:registration )?no longer exists/i;

export default createRule({
  meta: {
    id: 'broker-session-not-found',
    cause: 'broker_session_not_found',
    title: 'The service no longer knows the runner\'s session',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      notFound:
        'Polling for jobs failed because the service did not know the runner\'s session ({{how}}): {{count}} time(s) from {{first}} to {{last}}; {{outcome}}.',
    },
    docs: {
      description:
        'The runner polls for jobs with a session id. When the broker or message queue answers 404 for it, or says the session expired or is invalid, the server side dropped the session: service maintenance, a long network gap, or a runner registration removed or replaced behind the runner\'s back. The runner normally recreates the session; if it keeps failing, the registration itself is suspect.',
      confirm: [
        'In the log: `GET ... /message?sessionId=... failed. HTTP Status: NotFound`, `Failed to get job message ... NotFound`, `TaskAgentSessionExpiredException`, `recovered by recreate session`.',
        'Check the runner still appears in Settings → Actions → Runners; if not, see runner-deleted-on-server.',
      ],
      catalog: ['F13'],
    },
    remedy: {
      temporary: ['Restart the runner so it creates a new session: `sudo ./svc.sh stop && sudo ./svc.sh start`.'],
      permanent: [
        'If it recurs, remove the runner in the UI and register it again (`./config.sh remove`, then `./config.sh` with a new token); for scale sets, let the controller replace the runner.',
      ],
      prevention: ['Keep the runner updated (v2.336.0 recreates invalid broker sessions by itself).'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    const hits = new Occurrences(context);
    const episodes = new Episodes();
    let how: string | null = null;
    let recovered = false;
    let polls404 = 0;
    let runnerGone = false;
    const hit = (e: RunlogEvent, description: string): void => {
      hits.add(e);
      episodes.fail(e);
      how ??= description;
    };
    return {
      'http.failure'(e) {
        if (e.status === 404 && e.method === 'GET' && isMessagePoll(e.url)) {
          polls404++;
          hit(e, 'HTTP 404 on the message poll');
        }
      },
      exception(e) {
        const text = failureText(e) ?? '';
        const types = [e.type, ...e.inner.map((i) => i.type)];
        if (types.some((t) => RUNNER_GONE_TYPES.some((g) => t.endsWith(g)))) runnerGone = true;
        const type = types.find((t) => SESSION_TYPES.some((s) => t.endsWith(s)));
        if (type !== undefined) hit(e, type.slice(type.lastIndexOf('.') + 1));
        else if (/Failed to get job message/i.test(text) && /NotFound/i.test(text)) hit(e, 'the broker answered NotFound');
      },
      // The runner's own words that the registration is gone (v2.336: `Runner registration no
      // longer exists while retrieving messages`, `The runner no longer exists on the server`).
      'terminal.error'(e) {
        if (RUNNER_GONE_TEXT.test(e.message)) runnerGone = true;
      },
      unrecognized(e) {
        if (RUNNER_GONE_TEXT.test(e.text)) runnerGone = true;
      },
      'session.recovered'(e) {
        recovered = true;
        hits.context(e);
        episodes.ok(e);
      },
      'broker.request_error'(e) {
        if (episodes.active) context.explain(e);
      },
      'session.created'(e) {
        episodes.ok(e);
      },
      'message.received'(e) {
        episodes.ok(e);
      },
      'job.received'(e) {
        episodes.ok(e);
      },
      end() {
        const s = hits.summary();
        if (s === null || hits.count === 0) {
          return;
        }
        // 404s on the poll that the runner explained as "runner not found": runner-deleted-on-server.
        if (runnerGone && hits.count === polls404) return;
        const eps = episodes.finish();
        const { ongoing } = episodeSummary(eps);
        context.report({
          messageId: 'notFound',
          data: {
            how: how ?? 'session not found',
            count: hits.count,
            first: s.firstSeen ?? 'unknown',
            last: s.lastSeen ?? 'unknown',
            outcome: ongoing ? 'still failing where the log ends' : recovered ? 'the runner recreated the session' : 'polling worked again afterwards',
          },
          ...s,
          episodes: eps,
          severity: ongoing ? 'error' : 'warning',
          confidence: hits.count >= 2 ? { level: 'high', reason: `${hits.count} polls rejected for the session` } : { level: 'medium', reason: 'a single poll rejected for the session' },
        });
      },
    };
  },
});

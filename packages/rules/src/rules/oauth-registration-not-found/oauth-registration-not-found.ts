/**
 * F02: the OAuth token request is rejected because the runner's registration is unknown.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { Episodes, episodeSummary, formatDuration } from '../../temporal.js';
import { createRule } from '../../types.js';

const OAUTH_EXCEPTION = 'VssOAuthTokenRequestException';

/** `Registration <guid> was not found.`, `Registration was not found or is not medium trust.`, `invalid_client`. */
export function isRegistrationMissing(text: string): boolean {
  const t = text.toLowerCase();
  return (
    (t.includes('registration') && (t.includes('not found') || t.includes('was not found'))) ||
    t.includes('not medium trust') ||
    t.includes('invalid_client')
  );
}

function isTokenUrl(url: string | null): boolean {
  return url !== null && /\/oauth2\/token/i.test(url);
}

export default createRule({
  meta: {
    id: 'oauth-registration-not-found',
    cause: 'oauth_registration_not_found',
    title: 'The runner\'s registration is unknown to GitHub (OAuth token request rejected)',
    type: 'root-cause',
    severity: 'error',
    messages: {
      rejected:
        'GitHub rejected the runner\'s OAuth token request because it does not know the registration ("{{reason}}"): {{count}} rejection(s) from {{first}} to {{last}}; {{outcome}}. The runner cannot connect until it is registered again.',
    },
    docs: {
      description:
        'Every connection starts with an OAuth token exchange using the runner\'s registration (its `.credentials` and RSA key). "Registration ... was not found" or "not medium trust" means the service no longer has that registration: the runner was removed in the UI or by an autoscaler, or GitHub removed it automatically after 14 days without connecting (1 day for ephemeral runners). The runner shows offline and jobs wait for a runner that never comes.',
      confirm: [
        'In the repository/organisation settings (Actions → Runners), check whether a runner with this name still exists.',
        'In the log: `VssOAuthTokenRequestException: Registration <id> was not found` or `... is not medium trust`, usually after `POST .../oauth2/token ... BadRequest`.',
        'For ARC/scale sets: check whether the controller deleted the runner (or its JIT config secret) while the pod was still starting.',
      ],
      catalog: ['F02'],
    },
    remedy: {
      temporary: [
        'Register the runner again: `./config.sh remove --local` (or delete `.runner`, `.credentials`, `.credentials_rsaparams`), then `./config.sh --url <url> --token <new registration token>` and start it.',
      ],
      permanent: [
        'Find what deletes the registration: a cleanup script, an autoscaler scaling down pods that are still starting, or a runner left offline for more than 14 days.',
        'For autoscalers, recycle pods whose JIT config has expired instead of restarting them with it.',
      ],
      prevention: ['Keep runners connected (a runner offline for 14 days is removed automatically); monitor runner status in the API.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/removing-self-hosted-runners'],
    },
  },
  create(context) {
    const rejections = new Occurrences(context);
    const rejectedAt = new Set<string>();
    const episodes = new Episodes();
    let reason: string | null = null;
    const check = (e: RunlogEvent): void => {
      const text = failureText(e);
      if (text === null || !isRegistrationMissing(text)) return;
      if (e.kind === 'exception' && !(e.type.endsWith(OAUTH_EXCEPTION) || e.inner.some((i) => i.type.endsWith(OAUTH_EXCEPTION)))) return;
      if (e.kind !== 'exception' && !text.includes(OAUTH_EXCEPTION)) return;
      reason ??= e.kind === 'exception' ? e.message : text;
      rejections.add(e);
      // The listener's three connections retry the same token request: count requests by the
      // second they were rejected in, not by exception dumps.
      if (e.time !== null) rejectedAt.add(e.time);
      episodes.fail(e);
    };
    return {
      exception: check,
      unrecognized: check,
      'terminal.error': check,
      'error.classified'(e) {
        // `Retriable exception: <message>` repeats the exception above it.
        if (isRegistrationMissing(e.message)) context.explain(e);
      },
      'http.failure'(e) {
        if (isTokenUrl(e.url) && (e.status === 400 || e.status === 401)) rejections.context(e);
      },
      'session.created'(e) {
        episodes.ok(e);
      },
      end() {
        const summary = rejections.summary();
        if (summary === null || rejections.count === 0) return;
        const requests = Math.max(1, rejectedAt.size === 0 ? rejections.count : rejectedAt.size);
        const eps = episodes.finish();
        const { ongoing } = episodeSummary(eps);
        context.report({
          messageId: 'rejected',
          data: {
            reason: (reason ?? 'registration not found').slice(0, 200),
            count: requests,
            first: summary.firstSeen ?? 'unknown',
            last: summary.lastSeen ?? 'unknown',
            outcome: ongoing ? 'still rejected where the log ends' : `a session was created afterwards (${formatDuration(eps.reduce((n, e) => n + (e.durationSeconds ?? 0), 0))} later)`,
          },
          ...summary,
          count: requests,
          episodes: eps,
          severity: ongoing ? 'error' : 'warning',
          confidence:
            requests >= 2
              ? { level: 'high', reason: `${requests} token requests rejected with the registration unknown` }
              : { level: 'high', reason: 'the service states the registration was not found' },
        });
      },
    };
  },
});

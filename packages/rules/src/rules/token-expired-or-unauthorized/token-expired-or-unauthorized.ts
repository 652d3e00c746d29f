/**
 * F07, F09, F10, F11: a 401/403 or a rejected/revoked token that is neither a missing
 * registration (oauth-registration-not-found) nor clock skew (clock-skew).
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyText, failureText, type FailureClass } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { Episodes, episodeSummary } from '../../temporal.js';
import { createRule } from '../../types.js';
import { isRegistrationMissing } from '../oauth-registration-not-found/oauth-registration-not-found.js';

const UNAUTHORIZED_TYPES = ['VssUnauthorizedException', 'TaskAgentAccessTokenExpiredException', 'TaskAgentJobTokenExpiredException'];
const FORBIDDEN_TYPES = ['AccessDeniedException'];
const OAUTH_TYPE = 'VssOAuthTokenRequestException';

function isDeprecation(text: string): boolean {
  return /is deprecated|RunnerVersionTooOld|too old/i.test(text);
}

/** Failure classes that say the request never got an answer about the credentials. */
const NOT_CREDENTIALS: ReadonlySet<FailureClass> = new Set(['dns', 'refused', 'timeout', 'tls-certificate', 'tls-handshake', 'proxy', 'premature-close', 'service', 'throttled']);

export default createRule({
  meta: {
    id: 'token-expired-or-unauthorized',
    cause: 'token_expired_or_unauthorized',
    title: 'The service rejected the runner\'s credentials or token (401/403, expired or revoked)',
    type: 'root-cause',
    severity: 'error',
    messages: {
      revoked: 'The service revoked the runner\'s OAuth token ({{first}}); the runner shut down. It must be registered again.',
      jobToken:
        'The service rejected the job\'s token while the runner renewed its lock on job request {{request}} ({{reason}}, at {{first}}): the job was no longer valid, so the runner stopped renewing it and cancelled it on the worker.',
      jobTokenAfterFailures:
        'The service rejected the job\'s token when the runner could renew its lock on job request {{request}} again ({{reason}}, at {{first}}), after {{failures}} failed renewal attempt(s): the lock ran out while the runner could not reach the service, so the expiry follows from those failures; the runner then cancelled the job on the worker.',
      unauthorized:
        'Requests were refused as not authorized or forbidden ({{reasons}}): {{count}} time(s) from {{first}} to {{last}}; {{outcome}}.',
    },
    docs: {
      description:
        'The runner reached GitHub, but its credentials were refused: 401 Unauthorized (invalid or rotated credentials, a `.credentials` file copied from another runner), 403 Forbidden (a policy: the runner group does not allow the repository, a suspended account), an OAuth error other than a missing registration, a revoked runner token, or a job token the service considers expired while the job runs.',
      confirm: [
        'In the log: `VssUnauthorizedException`, `is not authorized`, `Authentication failed with status code 401`, `AccessDeniedException`, `Runner OAuth token has been revoked`, `TaskAgentJobTokenExpiredException`.',
        'Check the runner still exists and belongs to the runner group and repository the job targets (Settings → Actions → Runner groups).',
        'For expired job tokens, check https://www.githubstatus.com/history for the time: several users seeing it at once points to the service.',
      ],
      catalog: ['F07', 'F09', 'F10', 'F11'],
    },
    remedy: {
      temporary: ['Restart the runner once: `sudo ./svc.sh stop && sudo ./svc.sh start`. Re-run jobs that were cancelled by a rejected job token.'],
      permanent: [
        'Register the runner again with a fresh token (`./config.sh remove --local`, then `./config.sh --url <url> --token <token>`); never copy `.credentials` between runners.',
        'For 403 policy errors, fix the runner group\'s repository access or the account state the message names.',
      ],
      prevention: ['Keep runners updated; keep one registration per runner directory.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/managing-access-to-self-hosted-runners-using-groups'],
    },
  },
  create(context) {
    const revoked = new Occurrences(context);
    const jobToken = new Occurrences(context);
    const refused = new Occurrences(context);
    const episodes = new Episodes();
    const reasons = new Set<string>();
    let jobTokenReason: { request: string; reason: string; failures: number } | null = null;
    /** Failed renewals of each job request since its last good one (recent requests only). */
    const renewFailures = new RecentMap<string, number>();
    let deprecated = false;
    const challenges: RunlogEvent[] = [];

    const refuse = (e: RunlogEvent, reason: string): void => {
      refused.add(e);
      episodes.fail(e);
      if (reasons.size < 5) reasons.add(reason);
    };
    return {
      'token.revoked'(e) {
        revoked.add(e);
      },
      'job.renew_error'(e) {
        if (e.requestId !== null) renewFailures.set(e.requestId, (renewFailures.get(e.requestId) ?? 0) + 1);
      },
      'job.renewed'(e) {
        if (e.requestId !== null) renewFailures.delete(e.requestId);
      },
      'job.renew_rejected'(e) {
        if (/TokenExpired|AccessTokenExpired/i.test(e.reason)) {
          jobToken.add(e);
          const failures = e.requestId !== null ? renewFailures.get(e.requestId) ?? 0 : 0;
          jobTokenReason ??= { request: e.requestId ?? 'unknown', reason: e.reason, failures };
        }
      },
      exception(e) {
        const types = [e.type, ...e.inner.map((i) => i.type)];
        const text = failureText(e) ?? '';
        if (isDeprecation(text)) {
          // The 403 that comes with it is the version refusal (F05), even when the console line is not in the excerpt.
          deprecated = true;
          return;
        }
        const short = (t: string): string => t.slice(t.lastIndexOf('.') + 1);
        const unauthorized = types.find((t) => UNAUTHORIZED_TYPES.some((u) => t.endsWith(u)));
        if (unauthorized !== undefined) return refuse(e, short(unauthorized));
        const forbidden = types.find((t) => FORBIDDEN_TYPES.some((u) => t.endsWith(u)));
        if (forbidden !== undefined) return refuse(e, `${short(forbidden)}: ${e.message.slice(0, 80)}`);
        // Other OAuth errors (F09): not a missing registration, not the clock.
        if (types.some((t) => t.endsWith(OAUTH_TYPE)) && !isRegistrationMissing(text) && classifyText(text) !== 'clock') {
          refuse(e, `OAuth: ${e.message.slice(0, 80)}`);
        }
      },
      'http.failure'(e) {
        if (e.status !== 401 && e.status !== 403) return;
        if (e.url !== null && /\/oauth2\/token/i.test(e.url)) return; // the OAuth rules read the exception
        if (e.final || e.level === 'ERR') refuse(e, `HTTP ${e.status}`);
        else challenges.push(e); // a 401 challenge the handler retries: only counts if nothing succeeds
      },
      'token.failed'(e) {
        // The provider could not get a token because it could not reach the token service (its
        // Reason names a DNS, connection, TLS or proxy failure): the network rules' story.
        const cls = e.reason === null ? null : classifyText(e.reason);
        if (cls !== null && NOT_CREDENTIALS.has(cls)) return;
        refuse(e, 'token provider failed');
      },
      'terminal.error'(e) {
        if (isDeprecation(e.message)) deprecated = true;
      },
      'session.created'(e) {
        episodes.ok(e);
        challenges.length = 0;
      },
      'connection.restored'(e) {
        episodes.ok(e);
        challenges.length = 0;
      },
      'message.received'(e) {
        episodes.ok(e);
      },
      end() {
        const rev = revoked.summary();
        if (rev !== null) {
          context.report({
            messageId: 'revoked',
            data: { first: rev.firstSeen ?? 'unknown' },
            ...rev,
            confidence: { level: 'high', reason: 'the runner logged that its OAuth token was revoked' },
            conclusive: true,
          });
        }
        const job = jobToken.summary();
        if (job !== null && jobTokenReason !== null) {
          const r = jobTokenReason as { request: string; reason: string; failures: number };
          if (r.failures === 0) {
            context.report({
              messageId: 'jobToken',
              data: { request: r.request, reason: r.reason, first: job.firstSeen ?? 'unknown' },
              ...job,
              confidence: { level: 'high', reason: `the service answered the lock renewal with ${r.reason}` },
              conclusive: true,
            });
          } else {
            // Renewals that could not reach the service let the lock run out (spec F24): whatever
            // kept them from it (the network, the service) is the first cause, not the token.
            context.report({
              messageId: 'jobTokenAfterFailures',
              data: { request: r.request, reason: r.reason, first: job.firstSeen ?? 'unknown', failures: r.failures },
              ...job,
              severity: 'warning',
              confidence: { level: 'high', reason: `the service answered the first renewal that reached it with ${r.reason}` },
            });
          }
        }
        if (!deprecated && challenges.length >= 3) for (const c of challenges) refuse(c, `HTTP ${(c as { status: number }).status}`);
        const ref = refused.summary();
        if (ref !== null && !deprecated) {
          const eps = episodes.finish();
          const { ongoing } = episodeSummary(eps);
          context.report({
            messageId: 'unauthorized',
            data: {
              reasons: [...reasons].join('; '),
              count: refused.count,
              first: ref.firstSeen ?? 'unknown',
              last: ref.lastSeen ?? 'unknown',
              outcome: ongoing ? 'still refused where the log ends' : 'the runner connected again afterwards',
            },
            ...ref,
            episodes: eps,
            severity: ongoing ? 'error' : 'warning',
            confidence: refused.count >= 2 ? { level: 'high', reason: `${refused.count} refusals` } : { level: 'medium', reason: 'a single refusal' },
          });
        }
      },
    };
  },
});

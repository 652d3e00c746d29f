/**
 * F03/F04, and F02 when the runner itself concludes its registration was deleted.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences, evidenceOf } from '../../evidence.js';
import { formatDuration } from '../../temporal.js';
import { createRule, type Evidence } from '../../types.js';

const NOT_FOUND_TYPES = ['TaskAgentNotFoundException', 'RunnerNotFoundException'];
const STATEMENTS = [
  'no longer exists on the server',
  'registration has been deleted from the server',
  'runner registration no longer exists',
  'agent registration no longer exists',
];
const DAY_MS = 86_400_000;

export default createRule({
  meta: {
    id: 'runner-deleted-on-server',
    cause: 'runner_deleted_on_server',
    title: 'The runner no longer exists on GitHub',
    type: 'root-cause',
    severity: 'error',
    messages: {
      deleted: 'The service says this runner no longer exists ({{how}}), first at {{first}}; {{count}} time(s).{{inactivity}} The runner must be registered again.',
    },
    docs: {
      description:
        'The runner\'s registration was removed on the service side while the runner was configured or running: by an admin, a cleanup script, an autoscaler, or automatically after 14 days offline (1 day for ephemeral runners). The runner stops ("The runner no longer exists on the server") or, since v2.336.0, cleans up its local configuration and exits.',
      confirm: [
        'Check Settings → Actions → Runners: the runner is gone from the list.',
        'Check the audit log of the organisation/repository for `remove_self_hosted_runner` events.',
        'In the log: `TaskAgentNotFoundException` / `RunnerNotFoundException`, `The runner no longer exists on the server`, `The runner registration has been deleted from the server, please re-configure`.',
      ],
      catalog: ['F03', 'F04', 'F02'],
    },
    remedy: {
      temporary: [
        'Register the runner again with a new token: `./config.sh remove --local`, then `./config.sh --url <url> --token <token>`, then start it.',
      ],
      permanent: [
        'Find out who or what deletes runners (audit log, cleanup automation, ARC/autoscaler scale-down) and stop it removing runners that are still in use.',
        'Keep runners from sitting offline for 14 days, after which GitHub removes them automatically.',
      ],
      prevention: ['Use ephemeral runners with fresh registrations per job (JIT config) in autoscaled fleets.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/removing-self-hosted-runners'],
    },
  },
  create(context) {
    const hits = new Occurrences(context);
    let how: string | null = null;
    let conclusive = false;
    let lastSession: RunlogEvent | null = null;
    let firstHit: RunlogEvent | null = null;

    const hit = (e: RunlogEvent, description: string, statement: boolean): void => {
      hits.add(e);
      how ??= description;
      firstHit ??= e;
      if (statement) conclusive = true;
    };
    const byText = (e: RunlogEvent): void => {
      const text = (failureText(e) ?? e.text).toLowerCase();
      if (STATEMENTS.some((s) => text.includes(s))) {
        const statement = e.kind === 'terminal.error' || e.component === 'Terminal' || e.component === 'Console';
        hit(e, statement ? 'the runner reported it' : 'the runner logged it', statement);
      }
    };
    return {
      exception(e) {
        const type = [e.type, ...e.inner.map((i) => i.type)].find((t) => NOT_FOUND_TYPES.some((n) => t.endsWith(n)));
        if (type !== undefined) hit(e, type.slice(type.lastIndexOf('.') + 1), false);
      },
      'terminal.error': byText,
      'terminal.line': byText,
      unrecognized: byText,
      'session.failed': byText,
      'session.created'(e) {
        if (firstHit === null) lastSession = e;
      },
      end() {
        const summary = hits.summary();
        if (summary === null) return;
        let inactivity = '';
        const evidence: Evidence[] = [...summary.evidence];
        const last = lastSession as RunlogEvent | null;
        if (last !== null && last.time !== null && summary.firstSeen !== null) {
          const days = (Date.parse(summary.firstSeen) - Date.parse(last.time)) / DAY_MS;
          const limit = context.facts.ephemeral === true ? 1 : 14;
          if (days > limit) {
            inactivity = ` The previous successful session was ${formatDuration(days * 86400)} earlier: GitHub removes runners that have not connected for ${limit} day(s).`;
            evidence.push(evidenceOf(last, 'context'));
          }
        }
        context.report({
          messageId: 'deleted',
          data: { how: how ?? 'not found', first: summary.firstSeen ?? 'unknown', count: hits.count, inactivity },
          ...summary,
          evidence: evidence as [Evidence, ...Evidence[]],
          confidence: conclusive
            ? { level: 'high', reason: 'the runner states its registration no longer exists' }
            : { level: 'high', reason: 'the service answered that the runner was not found' },
          conclusive,
        });
      },
    };
  },
});

/**
 * F14, F51: broker migration and auth/settings migration.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

const MIGRATION_TROUBLE = [
  'Failed to create session with migrated settings',
  'Exception when creating session with migrated settings',
  'Migrated settings retry',
  'Reached maximum retry attempts for migrated settings',
  'Token Claim mismatch between two issuers',
  'Failed to fetch and check OAuth token claims',
  'Failed to update runner',
  'Failed to refresh runner',
  'does not match the runner id in',
  'Runner id in refreshed config',
  'Credential clientId in refreshed config',
  'Runner qualified id',
  'Invalid service type',
];

/**
 * Logged at every start of v2.324.0+ when there are no migrated settings ("Failed to load migrated
 * settings: No migrated configuration found." comes first): only context after a failed attempt.
 */
const FALLBACK = 'Falling back to original .runner settings';

/** A v1 listener polled the broker after a BrokerMigration redirect (spec F51). */
function namesBroker(text: string): boolean {
  return /broker\.actions\.githubusercontent\.com|Failed to get job message/i.test(text);
}

export default createRule({
  meta: {
    id: 'broker-migration',
    cause: 'broker_migration',
    title: 'Broker migration: the runner is redirected to the broker, or its migration is stuck',
    type: 'context',
    severity: 'info',
    messages: {
      redirectLoop:
        'The service redirects every poll to the broker ("BrokerMigration message received"): {{count}} redirect(s) from {{first}} to {{last}}, and no job was offered in that time. The polls themselves succeed; if jobs wait for this runner, the cause is on the service side (labels, runner group, repository access) or the broker host is unreachable.',
      brokerErrors:
        'After the broker migration redirect, {{count}} poll(s) to the broker failed from {{first}} to {{last}} ({{detail}}).',
      migrationTrouble: 'Migrating the runner\'s settings or credentials did not complete: {{count}} problem(s) from {{first}} to {{last}} ("{{detail}}"). The runner falls back to its original settings and retries later.',
    },
    docs: {
      description:
        'Since mid-2024 GitHub moves runners from the classic message queue to the broker. A v1 listener receives a BrokerMigration message on each poll and then polls the broker; that loop is normal, but it is also all the log shows while jobs are not routed to the runner. Settings/credential migration (v2.324.0+) can fail and fall back; only a persistent streak together with session failures matters.',
      confirm: [
        'In the log: `BrokerMigration message received. Polling Broker for messages...` every ~50 s, `Refreshing credentials for V2.`; errors naming broker.actions.githubusercontent.com.',
        'From the runner machine: `curl -v https://broker.actions.githubusercontent.com` must connect (any HTTP answer is fine).',
        'If polls succeed and no job arrives: check the job\'s `runs-on` labels and the runner group\'s repository access.',
      ],
      catalog: ['F14', 'F51'],
    },
    remedy: {
      temporary: ['Restart the runner to retry the migration: `sudo ./svc.sh stop && sudo ./svc.sh start`.'],
      permanent: [
        'Allow broker.actions.githubusercontent.com through firewalls and proxies.',
        'Update the runner to the latest release, which handles the broker flow and migration fixes.',
        'If polls succeed but jobs never come, fix routing on the service side: labels in `runs-on`, runner group access.',
      ],
      prevention: ['Keep runners on current versions; allow all *.actions.githubusercontent.com hosts.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#communication-between-self-hosted-runners-and-github'],
    },
  },
  create(context) {
    const redirects = new Occurrences(context, 2, 1);
    const brokerErrors = new Occurrences(context);
    const trouble = new Occurrences(context);
    let jobsOffered = 0;
    let migrated = false;
    let troubleDetail: string | null = null;
    let errorDetail: string | null = null;

    const checkText = (e: RunlogEvent): void => {
      const text = failureText(e) ?? e.text;
      if (text.includes(FALLBACK)) {
        if (!trouble.empty) trouble.context(e);
        return;
      }
      const sign = MIGRATION_TROUBLE.find((t) => text.includes(t));
      if (sign !== undefined) {
        trouble.add(e);
        troubleDetail ??= sign;
        return;
      }
      if (migrated && e.kind === 'exception' && namesBroker(text)) {
        brokerErrors.add(e);
        errorDetail ??= text.slice(0, 140);
      }
    };
    return {
      'broker.migration'(e) {
        migrated = true;
        redirects.add(e);
      },
      'job.received'() {
        jobsOffered++;
      },
      'message.received'() {
        jobsOffered++;
      },
      exception: checkText,
      unrecognized: checkText,
      'terminal.error': checkText,
      end() {
        const t = trouble.summary();
        if (t !== null) {
          context.report({
            messageId: 'migrationTrouble',
            data: { count: trouble.count, first: t.firstSeen ?? 'unknown', last: t.lastSeen ?? 'unknown', detail: troubleDetail ?? '' },
            ...t,
            severity: trouble.count >= 3 ? 'warning' : 'info',
            confidence: { level: 'medium', reason: 'migration lines logged by the runner' },
          });
        }
        const b = brokerErrors.summary();
        if (b !== null) {
          context.report({
            messageId: 'brokerErrors',
            data: { count: brokerErrors.count, first: b.firstSeen ?? 'unknown', last: b.lastSeen ?? 'unknown', detail: errorDetail ?? '' },
            ...b,
            severity: 'warning',
            confidence: { level: 'medium', reason: 'broker errors in a listener that was redirected to the broker' },
          });
        }
        const r = redirects.summary();
        // A handful of redirects between jobs is the normal broker long poll; a long run of
        // them with no job is what the user sees as "online but idle".
        if (r !== null && redirects.count >= 3 && jobsOffered === 0 && t === null && b === null) {
          context.report({
            messageId: 'redirectLoop',
            data: { count: redirects.count, first: r.firstSeen ?? 'unknown', last: r.lastSeen ?? 'unknown' },
            ...r,
            confidence: { level: 'low', reason: 'the redirect loop is normal polling; the log cannot show why no job was offered' },
          });
        }
      },
    };
  },
});

/**
 * F51 (RunnerConfigurationRefreshed): the service refreshed the runner's configuration.
 */
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

const DAY_MS = 86_400_000;
/** A session failure this soon after a refresh step is "right after" it. */
const AFTER_MS = 10 * 60_000;

export default createRule({
  meta: {
    id: 'runner-config-refreshed',
    cause: 'runner_config_refreshed',
    title: 'The service refreshed the runner\'s configuration',
    type: 'context',
    severity: 'info',
    messages: {
      refreshed: 'The service refreshed the runner\'s configuration and the runner restarted its session: {{count}} refresh step(s) from {{first}} to {{last}}. This is benign unless it repeats.',
      followedByFailure:
        'The service refreshed the runner\'s configuration ({{first}} to {{last}}) and creating a session failed right after: the refreshed settings or credentials may not work (see broker-migration).',
      repeating:
        'The service refreshed the runner\'s configuration {{cycles}} times within a day ({{first}} to {{last}}), and each time the runner restarted its session: a refresh loop.{{failure}}',
    },
    docs: {
      description:
        'Since v2.323.0 the service can push a new runner or credentials configuration (RunnerRefreshConfig). The runner saves it and restarts its session in the same process (internal return code 6). Once is normal; a loop, or session failures right after, point to migration trouble (see broker-migration).',
      confirm: [
        'In the log: `Received RunnerRefreshConfigMessage for \'runner\' config file`, `Runner configuration was updated. Session restart has been scheduled`, `Runner configuration was refreshed, restarting session...`.',
        'Look at `.runner_migrated` / `.credentials_migrated` in the runner directory.',
      ],
      catalog: ['F51'],
    },
    remedy: {
      temporary: ['Nothing to do for a single refresh. For a loop: restart the runner once.'],
      permanent: ['Update the runner to the latest release; if the loop persists, register the runner again.'],
      prevention: ['Keep runners current.'],
      docs: ['https://github.com/actions/runner/releases'],
    },
  },
  create(context) {
    const steps = new Occurrences(context);
    const cycleTimes: number[] = [];
    let failedAfter = false;
    let lastStepMs: number | null = null;
    return {
      'config.refreshed'(e) {
        steps.add(e);
        if (e.time !== null) lastStepMs = Date.parse(e.time);
        if (e.stage.startsWith('received') && e.time !== null) cycleTimes.push(Date.parse(e.time));
      },
      'session.failed'(e) {
        if (steps.count === 0) return;
        // Only a failure right after a refresh points at it; one days later has its own cause.
        if (e.time === null || lastStepMs === null || Date.parse(e.time) - lastStepMs <= AFTER_MS) failedAfter = true;
      },
      end() {
        const s = steps.summary();
        if (s === null) return;
        let maxInDay = 0;
        for (let i = 0; i < cycleTimes.length; i++) {
          let n = 0;
          for (let j = i; j < cycleTimes.length && cycleTimes[j]! - cycleTimes[i]! <= DAY_MS; j++) n++;
          maxInDay = Math.max(maxInDay, n);
        }
        if (maxInDay > 3) {
          context.report({
            messageId: 'repeating',
            data: {
              cycles: maxInDay,
              first: s.firstSeen ?? 'unknown',
              last: s.lastSeen ?? 'unknown',
              failure: failedAfter ? ' A session failure followed a refresh.' : '',
            },
            ...s,
            severity: 'warning',
            confidence: { level: 'medium', reason: `${cycleTimes.length} refresh messages` },
          });
          return;
        }
        if (failedAfter) {
          context.report({
            messageId: 'followedByFailure',
            data: { first: s.firstSeen ?? 'unknown', last: s.lastSeen ?? 'unknown' },
            ...s,
            severity: 'warning',
            confidence: { level: 'medium', reason: 'a session failure came within minutes of the refresh' },
          });
          return;
        }
        context.report({
          messageId: 'refreshed',
          data: { count: steps.count, first: s.firstSeen ?? 'unknown', last: s.lastSeen ?? 'unknown' },
          ...s,
          confidence: { level: 'high', reason: 'the runner logged the refresh' },
        });
      },
    };
  },
});

/**
 * F51 (RunnerConfigurationRefreshed): the service refreshed the runner's configuration.
 */
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

const DAY_MS = 86_400_000;

export default createRule({
  meta: {
    id: 'runner-config-refreshed',
    cause: 'runner_config_refreshed',
    title: 'The service refreshed the runner\'s configuration',
    type: 'context',
    severity: 'info',
    messages: {
      refreshed: 'The service refreshed the runner\'s configuration and the runner restarted its session: {{count}} refresh step(s) from {{first}} to {{last}}. This is benign unless it repeats.',
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
    return {
      'config.refreshed'(e) {
        steps.add(e);
        if (e.stage.startsWith('received') && e.time !== null) cycleTimes.push(Date.parse(e.time));
      },
      'session.failed'() {
        if (steps.count > 0) failedAfter = true;
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
        if (maxInDay > 3 || failedAfter) {
          context.report({
            messageId: 'repeating',
            data: {
              cycles: Math.max(maxInDay, cycleTimes.length),
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

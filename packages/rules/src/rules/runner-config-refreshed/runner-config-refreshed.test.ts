import { RuleTester, log } from '../../testing/rule-tester.js';
import { testLogs } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './runner-config-refreshed.js';

/** One RunnerRefreshConfig cycle (Runner.cs, v2.323.0+), starting at `hh:mm`. */
function cycle(day: string, hhmm: string): string {
  return log`
    [${day} ${hhmm}:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
    [${day} ${hhmm}:00Z INFO Runner] Runner configuration was refreshed, restarting session...
  `;
}

new RuleTester().run(rule, {
  valid: [
    {
      name: 'full-session: no refresh',
      files: testLogs('full-session/_diag'),
    },
    {
      name: 'a self-update request',
      description: '`Refresh message received, kick-off selfupdate` is the RunnerRefresh (update) message, not a config refresh.',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Refresh message received, kick-off selfupdate
        [2025-06-02 10:00:00Z INFO SelfUpdater] An update is available.
      `,
    },
    {
      name: 'a connection refresh',
      description: '`Refresh MessageQueue VssConnection` after a poll error, and `Reload credentials.`, are connection plumbing.',
      log: log`
        [2025-06-02 10:00:00Z INFO RunnerServer] Refresh MessageQueue VssConnection to get on a different AFD node.
        [2025-06-02 10:00:05Z INFO BrokerMessageListener] Reload credentials.
      `,
    },
  ],
  invalid: [
    {
      name: 'one refresh cycle',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
        [2025-06-02 10:00:00Z INFO RunnerConfigUpdater] Verifying runner qualified id: 17
        [2025-06-02 10:00:01Z INFO Runner] Runner configuration was updated. Session restart has been scheduled
        [2025-06-02 10:00:01Z INFO Runner] Pending session restart detected and job dispatcher is not busy. Restarting session now.
        [2025-06-02 10:00:01Z INFO Runner] Deleting Runner Session...
        [2025-06-02 10:00:02Z INFO Runner] Restarting runner session after config update...
        [2025-06-02 10:00:02Z INFO Runner] Runner configuration was refreshed, restarting session...
        [2025-06-02 10:00:02Z INFO Runner] Loaded migrated settings from .runner_migrated file
        [2025-06-02 10:00:03Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'refreshed', severity: 'info', confidence: 'high', count: 4, lines: [1, 3, 6, 7] }],
    },
    {
      name: 'three refreshes in a day',
      description: 'Up to three is still benign.',
      log: cycle('2025-06-02', '10:00') + cycle('2025-06-02', '14:00') + cycle('2025-06-02', '18:00'),
      errors: [{ messageId: 'refreshed', severity: 'info', count: 6 }],
    },
    {
      name: 'four refreshes in a day',
      log: cycle('2025-06-02', '10:00') + cycle('2025-06-02', '12:00') + cycle('2025-06-02', '14:00') + cycle('2025-06-02', '16:00'),
      errors: [{ messageId: 'repeating', severity: 'warning', confidence: 'medium', count: 8, lines: [1, 2, 3, 7, 8], data: { cycles: 4, failure: '' } }],
    },
    {
      name: 'four refreshes spread over four days',
      description: 'More than three in total, but never more than one a day: no loop.',
      log: cycle('2025-06-02', '10:00') + cycle('2025-06-03', '10:30') + cycle('2025-06-04', '11:00') + cycle('2025-06-05', '11:30'),
      errors: [{ messageId: 'refreshed', severity: 'info', count: 8 }],
    },
    {
      name: 'the session fails right after a refresh',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
        [2025-06-02 10:00:02Z INFO Runner] Runner configuration was refreshed, restarting session...
        [2025-06-02 10:00:03Z ERR  Terminal] WRITE ERROR: Failed to create session. Runner build-01 was not found in pool Default.
      `,
      errors: [{ messageId: 'followedByFailure', severity: 'warning', lines: [1, 2] }],
    },
    {
      name: 'a session failure days after a single refresh',
      description: 'Only a failure right after the refresh points at it.',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
        [2025-06-02 10:00:02Z INFO Runner] Runner configuration was refreshed, restarting session...
        [2025-06-05 08:00:00Z ERR  Terminal] WRITE ERROR: Failed to create session. Runner build-01 was not found in pool Default.
      `,
      errors: [{ messageId: 'refreshed', severity: 'info', lines: [1, 2] }],
    },
  ],
});

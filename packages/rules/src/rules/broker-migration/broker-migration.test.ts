import { RuleTester, log } from '../../testing/rule-tester.js';
import { corpusCase, testLogs } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './broker-migration.js';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'redirects with a job dispatched in between',
      description: 'A job arrived through the broker: the redirect is just how this runner polls now.',
      log: log`
        [2024-07-05 16:12:02Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:12:53Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:13:20Z INFO JobDispatcher] Job request 7320 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e14 received.
        [2024-07-05 16:13:43Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:14:33Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
      `,
    },
    {
      name: 'two redirects',
      description: 'A couple of redirects between jobs is the normal broker long poll.',
      log: log`
        [2024-07-05 16:12:02Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:12:53Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
      `,
    },
    {
      name: 'full-session: no migrated settings at startup',
      description: '"Failed to load migrated settings: No migrated configuration found." and "Falling back to original .runner settings" are logged at every v2.324.0+ start without a migration.',
      files: testLogs('full-session/_diag'),
    },
    {
      name: 'a session created with migrated settings',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Loaded migrated settings from .runner_migrated file
        [2025-06-02 10:00:00Z INFO Runner] Attempting to create session using migrated settings
        [2025-06-02 10:00:01Z INFO BrokerMessageListener] Session created.
        [2025-06-02 10:00:01Z INFO Runner] Successfully created session with migrated settings
      `,
    },
    {
      name: 'a routine config refresh verifying the runner id',
      description: '`Verifying runner qualified id:` is the normal first step of RunnerRefreshConfig (runner-config-refreshed).',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
        [2025-06-02 10:00:00Z INFO RunnerConfigUpdater] Verifying runner qualified id: 17
      `,
    },
  ],
  invalid: [
    {
      name: 'corpus 010: redirected on every poll, no job',
      files: corpusCase('010'),
      errors: [{ messageId: 'redirectLoop', severity: 'info', confidence: 'low', count: 6, evidence: ['Runner_20240705-161202-utc.log:4', 'Runner_20240705-161202-utc.log:7', 'Runner_20240705-161202-utc.log:11'] }],
    },
    {
      name: 'three redirects and no job',
      log: log`
        [2024-07-05 16:12:02Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:12:53Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:13:43Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
      `,
      errors: [{ messageId: 'redirectLoop', severity: 'info', count: 3, lines: [1, 2, 3] }],
    },
    {
      name: 'migrated settings fail and the runner falls back',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Loaded migrated settings from .runner_migrated file
        [2025-06-02 10:00:00Z INFO Runner] Attempting to create session using migrated settings
        [2025-06-02 10:00:31Z WARN BrokerMessageListener] Migrated settings retry 1 of 3
        [2025-06-02 10:01:02Z WARN BrokerMessageListener] Migrated settings retry 2 of 3
        [2025-06-02 10:01:33Z WARN BrokerMessageListener] Migrated settings retry 3 of 3
        [2025-06-02 10:01:33Z WARN BrokerMessageListener] Reached maximum retry attempts for migrated settings. Returning failure to try default settings.
        [2025-06-02 10:01:33Z WARN Runner] Failed to create session with migrated settings: Failure
        [2025-06-02 10:01:33Z INFO Runner] Falling back to original .runner settings
        [2025-06-02 10:01:34Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'migrationTrouble', severity: 'warning', confidence: 'medium', count: 5, lines: [3, 4, 5, 6, 7], data: { detail: 'Migrated settings retry' } }],
    },
    {
      name: 'one exception creating the session with migrated settings',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Attempting to create session using migrated settings
        [2025-06-02 10:00:01Z ERR  Runner] Exception when creating session with migrated settings: System.Exception: Failed to create broker session: Error: Unauthorized
        [2025-06-02 10:00:01Z INFO Runner] Falling back to original .runner settings
      `,
      errors: [{ messageId: 'migrationTrouble', severity: 'info', lines: [2] }],
    },
    {
      name: 'the refreshed config does not match the runner',
      log: log`
        [2025-06-02 10:00:00Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
        [2025-06-02 10:00:00Z ERR  RunnerConfigUpdater] Runner id in refreshed config '18' does not match the current runner '17'.
        [2025-06-02 10:00:00Z ERR  RunnerConfigUpdater] Failed to update runner 'runner' config.
      `,
      errors: [{ messageId: 'migrationTrouble', severity: 'info', count: 2, lines: [2, 3] }],
    },
    {
      name: 'broker errors after the redirect',
      log: log`
        [2024-07-05 16:12:02Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
        [2024-07-05 16:12:03Z ERR  MessageListener] Catch exception during get next message.
        [2024-07-05 16:12:03Z ERR  MessageListener] System.Net.Http.HttpRequestException: Connection refused (broker.actions.githubusercontent.com:443)
      `,
      errors: [{ messageId: 'brokerErrors', severity: 'warning', lines: [3] }],
    },
  ],
});

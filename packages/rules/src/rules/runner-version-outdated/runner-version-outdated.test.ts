import { RuleTester, log } from '../../testing/rule-tester.js';
import { corpusCase, testLogs } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './runner-version-outdated.js';

/*
 * Dates from src/versions/releases.ts: 2.300.0 (2022-12-14) was superseded by 2.300.1 on
 * 2022-12-19; 2.330.0 (2025-11-19) was the latest until 2.331.0 (2026-01-09).
 */

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the latest release at the time of the log',
      description: 'full-session runs 2.330.0 on 2025-12-09, the newest release then.',
      files: testLogs('full-session/_diag'),
    },
    {
      name: 'a Worker on a current version',
      description: 'The Worker only logs the "behind" line when there is a newer release; 2.322.0 was the latest on 2025-02-10.',
      fileName: 'Worker_20250210-101200-utc.log',
      log: log`
        [2025-02-10 10:12:00Z INFO Worker] Version: 2.322.0
        [2025-02-10 10:12:01Z INFO JobRunner] Job ID c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13
      `,
    },
    {
      name: 'a version newer than the release table',
      description: 'The bundled table cannot judge releases it does not know.',
      log: log`
        [2026-09-01 09:00:00Z INFO Listener] Version: 2.340.0
        [2026-09-01 09:00:02Z INFO MessageListener] Session created.
      `,
    },
    {
      name: 'corpus 012: 2.321.0 the day after its release',
      files: corpusCase('012'),
    },
    {
      name: 'superseded within the update window',
      description: '2.321.0 on 2025-02-05 was superseded 12 days earlier: an update is due, but within the 30-day window.',
      log: log`
        [2025-02-05 09:00:00Z INFO Listener] Version: 2.321.0
      `,
    },
    {
      name: 'the version check itself failed',
      description: '`Caught exception during runner version check` says nothing about the version.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:12:00Z WARN JobRunner] Caught exception during runner version check: System.Net.Http.HttpRequestException: Connection refused (api.github.com:443)
      `,
    },
  ],
  invalid: [
    {
      name: 'the Worker says the runner is behind (F06)',
      fileName: 'Worker_20230120-101200-utc.log',
      log: log`
        [2023-01-20 10:12:00Z INFO Worker] Version: 2.300.0
        [2023-01-20 10:12:04Z INFO JobRunner] Current runner version 2.300.0 is behind the latest runner version 2.301.1.
      `,
      errors: [{ messageId: 'behind', severity: 'info', confidence: 'high', lines: [2], data: { version: '2.300.0', how: 'behind', latest: '2.301.1' } }],
    },
    {
      name: 'way behind',
      fileName: 'Worker_20230601-080000-utc.log',
      log: log`
        [2023-06-01 08:00:04Z INFO JobRunner] Current runner version 2.300.0 is way behind the latest runner version 2.304.0.
      `,
      errors: [{ messageId: 'behind', lines: [1], data: { how: 'way behind', latest: '2.304.0' } }],
    },
    {
      name: 'past the update window by the release table',
      description: 'No "behind" line (auto-update on, or no job ran), but 2.300.0 in June 2023 had been superseded for months.',
      log: log`
        [2023-06-01 08:00:00Z INFO Listener] Version: 2.300.0
        [2023-06-01 08:00:02Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'policy', severity: 'info', confidence: 'medium', lines: [1], data: { version: '2.300.0', next: '2.300.1', nextDate: '2022-12-19', days: 164 } }],
    },
  ],
});

import { describe, expect, it } from '@jest/globals';
import { RuleTester, findingsOf, log } from '../../testing/rule-tester.js';
import { corpusCase } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './runner-version-deprecated.js';

/*
 * Dates from src/versions/releases.ts: 2.321.0 (2024-11-13) was superseded by 2.322.0 on
 * 2025-01-24; 2.323.0 followed on 2025-03-19. So in early February 2025 2.322.0 was the latest
 * release and 2.321.0 was within its 30-day window; by March 2025 2.321.0 was long overdue.
 */

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the Worker\'s outdated-version warning',
      description: '"Current runner version ... is behind the latest" is the precursor (runner-version-outdated, F06); the service did not refuse anything.',
      fileName: 'Worker_20230120-101200-utc.log',
      log: log`
        [2023-01-20 10:12:00Z INFO JobRunner] Current runner version 2.300.0 is behind the latest runner version 2.301.1.
      `,
    },
    {
      name: 'the --once deprecation notice',
      description: 'A deprecated command-line option is not a refused version.',
      log: log`
        [2025-03-04 10:00:00Z INFO Terminal] WRITE LINE: Warning: '--once' is going to be deprecated in the future, please consider using '--ephemeral' during runner registration.
      `,
    },
    {
      name: 'a Node.js deprecation annotation from a job',
      description: 'Deprecated action runtimes are the workflow\'s business.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:05:00Z WARN ExecutionContext] Node.js 16 actions are deprecated. Please update the following actions to use Node.js 20: actions/checkout@v3.
      `,
    },
    {
      name: 'a 403 for a policy',
      description: 'AccessDeniedException without the version text is token-expired-or-unauthorized (F11).',
      log: log`
        [2025-03-04 11:00:00Z ERR  GitHubActionsService] POST request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Forbidden
        [2025-03-04 11:00:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.AccessDeniedException: The runner group 'gpu' does not allow this repository.
      `,
    },
    {
      name: 'the runner announcing its version',
      log: log`
        [2025-03-04 10:00:02Z INFO Terminal] WRITE LINE: Current runner version: '2.321.0'
        [2025-03-04 10:00:02Z INFO Terminal] WRITE LINE: 2025-03-04 10:00:02Z: Listening for Jobs
      `,
    },
  ],
  invalid: [
    {
      name: 'corpus 014: v2.321.0 refused in March 2025',
      files: corpusCase('014'),
      errors: [{ messageId: 'old', severity: 'error', confidence: 'high', evidence: ['Runner_20250325-203945-utc.log:1'], data: { version: '2.321.0', next: '2.322.0', nextDate: '2025-01-24', days: 60 } }],
    },
    {
      name: 'v2.321.0 refused in March 2025, "occured" spelling (up to v2.332)',
      log: log`
        [2025-03-10 06:00:00Z ERR  GitHubActionsService] GET request to https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&status=Online&runnerVersion=2.321.0&os=Linux&architecture=X64&disableUpdate=true failed. HTTP Status: Forbidden
        [2025-03-10 06:00:00Z ERR  Terminal] WRITE ERROR: An error occured: Runner version v2.321.0 is deprecated and cannot receive messages.
        [2025-03-10 06:00:00Z ERR  Listener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.321.0 is deprecated and cannot receive messages.
           at GitHub.Runner.Listener.BrokerMessageListener.GetNextMessageAsync(CancellationToken token)
        [2025-03-10 06:00:01Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'old', severity: 'error', confidence: 'high', lines: [2, 3], data: { version: '2.321.0', next: '2.322.0', days: 45 } }],
    },
    {
      name: 'the latest release refused, "occurred" spelling',
      description: 'v2.322.0 was the newest release on 2025-02-10: a refusal then points to a service incident (spec F05, #3381, #4613).',
      log: log`
        [2025-02-10 14:30:00Z ERR  Terminal] WRITE ERROR: An error occurred: Runner version v2.322.0 is deprecated and cannot receive messages.
        [2025-02-10 14:30:00Z ERR  Listener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.322.0 is deprecated and cannot receive messages.
      `,
      errors: [{ messageId: 'recent', severity: 'error', confidence: 'medium', lines: [1, 2], data: { version: '2.322.0', standing: 'the latest release' } }],
    },
    {
      name: 'a version superseded only days before',
      description: 'v2.321.0 on 2025-02-05 had been superseded 12 days earlier, inside the 30-day window.',
      log: log`
        [2025-02-05 09:00:00Z ERR  Terminal] WRITE ERROR: An error occurred: Runner version v2.321.0 is deprecated and cannot receive messages.
      `,
      errors: [{ messageId: 'recent', confidence: 'medium', lines: [1], data: { standing: 'superseded only 12 days earlier, within the 30-day window' } }],
    },
    {
      name: 'a version newer than the release table',
      log: log`
        [2026-09-01 09:00:00Z ERR  Terminal] WRITE ERROR: An error occurred: Runner version v2.340.0 is deprecated and cannot receive messages.
      `,
      errors: [{ messageId: 'unknown', lines: [1], data: { version: '2.340.0' } }],
    },
    {
      name: 'the exception alone, before the console line existed in the excerpt',
      log: log`
        [2023-06-01 08:00:00Z ERR  GitHubActionsService] GET request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/messages?sessionId=3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8&status=Online&runnerVersion=2.300.0&os=Linux&architecture=X64&disableUpdate=true failed. HTTP Status: Forbidden
        [2023-06-01 08:00:00Z ERR  MessageListener] Catch exception during get next message.
        [2023-06-01 08:00:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.300.0 is deprecated and cannot receive messages.
      `,
      errors: [{ messageId: 'old', confidence: 'high', lines: [3], data: { version: '2.300.0', next: '2.300.1' } }],
    },
    {
      name: 'the older broker wording (#3381)',
      log: log`
        [2024-03-27 17:02:11Z ERR  BrokerServer] Catch exception during request
        [2024-03-27 17:02:11Z ERR  BrokerServer] System.Exception: Failed to get job message: Error: Forbidden Runner version v2.311.0 is deprecated and cannot receive messages.
      `,
      errors: [{ messageId: 'old', lines: [2], data: { version: '2.311.0', next: '2.312.0' } }],
    },
  ],
});

describe('runner-version-deprecated: evidence', () => {
  it('the Terminal statement is conclusive, the 403 is context', () => {
    const [f] = findingsOf(rule, {
      name: 'ctx',
      log: log`
        [2025-03-10 06:00:00Z ERR  Terminal] WRITE ERROR: An error occured: Runner version v2.321.0 is deprecated and cannot receive messages.
        [2025-03-10 06:00:00Z ERR  GitHubActionsService] GET request to https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&runnerVersion=2.321.0 failed. HTTP Status: Forbidden
      `,
    });
    expect(f?.conclusive).toBe(true);
    expect(f?.evidence.map((e) => `${e.role}:${e.line}`)).toEqual(['trigger:1', 'context:2']);
  });
});

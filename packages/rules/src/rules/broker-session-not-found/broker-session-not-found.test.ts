import { RuleTester, log } from '../../testing/rule-tester.js';
import { corpusCase } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './broker-session-not-found.js';

const BROKER_POLL =
  'https://broker.actions.githubusercontent.com/message?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&status=Online&runnerVersion=2.322.0&os=Linux&architecture=X64&disableUpdate=false';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a 404 on the poll that the runner itself explains as its registration being gone (v2.336)',
      description: 'The runner says the registration no longer exists and cleans up: runner-deleted-on-server, not a lost session.',
      log: log`
        [2026-02-10 11:52:33Z ERR  GitHubActionsService] GET request to https://broker.actions.githubusercontent.com/message?sessionId=e04b7a29-1c8d-4f63-9a5e-7d21c0f9b381&status=Online&runnerVersion=2.336.0&os=Linux&architecture=X64&disableUpdate=false failed. HTTP Status: NotFound
        [2026-02-10 11:52:33Z INFO Runner] Runner registration no longer exists while retrieving messages. Runner 'gpu-build-03' not found.
        [2026-02-10 11:52:33Z ERR  Terminal] WRITE ERROR: The runner no longer exists on the server. Cleaning up local configuration.
      `,
    },
    {
      name: 'a 404 on a job request',
      description: 'Only the message poll (`/message?sessionId=`, `/messages?sessionId=`) concerns the session.',
      log: log`
        [2025-03-04 10:12:08Z ERR  GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/7319?lockToken=00000000-0000-0000-0000-000000000000 failed. HTTP Status: NotFound
      `,
    },
    {
      name: 'a 404 acknowledging a job on the broker',
      description: 'The broker host alone is not enough: `/acknowledge` is a job, not the session.',
      log: log`
        [2025-03-04 10:12:08Z ERR  GitHubActionsService] POST request to https://broker.actions.githubusercontent.com/acknowledge?sessionId=0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7&runnerVersion=2.322.0 failed. HTTP Status: NotFound
      `,
    },
    {
      name: 'a job already taken by another runner (F17)',
      description: '"Job message not found" from the Run Service is a normal race; the runner skips the job.',
      log: log`
        [2025-03-04 10:12:08Z INFO Runner] Skipping message Job. Job message not found '9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58'.
        [2025-03-04 10:12:08Z WARN ErrorThrottler] Back off 1.09 seconds before next attempt. Current consecutive error count: 1
      `,
    },
    {
      name: 'a 404 for an action download in a Worker log',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:05:00Z ERR  GitHubActionsService] GET request to https://api.github.com/repos/acme/missing-action/tarball/v1 failed. HTTP Status: NotFound
      `,
    },
    {
      name: 'the runner itself is gone (RunnerNotFoundException)',
      description: 'The broker answers the poll with 404 and error kind RunnerNotFound: the exception says why, and runner-deleted-on-server (F04) owns it.',
      log: log`
        [2024-11-14 19:23:32Z ERR  GitHubActionsService] GET request to ${BROKER_POLL} failed. HTTP Status: NotFound
        [2024-11-14 19:23:32Z ERR  Terminal] WRITE ERROR: An error occurred: Runner arc-runner-7x2kq not found.
        [2024-11-14 19:23:32Z ERR  Listener] GitHub.Services.WebApi.RunnerNotFoundException: Runner arc-runner-7x2kq not found.
        [2024-11-14 19:23:33Z INFO Listener] Runner execution has finished with return code 1
      `,
    },
    {
      name: 'a poll answered 503',
      description: 'A server error on the poll is service-unavailable.',
      log: log`
        [2024-11-14 19:23:32Z ERR  GitHubActionsService] GET request to ${BROKER_POLL} failed. HTTP Status: ServiceUnavailable
      `,
    },
  ],
  invalid: [
    {
      name: 'corpus 012: the broker answers 404 for the session',
      files: corpusCase('012'),
      errors: [{ messageId: 'notFound', severity: 'error', confidence: 'medium', count: 1, evidence: ['Runner_20241114-192331-utc.log:6'] }],
    },
    {
      name: 'two 404s, then polling works again',
      log: log`
        [2024-11-14 19:23:32Z ERR  GitHubActionsService] GET request to ${BROKER_POLL} failed. HTTP Status: NotFound
        [2024-11-14 19:23:32Z ERR  BrokerServer] Catch exception during request
        [2024-11-14 19:23:32Z ERR  BrokerServer] System.Exception: Failed to get job message. Request to https://broker.actions.githubusercontent.com/message failed with status: NotFound. Error message Error: Not Found
        [2024-11-14 19:23:32Z WARN BrokerServer] Back off 7.412 seconds before next retry. 4 attempt left.
        [2024-11-14 19:23:40Z ERR  GitHubActionsService] GET request to ${BROKER_POLL} failed. HTTP Status: NotFound
        [2024-11-14 19:24:31Z INFO BrokerMessageListener] Message '15' received from session '0b9c6f3e-2f1d-4c55-8a8e-51c1f0a5d2b7'.
      `,
      errors: [{ messageId: 'notFound', severity: 'warning', confidence: 'high', count: 3, lines: [1, 3, 5] }],
    },
    {
      name: 'the v1 message queue 404',
      log: log`
        [2024-02-02 03:10:00Z ERR  GitHubActionsService] GET request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/messages?sessionId=3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8&lastMessageId=12&status=Online failed. HTTP Status: NotFound
      `,
      errors: [{ messageId: 'notFound', severity: 'error', lines: [1], data: { how: 'HTTP 404 on the message poll' } }],
    },
    {
      name: 'session expired and recovered by recreating it (F13)',
      log: log`
        [2024-02-02 03:10:00Z ERR  MessageListener] Catch exception during get next message.
        [2024-02-02 03:10:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionExpiredException: The session 3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8 has expired.
        [2024-02-02 03:10:01Z INFO MessageListener] Session created.
        [2024-02-02 03:10:01Z INFO MessageListener] TaskAgentSessionExpiredException received, recovered by recreate session.
      `,
      errors: [{ messageId: 'notFound', severity: 'warning', confidence: 'medium', lines: [2], data: { how: 'TaskAgentSessionExpiredException', outcome: 'the runner recreated the session' } }],
    },
  ],
});

import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './session-conflict.js';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a 409 on a job request is not a session conflict',
      description: 'Only POST .../sessions answered with Conflict concerns the session.',
      log: log`
        [2024-11-21 14:05:48Z ERR  GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/1/jobrequests/42 failed. HTTP Status: Conflict
        [2024-11-21 14:05:49Z INFO MessageListener] Session created.
      `,
    },
    {
      name: 'a session created without conflict',
      log: log`
        [2024-11-21 14:05:48Z INFO MessageListener] Attempt to create session.
        [2024-11-21 14:05:48Z INFO MessageListener] Session created.
      `,
    },
  ],
  invalid: [
    {
      name: 'conflict exception with its POST 409',
      log: log`
        [2024-11-21 14:05:48Z ERR  GitHubActionsService] POST request to https://pipelinesghubeus7.actions.githubusercontent.com/x/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Conflict
        [2024-11-21 14:05:48Z ERR  MessageListener] Catch exception during create session.
        [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
      `,
      errors: [{ messageId: 'conflict', lines: [3], severity: 'error', confidence: 'medium' }],
    },
    {
      name: 'retry limit reached and exit code 5',
      log: log`
        [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        [2024-11-21 14:05:48Z INFO MessageListener] The session for this runner already exists.
        [2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
        [2024-11-21 14:05:48Z INFO MessageListener] Sleeping for 30 seconds before retrying.
        [2024-11-21 14:09:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        [2024-11-21 14:09:48Z INFO MessageListener] The session conflict exception have reached retry limit.
        [2024-11-21 14:09:48Z ERR  Terminal] WRITE ERROR: Stop retry on SessionConflictException after retried for 240 seconds.
        [2024-11-21 14:09:48Z ERR  Terminal] WRITE ERROR: Failed to create session. The actions runner build-01 already has an active session.
        [2024-11-21 14:09:49Z INFO Listener] Runner execution has finished with return code 5
      `,
      errors: [{ messageId: 'conflict', severity: 'error', confidence: 'high', lines: [1, 3, 5, 7, 8, 9] }],
    },
    {
      name: 'before v2.316 a conflict that gives up exits 1; the run.sh console says so in words',
      fileName: 'run-output.txt',
      log: log`
        2023-11-30 09:17:40Z: Listening for Jobs
        A session for this runner already exists.
        Runner listener exit with terminated error, stop the service, no retry needed.
      `,
      errors: [{ messageId: 'conflict', severity: 'error', confidence: 'high', lines: [2, 3] }],
    },
    {
      name: 'an exit 1 after the conflict cleared is not the conflict giving up',
      log: log`
        [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        [2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
        [2024-11-21 14:06:18Z INFO MessageListener] Session created.
        [2024-11-21 15:00:00Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'conflict', severity: 'warning', lines: [1, 2] }],
    },
    {
      name: 'the Azure Pipelines agent wording',
      fileName: 'Agent_20180717-191125-utc.log',
      log: log`
        [2018-07-17 19:11:33Z ERR  VisualStudioServices] POST request to https://example.visualstudio.com/_apis/distributedtask/pools/20/sessions failed. HTTP Status: Conflict
        [2018-07-17 19:11:33Z ERR  MessageListener] Microsoft.TeamFoundation.DistributedTask.WebApi.TaskAgentSessionConflictException: The task agent HOST-1 already has an active session for owner HOST-1.
        [2018-07-17 19:11:34Z ERR  Terminal] WRITE ERROR: A session for this agent already exists.
      `,
      errors: [{ messageId: 'conflict', lines: [2, 3] }],
    },
    {
      name: 'a conflict that clears when the stale session expires',
      log: log`
        [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        [2024-11-21 14:06:18Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        [2024-11-21 14:06:48Z INFO MessageListener] Session created.
      `,
      errors: [{ messageId: 'conflict', severity: 'warning', count: 2 }],
    },
    {
      name: 'two listeners writing at once',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:00:00Z INFO HostContext] Well known directory 'Root': '/home/ci/a'
          [2024-11-21 14:00:01Z INFO MessageListener] Session created.
          [2024-11-21 14:30:00Z INFO MessageListener] No message retrieved from session 'a' within last 30 minutes.
        `,
        'Runner_20241121-140500-utc.log': log`
          [2024-11-21 14:05:00Z INFO HostContext] Well known directory 'Root': '/home/ci/b'
          [2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner build-01 already has an active session.
        `,
      },
      errors: [
        { messageId: 'conflict', evidence: ['Runner_20241121-140500-utc.log:2'] },
        { messageId: 'duplicate' },
      ],
    },
  ],
});

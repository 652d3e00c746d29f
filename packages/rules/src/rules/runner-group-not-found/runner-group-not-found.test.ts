import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './runner-group-not-found.js';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the group was found at configuration',
      log: log`
        [2025-03-04 10:00:00Z INFO ConfigurationManager] Found a self-hosted runner group with id 3 and name gpu
        [2025-03-04 10:00:01Z INFO Terminal] WRITE LINE: √ Runner successfully added
      `,
    },
    {
      name: 'the runner not found',
      description: 'TaskAgentNotFoundException is the runner registration (runner-deleted-on-server), not its group.',
      log: log`
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentNotFoundException: Runner build-01 was not found in pool Default.
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: The runner no longer exists on the server. Please reconfigure the runner.
      `,
    },
    {
      name: 'a policy refusal naming the group',
      description: 'A group that exists but does not allow the repository is a 403 (token-expired-or-unauthorized, F11).',
      log: log`
        [2025-03-04 11:00:00Z ERR  MessageListener] GitHub.DistributedTask.WebApi.AccessDeniedException: The runner group 'gpu' does not allow this repository.
      `,
    },
  ],
  invalid: [
    {
      name: 'the pool is gone at session creation (F12)',
      log: log`
        [2025-03-04 10:00:01Z ERR  GitHubActionsService] POST request to https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/pools/3/sessions failed. HTTP Status: NotFound
        [2025-03-04 10:00:01Z ERR  MessageListener] Catch exception during create session.
        [2025-03-04 10:00:01Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentPoolNotFoundException: No agent pool found with identifier 3.
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        [2025-03-04 10:00:01Z INFO MessageListener] Non-retriable exception: No agent pool found with identifier 3.
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: Failed to create session. No agent pool found with identifier 3.
        [2025-03-04 10:00:02Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [{ messageId: 'missing', severity: 'error', confidence: 'high', count: 1, lines: [3] }],
    },
    {
      name: 'config.sh names a group that does not exist',
      log: log`
        [2025-03-04 10:00:00Z INFO CommandSettings] Arg 'runnergroup': 'gpu'
        [2025-03-04 10:00:01Z ERR  Runner] GitHub.DistributedTask.WebApi.TaskAgentPoolNotFoundException: Could not find any self-hosted runner group named "gpu".
           at GitHub.Runner.Listener.Configuration.ConfigurationManager.ConfigureAsync(CommandSettings command)
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: Could not find any self-hosted runner group named "gpu".
      `,
      errors: [{ messageId: 'missing', severity: 'error', lines: [2, 4], data: { detail: 'GitHub.DistributedTask.WebApi.TaskAgentPoolNotFoundException: Could not find any self-hosted runner group named "gpu".' } }],
    },
    {
      name: 'no self-hosted runner group at all',
      log: log`
        [2025-03-04 10:00:01Z ERR  Terminal] WRITE ERROR: Could not find any self-hosted runner groups. Contact support.
      `,
      errors: [{ messageId: 'missing', lines: [1] }],
    },
  ],
});

import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './action-download-failed.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';
const CHECKOUT = 'https://api.github.com/repos/actions/checkout/tarball/11bd71901bbe5b1630ceea73d27597364c9af683';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'Both actions of the healthy job were saved and extracted ("Finished getting action repository.").',
      files: fullSession,
    },
    {
      name: 'a step that ran and failed on its own',
      description: 'The actions downloaded fine; a script step exiting 1 is the workload, not an action download.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z INFO ActionManager] Save archive '${CHECKOUT}' into /home/ci/actions-runner/_work/_actions/_temp_5a1b/5a1b.tar.gz.
        [2024-11-21 14:05:09Z INFO ActionManager] Request URL: ${CHECKOUT} X-GitHub-Request-Id: C0A8:3E1F:7A21B4:9F0C3D:6937F0AB Http Status: OK
        [2024-11-21 14:05:10Z INFO ActionManager] Finished getting action repository.
        [2024-11-21 14:05:12Z INFO StepsRunner] Processing step: DisplayName='Run make test'
        [2024-11-21 14:05:40Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 2, and elapsed time 00:00:28.1000000.
        [2024-11-21 14:05:40Z INFO StepsRunner] Step result: Failed
        [2024-11-21 14:05:40Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "run",
          "result": "failed",
          "errorMessages": [ "Process completed with exit code 2." ]
        }.
      `,
    },
    {
      name: 'the self-updater failing to extract its package',
      description: 'SelfUpdater says "Can\'t use \'tar -xzf\' to extract archive file" about the runner package, not an action.',
      log: log`
        [2024-11-21 14:05:48Z ERR  SelfUpdater] System.NotSupportedException: Can't use 'tar -xzf' to extract archive file: /home/ci/actions-runner/_work/_update/runner.tar.gz. return code: 2.
           at GitHub.Runner.Listener.SelfUpdater.ExtractRunnerPackage(String archiveFile, String extractDirectory, CancellationToken token)
      `,
    },
    {
      name: 'the Listener refused for a deprecated version',
      description: 'AccessDeniedException on the Listener is the runner version being refused, not "Access denied to \'<url>\'" for an action.',
      log: log`
        [2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR: An error occurred: Runner version v2.300.0 is deprecated and cannot receive messages.
        [2024-11-21 14:05:48Z ERR  Listener] GitHub.DistributedTask.WebApi.AccessDeniedException: Runner version v2.300.0 is deprecated and cannot receive messages.
           at GitHub.Runner.Listener.MessageListener.GetNextMessageAsync(CancellationToken token)
      `,
    },
    {
      name: 'job initialization failing on something else',
      description: 'JobExtension Initialization also fails for container policy; without an action signature it is not an action download.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z ERR  JobExtension] Caught exception from JobExtension Initialization: System.ArgumentException: Jobs without a job container are forbidden on this runner, please add a 'container:' to your job or contact your self-hosted runner administrator.
           at GitHub.Runner.Worker.JobExtension.InitializeJob(IExecutionContext jobContext, AgentJobRequestMessage message)
        [2024-11-21 14:05:09Z ERR  JobRunner] Job initialize failed.
      `,
    },
    {
      name: 'a denied path is not a denied action',
      description: 'UnauthorizedAccessException "Access to the path ... is denied" is a file permission problem.',
      fileName: WORKER,
      log: log`
        [2020-06-09 15:08:34Z ERR  TempDirectoryManager] System.UnauthorizedAccessException: Access to the path '/opt/actions-runner/_work/_temp/_github_home/.kube' is denied.
         ---> System.IO.IOException: Permission denied
      `,
    },
  ],
  invalid: [
    {
      name: 'three failed attempts on a refused connection',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z INFO JobExtension] Downloading actions
        [2024-11-21 14:05:09Z INFO ActionManager] Save archive '${CHECKOUT}' into /home/ci/actions-runner/_work/_actions/_temp_5a1b/5a1b.tar.gz.
        [2024-11-21 14:05:09Z ERR  ActionManager] Fail to download archive '${CHECKOUT}' -- Attempt: 1
        [2024-11-21 14:05:09Z ERR  ActionManager] System.Net.Http.HttpRequestException: Connection refused (api.github.com:443)
         ---> System.Net.Sockets.SocketException (111): Connection refused
           at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
        [2024-11-21 14:05:31Z ERR  ActionManager] Fail to download archive '${CHECKOUT}' -- Attempt: 2
        [2024-11-21 14:05:31Z ERR  ActionManager] System.Net.Http.HttpRequestException: Connection refused (api.github.com:443)
           at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
        [2024-11-21 14:05:55Z ERR  ActionManager] Failed to download archive '${CHECKOUT}' after 3 attempts.
        [2024-11-21 14:05:55Z ERR  ActionManager] System.Net.Http.HttpRequestException: Connection refused (api.github.com:443)
           at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
        [2024-11-21 14:05:55Z ERR  ActionManager] Caught exception from PrepareActionsAsync Initialization: GitHub.Runner.Worker.FailedToDownloadActionException: Failed to download archive '${CHECKOUT}' after 3 attempts.
         ---> System.Net.Http.HttpRequestException: Connection refused (api.github.com:443)
        [2024-11-21 14:05:55Z ERR  JobExtension] Caught exception from JobExtension Initialization: GitHub.Runner.Worker.FailedToDownloadActionException: Failed to download archive '${CHECKOUT}' after 3 attempts.
        [2024-11-21 14:05:55Z ERR  JobRunner] Job initialize failed.
        [2024-11-21 14:05:55Z INFO JobRunner] Job result after all job steps finish: Failed
      `,
      errors: [
        {
          messageId: 'failed',
          lines: [3, 7, 10, 13, 15],
          severity: 'error',
          confidence: 'high',
          count: 1,
          message:
            "The job could not get the action(s) 'actions/checkout@11bd719': the download failed after 3 attempts: the connection was refused or reset. The job failed in \"Set up job\" before its steps ran (1 job(s), 2024-11-21T14:05:09Z to 2024-11-21T14:05:55Z).",
        },
      ],
    },
    {
      name: 'the action does not exist (404)',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z INFO ActionManager] Save archive 'https://api.github.com/repos/acme/setup-tool/tarball/v9' into /home/ci/actions-runner/_work/_actions/_temp_77aa/77aa.tar.gz.
        [2024-11-21 14:05:09Z INFO ActionManager] Request URL: https://api.github.com/repos/acme/setup-tool/tarball/v9 X-GitHub-Request-Id: C0A8:3E1F:7A21B4:9F0C3D:6937F0AB Http Status: NotFound
        [2024-11-21 14:05:09Z INFO ActionManager] The action at 'https://api.github.com/repos/acme/setup-tool/tarball/v9' does not exist
        [2024-11-21 14:05:09Z ERR  ActionManager] Failed to download archive 'https://api.github.com/repos/acme/setup-tool/tarball/v9' after 1 attempts.
        [2024-11-21 14:05:09Z ERR  ActionManager] GitHub.Runner.Worker.ActionNotFoundException: An action could not be found at the URI 'https://api.github.com/repos/acme/setup-tool/tarball/v9' (C0A8:3E1F:7A21B4:9F0C3D:6937F0AB)
           at GitHub.Runner.Worker.ActionManager.DownloadRepositoryArchive(IExecutionContext executionContext, String downloadUrl, String downloadAuthToken, String archiveFile)
      `,
      errors: [{ messageId: 'failed', lines: [3, 4, 5], severity: 'error', data: { actions: "'acme/setup-tool@v9'" } }],
    },
    {
      name: 'a private action the job may not read (403)',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z INFO ActionManager] Access denied to 'https://api.github.com/repos/acme/private-action/tarball/v1'
        [2024-11-21 14:05:09Z ERR  JobExtension] Caught exception from JobExtension Initialization: GitHub.DistributedTask.WebApi.AccessDeniedException: Access denied to 'https://api.github.com/repos/acme/private-action/tarball/v1' (C0A8:3E1F:7A21B4:9F0C3D:6937F0AB)
           at GitHub.Runner.Worker.ActionManager.DownloadRepositoryArchive(IExecutionContext executionContext, String downloadUrl, String downloadAuthToken, String archiveFile)
        [2024-11-21 14:05:09Z ERR  JobRunner] Job initialize failed.
      `,
      errors: [{ messageId: 'failed', lines: [1, 2], data: { actions: "'acme/private-action@v1'" } }],
    },
    {
      name: 'the service cannot resolve the download info',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:30Z ERR  ActionManager] Caught exception from PrepareActionsAsync Initialization: GitHub.DistributedTask.WebApi.FailedToResolveActionDownloadInfoException: Failed to resolve action download info.
         ---> GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
        [2024-11-21 14:05:30Z ERR  JobExtension] Caught exception from JobExtension Initialization: GitHub.DistributedTask.WebApi.FailedToResolveActionDownloadInfoException: Failed to resolve action download info.
      `,
      errors: [{ messageId: 'failed', lines: [1, 3], data: { actions: '(not named in the log)' } }],
    },
    {
      name: 'a corrupt archive (a proxy answered with HTML)',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:30Z ERR  ActionManager] Caught exception from PrepareActionsAsync Initialization: GitHub.Runner.Worker.InvalidActionArchiveException: Can't use 'tar -xzf' extract archive file: /home/ci/actions-runner/_work/_actions/_temp_9c/9c.tar.gz (SHA256 'e3b0c442', size '5120' bytes, tar outputs 'gzip: stdin: not in gzip format'). Action being checked out: actions/setup-node@v4. return code: 2.
      `,
      errors: [{ messageId: 'failed', lines: [1], data: { actions: "'actions/setup-node@v4'" } }],
    },
    {
      name: 'a local action used before checkout',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:12Z INFO StepsRunner] Processing step: DisplayName='Run ./.github/actions/build'
        [2024-11-21 14:05:12Z ERR  StepsRunner] Caught exception from step: System.NotSupportedException: Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '/home/ci/actions-runner/_work/widgets/widgets/.github/actions/build'. Did you forget to run actions/checkout before running your local action?
        [2024-11-21 14:05:12Z INFO StepsRunner] Step result: Failed
      `,
      errors: [
        {
          messageId: 'failed',
          lines: [2],
          data: { actions: "'/home/ci/actions-runner/_work/widgets/widgets/.github/actions/build'", impact: 'The step that uses it failed' },
        },
      ],
    },
    {
      name: 'a flaky download that succeeded on the second attempt',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:09Z ERR  ActionManager] Fail to download archive '${CHECKOUT}' -- Attempt: 1
        [2024-11-21 14:05:09Z ERR  ActionManager] System.Net.Http.HttpRequestException: Name or service not known (api.github.com:443)
        [2024-11-21 14:05:31Z INFO ActionManager] Request URL: ${CHECKOUT} X-GitHub-Request-Id: C0A8:3E1F:7A21B4:9F0C3D:6937F0AB Http Status: OK
        [2024-11-21 14:05:32Z INFO ActionManager] Finished getting action repository.
      `,
      errors: [{ messageId: 'retried', lines: [1], severity: 'warning', confidence: 'high', count: 1 }],
    },
  ],
});

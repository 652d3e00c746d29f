import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './container-setup-failed.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'The healthy job runs no containers at all.',
      files: fullSession,
    },
    {
      name: 'containers initialized fine',
      description: '"Initialize containers" succeeded: the docker commands and container names are normal INFO lines.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container name: 3f1c9a7e2b4d4e6f8a0bc1d2e3f4a5b6_node20bookworm_9d1e2f
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container image: node:20-bookworm
        [2024-11-21 14:05:21Z INFO ProcessInvokerWrapper] Finished process 5151 with exit code 0, and elapsed time 00:00:15.2000000.
        [2024-11-21 14:05:22Z INFO StepsRunner] Step result: Succeeded
      `,
    },
    {
      name: 'docker looked up but not required',
      description: 'WhichUtil traces "docker: command not found" at INFO when docker is optional; only a thrown FileNotFoundException fails a job.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO JobExtension] docker: command not found. Make sure 'docker' is installed and its location included in the 'PATH' environment variable.
        [2024-11-21 14:05:06Z INFO JobRunner] Run all job steps.
      `,
    },
    {
      name: 'a container action that ran and failed on its own',
      description: 'The container action started and its process exited 1: that is the workload, not container setup.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:12Z INFO StepsRunner] Processing step: DisplayName='Run docker://alpine:3.19'
        [2024-11-21 14:05:14Z INFO ProcessInvokerWrapper] Finished process 6161 with exit code 1, and elapsed time 00:00:02.1000000.
        [2024-11-21 14:05:14Z INFO StepsRunner] Step result: Failed
        [2024-11-21 14:05:14Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "docker://alpine:3.19",
          "type": "docker",
          "result": "failed",
          "errorMessages": [ "Error: 3 tests failed" ]
        }.
      `,
    },
  ],
  invalid: [
    {
      name: 'the job image cannot be pulled',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container name: 3f1c9a7e2b4d4e6f8a0bc1d2e3f4a5b6_ghcrioacmebuildenv202411_9d1e2f
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container image: ghcr.io/acme/build-env:2024.11
        [2024-11-21 14:06:02Z ERR  StepsRunner] Caught exception from step: System.InvalidOperationException: Docker pull failed with exit code 1
           at GitHub.Runner.Worker.ContainerOperationProvider.StartContainerAsync(IExecutionContext executionContext, ContainerInfo container)
           at GitHub.Runner.Worker.ContainerOperationProvider.StartContainersAsync(IExecutionContext executionContext, Object data)
        [2024-11-21 14:06:02Z INFO StepsRunner] Step result: Failed
      `,
      errors: [
        {
          messageId: 'failed',
          lines: [4],
          severity: 'error',
          confidence: 'high',
          message:
            "Container setup failed in the \"Initialize containers\" step: pulling an image failed (exit code 1) (image 'ghcr.io/acme/build-env:2024.11'). 1 job(s) failed this way (2024-11-21T14:06:02Z to 2024-11-21T14:06:02Z).",
        },
      ],
    },
    {
      name: 'docker is not installed',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z ERR  StepsRunner] Caught exception from step: System.IO.FileNotFoundException: docker: command not found
        File name: 'docker'
           at GitHub.Runner.Sdk.WhichUtil.Which(String command, Boolean require, ITraceWriter trace, String prependPath)
        [2024-11-21 14:05:05Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [2], data: { reason: "docker is not installed or not on the runner service's PATH" } }],
    },
    {
      name: 'a service container fails its health check',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container image: postgres:16
        [2024-11-21 14:07:40Z ERR  StepsRunner] Caught exception from step: System.InvalidOperationException: One or more containers failed to start.
           at GitHub.Runner.Worker.ContainerOperationProvider.StartContainersAsync(IExecutionContext executionContext, Object data)
        [2024-11-21 14:07:40Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [3], data: { image: " (image 'postgres:16')" } }],
    },
    {
      name: 'registry login refused',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:20Z ERR  StepsRunner] Caught exception from step: System.InvalidOperationException: Docker login for 'ghcr.io' failed with exit code 1
        [2024-11-21 14:05:20Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [2], data: { detail: " (registry 'ghcr.io', exit code 1)" } }],
    },
    {
      name: 'the runner itself runs in a container',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z ERR  StepsRunner] Caught exception from step: System.NotSupportedException: Container feature is not supported when runner is already running inside container.
        [2024-11-21 14:05:05Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [2] }],
    },
    {
      name: 'the runner requires a job container',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:04Z ERR  JobExtension] Caught exception from JobExtension Initialization: System.ArgumentException: Jobs without a job container are forbidden on this runner, please add a 'container:' to your job or contact your self-hosted runner administrator.
           at GitHub.Runner.Worker.JobExtension.InitializeJob(IExecutionContext jobContext, AgentJobRequestMessage message)
        [2024-11-21 14:05:04Z ERR  JobRunner] Job initialize failed.
      `,
      errors: [{ messageId: 'failed', lines: [1], data: { where: ' while initializing the job' } }],
    },
    {
      name: 'container hooks fail',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:09Z ERR  StepsRunner] Caught exception from step: System.Exception: Executing the custom container implementation failed. Please contact your self hosted runner administrator.
         ---> System.Exception: The hook script at '/home/runner/k8s/index.js' running command 'PrepareJob' did not execute successfully
        [2024-11-21 14:05:09Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [2] }],
    },
    {
      name: 'the docker engine is too old',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z ERR  StepsRunner] Caught exception from step: System.NotSupportedException: Min required docker engine API server version is '1.35', your docker ('/usr/bin/docker') server version is '1.24'
        [2024-11-21 14:05:05Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'failed', lines: [2], data: { detail: ' (required API 1.35, installed 1.24)' } }],
    },
    {
      name: 'the container step failed without a known error',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
        [2024-11-21 14:05:05Z INFO ContainerOperationProvider] Container image: mcr.microsoft.com/dotnet/sdk:8.0
        [2024-11-21 14:05:30Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'stepFailed', lines: [3], severity: 'error', confidence: 'medium' }],
    },
  ],
});

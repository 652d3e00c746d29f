import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './disk-full.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'A healthy runner with one successful job and a recovered 503 outage has no disk trouble.',
      files: fullSession,
    },
    {
      name: 'an IOException that is a proxy closing the connection',
      description: 'System.IO.IOException also carries network failures ("The response ended prematurely"); only disk texts count.',
      log: log`
        [2024-05-31 09:03:16Z ERR  ConfigurationManager] Failed to get tenant credentials -- Attempt: 1
        [2024-05-31 09:03:16Z ERR  ConfigurationManager] System.Net.Http.HttpRequestException: An error occurred while sending the request.
         ---> System.IO.IOException: The response ended prematurely.
           at System.Net.Http.HttpConnection.SendAsyncCore(HttpRequestMessage request, Boolean async, CancellationToken cancellationToken)
      `,
    },
    {
      name: 'a crashed worker whose IOException is a broken pipe',
      description: 'Without the Listener\'s "due to IOException" verdict, an IOException that is a network error in the worker output is not a full disk.',
      log: log`
        [2024-11-21 14:06:31Z INFO JobDispatcher] Worker finished for job 7c9d0e42-1b2c-4d5e-8f90-a1b2c3d4e5f6. Code: 1
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception. System.IO.IOException: Broken pipe
           at System.IO.Pipes.PipeStream.WriteCore(ReadOnlySpan\`1 buffer)
      `,
    },
    {
      name: 'the low-disk check switched off',
      description: '"Low diskspace warning is not enabled." only says the server sent no threshold.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:01Z INFO JobExtension] Low diskspace warning is not enabled.
        [2024-11-21 14:05:02Z INFO JobRunner] Total job steps: 2.
      `,
    },
    {
      name: 'a step whose script mentions the text',
      description: 'Step names and command lines (INFO records) can contain anything; they are not the OS reporting a full disk.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Run grep -c "No space left on device" build.log'
        [2024-11-21 14:05:05Z INFO ProcessInvokerWrapper]   Arguments: '-c "grep -c \"No space left on device\" build.log"'
        [2024-11-21 14:05:06Z INFO StepsRunner] Step result: Succeeded
      `,
    },
  ],
  invalid: [
    {
      name: 'a step fails writing to a full disk',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:05Z INFO StepsRunner] Processing step: DisplayName='Run npm ci'
        [2024-11-21 14:05:48Z ERR  StepsRunner] Caught exception from step: System.IO.IOException: No space left on device : '/home/ci/actions-runner/_work/_temp/3f1c9a7e-2b4d-4e6f-8a0b-c1d2e3f4a5b6.sh'
           at System.IO.RandomAccess.WriteAtOffset(SafeFileHandle handle, ReadOnlySpan\`1 buffer, Int64 fileOffset)
        [2024-11-21 14:05:48Z INFO StepsRunner] Step result: Failed
      `,
      errors: [{ messageId: 'diskFull', lines: [2], severity: 'error', confidence: 'high', count: 1 }],
    },
    {
      name: 'the Listener fails the job after the worker crashed on a full disk',
      log: log`
        [2024-11-21 14:06:31Z INFO JobDispatcher] Worker finished for job 7c9d0e42-1b2c-4d5e-8f90-a1b2c3d4e5f6. Code: 1
        [2024-11-21 14:06:31Z INFO JobDispatcher] Return code 1 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
        [2024-11-21 14:06:31Z INFO JobDispatcher] Finish job with result 'Failed' due to IOException.
        [2024-11-21 14:06:32Z INFO JobDispatcher] finish job request for job 7c9d0e42-1b2c-4d5e-8f90-a1b2c3d4e5f6 with result: Failed
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception. System.IO.IOException: No space left on device : '/home/ci/actions-runner/_diag/Worker_20241121-140500-utc.log'
           at System.IO.RandomAccess.WriteAtOffset(SafeFileHandle handle, ReadOnlySpan\`1 buffer, Int64 fileOffset)
      `,
      errors: [{ messageId: 'diskFull', lines: [3, 5], severity: 'error', confidence: 'high' }],
    },
    {
      name: 'an IOException crash without the free space stated',
      log: log`
        [2024-11-21 14:06:31Z INFO JobDispatcher] Worker finished for job 7c9d0e42-1b2c-4d5e-8f90-a1b2c3d4e5f6. Code: 1
        [2024-11-21 14:06:31Z INFO JobDispatcher] Finish job with result 'Failed' due to IOException.
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception happened in worker:
        [2024-11-21 14:06:32Z ERR  JobDispatcher] Unhandled exception. System.IO.IOException: Input/output error
           at Microsoft.Win32.SafeHandles.SafeFileHandle.Init(String path, FileMode mode)
      `,
      errors: [{ messageId: 'ioCrash', lines: [2, 3], severity: 'error', confidence: 'medium', count: 1 }],
    },
    {
      name: 'Windows wording in an exception',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:48Z ERR  JobServerQueue] System.IO.IOException: There is not enough space on the disk. : 'C:\\actions-runner\\_diag\\pages\\a1b2_c3d4_1.log'
           at System.IO.Strategies.BufferedFileStreamStrategy.FlushWrite()
      `,
      errors: [{ messageId: 'diskFull', lines: [1] }],
    },
    {
      name: 'the early warning in the Set up job telemetry',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:03Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "setup_job",
          "type": "runner",
          "stage": "Pre",
          "stepId": "0d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6",
          "result": "succeeded",
          "errorMessages": [
            "You are running out of disk space. The runner will stop working when the machine runs out of disk space. Free space left: 87 MB"
          ],
          "executionTimeInSeconds": 2
        }.
      `,
      errors: [{ messageId: 'lowDisk', lines: [1], severity: 'warning', data: { free: '87 MB' } }],
    },
    {
      name: 'the early warning in a step log page',
      fileName: 'pages/7a41c0de-93b2-4f1e-8d6a-2c5e9b0f3a17_1.log',
      log: log`
        2024-11-21T14:05:03.1234567Z ##[group]Run actions/checkout@v4
        2024-11-21T14:05:03.2234567Z ##[warning]You are running out of disk space. The runner will stop working when the machine runs out of disk space. Free space left: 412 MB
      `,
      errors: [{ messageId: 'lowDisk', lines: [2], severity: 'warning', data: { free: '412 MB' } }],
    },
    {
      name: 'warned first, then full',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:03Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "setup_job",
          "result": "succeeded",
          "errorMessages": [
            "You are running out of disk space. The runner will stop working when the machine runs out of disk space. Free space left: 12 MB"
          ]
        }.
        [2024-11-21 14:09:12Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "run",
          "result": "failed",
          "errorMessages": [
            "ENOSPC: no space left on device, write",
            "Process completed with exit code 1."
          ]
        }.
      `,
      errors: [
        {
          messageId: 'diskFull',
          lines: [1, 8],
          severity: 'error',
          message:
            'The runner machine ran out of disk space: 1 "no space left" error(s) from 2024-11-21T14:09:12Z to 2024-11-21T14:09:12Z; the runner had warned 1 time(s) that space was running out (12 MB left at the lowest).',
        },
      ],
    },
  ],
});

import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './service-throttled.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'Its recovered 503 outage is the service failing, not rate limiting.',
      files: fullSession,
    },
    {
      name: 'a 503 is not throttling',
      description: 'ServiceUnavailable answers are service trouble (F15/F16), not a rate limit.',
      log: log`
        [2024-11-21 14:05:02Z WARN GitHubActionsService] Attempt 1 of GET request to https://pipelinesghubeus2.actions.githubusercontent.com/AbCdEf/_apis/distributedtask/pools/1/messages?sessionId=a1b2 failed (HTTP Status: ServiceUnavailable). The operation will be retried in 10.813 seconds.
      `,
    },
    {
      name: 'the runner backing off after its own errors',
      description: 'ErrorThrottler "Back off ... Current consecutive error count" is the runner\'s own retry pacing, not the service throttling it.',
      log: log`
        [2024-11-21 14:05:02Z INFO Runner] Skipping message Job. Job message not found '9001'. The job may have been acquired by another runner.
        [2024-11-21 14:05:02Z WARN ErrorThrottler] Back off 3.2 seconds before next attempt. Current consecutive error count: 1
      `,
    },
  ],
  invalid: [
    {
      name: 'throttling reports during a job, and the job warning',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:10Z INFO JobServerQueue] Receive server throttling report, expect delay 15000 milliseconds till 11/21/2024 14:05:25
        [2024-11-21 14:05:40Z INFO JobServerQueue] Receive server throttling report, expect delay 20000 milliseconds till 11/21/2024 14:06:00
        [2024-11-21 14:06:20Z INFO JobServerQueue] Receive server throttling report, expect delay 10000 milliseconds till 11/21/2024 14:06:30
        [2024-11-21 14:09:02Z INFO ExecutionContext] Publish step telemetry for current step {
          "action": "complete_job",
          "type": "runner",
          "result": "succeeded",
          "errorMessages": [ "The job has experienced 45 seconds total delay caused by server throttling." ]
        }.
      `,
      errors: [
        {
          messageId: 'throttled',
          lines: [1, 2, 3, 4],
          severity: 'warning',
          count: 3,
          message:
            'The service throttled this runner: 45s of delay in total (3 throttling report(s) from the service), between 2024-11-21T14:05:10Z and 2024-11-21T14:09:02Z. Console output, status updates and log uploads were slowed down.',
        },
      ],
    },
    {
      name: 'HTTP 429 answers on the Listener',
      log: log`
        [2024-11-21 14:05:02Z WARN GitHubActionsService] Attempt 1 of GET request to https://pipelinesghubeus2.actions.githubusercontent.com/AbCdEf/_apis/distributedtask/pools/1/messages?sessionId=a1b2 failed (HTTP Status: TooManyRequests). The operation will be retried in 10.813 seconds.
        [2024-11-21 14:05:13Z WARN GitHubActionsService] Attempt 2 of GET request to https://pipelinesghubeus2.actions.githubusercontent.com/AbCdEf/_apis/distributedtask/pools/1/messages?sessionId=a1b2 failed (HTTP Status: TooManyRequests). The operation will be retried in 22.1 seconds.
      `,
      errors: [{ messageId: 'tooMany', lines: [1, 2], severity: 'warning', count: 2 }],
    },
    {
      name: 'the job warning in a step log page',
      fileName: 'pages/7a41c0de-93b2-4f1e-8d6a-2c5e9b0f3a17_0d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6_1.log',
      log: log`
        2024-11-21T14:09:02.1234567Z ##[warning]The job has experienced 125.5 seconds total delay caused by server throttling.
      `,
      errors: [{ messageId: 'throttled', lines: [1], severity: 'warning', data: { delay: '2m 6s', source: "as stated in the job's warning" } }],
    },
    {
      name: 'a single short delay below the runner\'s warning threshold',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:10Z INFO JobServerQueue] Receive server throttling report, expect delay 800 milliseconds till 11/21/2024 14:05:11
      `,
      errors: [{ messageId: 'throttled', lines: [1], severity: 'info', data: { delay: '1s' } }],
    },
  ],
});

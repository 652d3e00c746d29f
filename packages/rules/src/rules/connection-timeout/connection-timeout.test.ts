import { RuleTester, log } from '../../testing/rule-tester.js';
import { MESSAGES_URL, PROXY_LINE, REASONS, corpusCase, listenerFlow, testLogs } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './connection-timeout.js';

const FILE = 'Runner_20250304-100000-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a 504 Gateway Timeout from the service',
      description: 'A 504 is an HTTP answer from the service side (service-unavailable), not a local timeout.',
      log: log`
        [2025-03-04 11:00:12Z WARN GitHubActionsService] Attempt 1 of GET request to ${MESSAGES_URL} failed (HTTP Status: GatewayTimeout). The operation will be retried in 10.8 seconds.
        [2025-03-04 11:00:23Z ERR  GitHubActionsService] Attempt 2 of GET request to ${MESSAGES_URL} failed (HTTP Status: GatewayTimeout). The maximum number of attempts has been reached.
        [2025-03-04 11:00:23Z ERR  MessageListener] Catch exception during get next message.
        [2025-03-04 11:00:23Z ERR  MessageListener] GitHub.Services.WebApi.VssServiceResponseException: Gateway Timeout
        [2025-03-04 11:00:23Z ERR  Terminal] WRITE ERROR: 2025-03-04 11:00:23Z: Runner connect error: Gateway Timeout. Retrying until reconnected.
      `,
    },
    {
      name: 'the same timeouts through a configured proxy',
      description: 'With a proxy configured, timeouts are the proxy\'s (proxy-error, F23).',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout, { proxyLine: PROXY_LINE }),
    },
    {
      name: 'a DNS failure in the same flow',
      description: 'Name resolution failed before any request could time out.',
      fileName: FILE,
      log: listenerFlow(REASONS.dns),
    },
    {
      name: 'a long poll cancelled when a job starts',
      description: '`has been cancelled` is the runner changing its status, not a timeout.',
      log: log`
        [2025-03-04 10:41:07Z INFO MessageListener] Received job status event. JobState: Busy
        [2025-03-04 10:41:07Z WARN GitHubActionsService] GET request to ${MESSAGES_URL} has been cancelled.
        [2025-03-04 10:41:07Z INFO MessageListener] Get messages has been cancelled using local token source. Continue to get messages with new status.
      `,
    },
    {
      name: 'healthy connection setup and IPC timeout settings',
      description: '`Establish connection with 60 seconds timeout.` and `Set runner/worker IPC timeout` are configuration, logged at INFO.',
      log: log`
        [2025-03-04 10:00:00Z INFO RunnerServer] EstablishVssConnection
        [2025-03-04 10:00:00Z INFO RunnerServer] Establish connection with 60 seconds timeout.
        [2025-03-04 10:00:00Z INFO RunnerServer] Establish connection with 100 seconds timeout.
        [2025-03-04 10:00:01Z INFO MessageListener] Session created.
        [2025-03-04 10:00:01Z INFO JobDispatcher] Set runner/worker IPC timeout to 30 seconds.
      `,
    },
    {
      name: 'an action download timing out in a Worker log',
      description: 'Downloads of actions are the job\'s business (action-download rules), not the listener\'s link.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:05:00Z WARN ActionManager] Action 'https://api.github.com/repos/actions/checkout/tarball/11bd71901bbe5b1630ceea73d27597364c9af683' download has timed out. Error: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.
      `,
    },
  ],
  invalid: [
    {
      name: 'poll timeouts that recover with Runner reconnected.',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout),
      errors: [{ messageId: 'timeout', severity: 'warning', confidence: 'high', count: 7, lines: [4, 6, 11, 23, 25] }],
    },
    {
      name: 'poll timeouts still failing where the log ends',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout, { recovered: false }),
      errors: [{ messageId: 'timeout', severity: 'error', confidence: 'high', lines: [4, 6, 11, 23, 25] }],
    },
    {
      name: 'corpus 021: connectionData timing out during config (100 s, then 60 s)',
      files: corpusCase('021'),
      errors: [{ messageId: 'timeout', severity: 'error', confidence: 'medium', count: 2, evidence: ['Runner_20230524-013326-utc.log:5', 'Runner_20230524-013326-utc.log:8'] }],
    },
    {
      name: 'HttpClient.Timeout while getting tenant credentials (config.sh)',
      log: log`
        [2024-02-08 15:20:41Z ERR  ConfigurationManager] Failed to get tenant credentials -- Attempt: 1
        [2024-02-08 15:20:41Z ERR  ConfigurationManager] System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.
         ---> System.TimeoutException: The operation was canceled.
           --- End of inner exception stack trace ---
      `,
      errors: [{ messageId: 'timeout', severity: 'error', lines: [2] }],
    },
    {
      name: 'socket timeouts retried by the HTTP layer, then polling works again',
      log: log`
        [2025-03-04 11:00:10Z WARN GitHubActionsService] Attempt 1 of GET request to ${MESSAGES_URL} failed (Socket Error: TimedOut). The operation will be retried in 10.4 seconds.
        [2025-03-04 11:01:21Z WARN GitHubActionsService] Attempt 2 of GET request to ${MESSAGES_URL} failed (Socket Error: TimedOut). The operation will be retried in 12.7 seconds.
        [2025-03-04 11:02:34Z WARN GitHubActionsService] Attempt 3 of GET request to ${MESSAGES_URL} failed (Socket Error: TimedOut). The operation will be retried in 17.1 seconds.
        [2025-03-04 11:03:02Z INFO MessageListener] Message '14' received from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8'.
      `,
      errors: [{ messageId: 'timeout', severity: 'warning', confidence: 'high', lines: [1, 2, 3] }],
    },
    {
      name: 'corpus 018: the self-update download timed out',
      description: 'Secondary cause of case 018 (self_update_failed first): the slow link is worth reporting.',
      files: corpusCase('018'),
      errors: [{ messageId: 'updateDownload', severity: 'info', evidence: ['Runner_20200422-064032-utc.log:4'] }],
    },
    {
      name: 'a renewal that times out after the VM was suspended mid-job',
      description: 'Renewals stop for 18 minutes with no line logged, then the in-flight PATCH times out: the suspension, not the network (spec §4.F rule 4); context only.',
      files: testLogs('blind/017-lock-renewal-out-of-retry-suspended-vm/_diag'),
      errors: [{ messageId: 'afterSuspension', severity: 'info' }],
    },
  ],
});

import { RuleTester, log } from '../../testing/rule-tester.js';
import { PROXY_LINE, REASONS, listenerFlow } from '../service-unavailable/fixtures/listener-flow.js';
import { testLogs as blindLogs } from '../service-unavailable/fixtures/listener-flow.js';
import rule from './dns-or-network-unreachable.js';

const FILE = 'Runner_20250304-100000-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the inner exceptions of a self-cancelled broker poll, re-logged on their own',
      description: 'After `#####` the runner re-logs the IOException and SocketException (125) "Operation canceled" of the poll it cancelled: an aborted local read, not the network.',
      log: log`
        [2026-04-14 08:21:51Z INFO BrokerMessageListener] Received job status event. JobState: Busy
        [2026-04-14 08:21:51Z ERR  BrokerServer] Catch exception during request
        [2026-04-14 08:21:51Z ERR  BrokerServer] System.Threading.Tasks.TaskCanceledException: The operation was canceled.
         ---> System.IO.IOException: Unable to read data from the transport connection: Operation canceled.
         ---> System.Net.Sockets.SocketException (125): Operation canceled
        [2026-04-14 08:21:51Z ERR  BrokerServer] #####################################################
        [2026-04-14 08:21:51Z ERR  BrokerServer] System.IO.IOException: Unable to read data from the transport connection: Operation canceled.
         ---> System.Net.Sockets.SocketException (125): Operation canceled
        [2026-04-14 08:21:51Z ERR  BrokerServer] #####################################################
        [2026-04-14 08:21:51Z ERR  BrokerServer] System.Net.Sockets.SocketException (125): Operation canceled
        [2026-04-14 08:21:51Z INFO BrokerMessageListener] Get messages has been cancelled using local token source. Continue to get messages with new status.
      `,
    },
    {
      name: 'a broker long poll the runner cancels itself when a job starts',
      description: 'TaskCanceledException with an inner "Unable to read data from the transport connection: Operation canceled" is the runner dropping its own poll, not a network failure.',
      files: blindLogs('blind/028-healthy-cancelled-broker-poll-during-job/_diag'),
    },
    {
      name: 'a 503 outage in the same poll-error flow',
      description: 'The service answered (503): service-side (service-unavailable), not the local network (spec §4.F rule 3).',
      fileName: FILE,
      log: listenerFlow(REASONS.service503, { recovered: false }),
    },
    {
      name: 'the same DNS failure with a proxy configured at startup',
      description: 'With `Configuring anonymous proxy ...` the runner resolves and connects through the proxy: proxy-error claims it (F23).',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { proxyLine: PROXY_LINE }),
    },
    {
      name: 'timeouts in the same flow',
      description: 'No answer in time is connection-timeout (F20).',
      fileName: FILE,
      log: listenerFlow(REASONS.timeout),
    },
    {
      name: 'an aborted TLS handshake whose inner error is a reset',
      description: '`The SSL connection could not be established` over `Connection reset by peer` is a TLS handshake failure (F22), not a plain reset.',
      log: log`
        [2025-03-04 11:00:20Z ERR  MessageListener] Catch exception during get next message.
        [2025-03-04 11:00:20Z ERR  MessageListener] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.IO.IOException: Unable to read data from the transport connection: Connection reset by peer.
           --- End of inner exception stack trace ---
        [2025-03-04 11:00:20Z INFO MessageListener] Retriable exception: The SSL connection could not be established, see inner exception.
      `,
    },
    {
      name: 'an early close with no proxy setting logged',
      description: 'Without a proxy line the rule cannot tell whether a middlebox closed the connection: "The response ended prematurely" goes to proxy-error (low confidence).',
      log: log`
        [2024-05-31 09:03:16Z ERR  MessageListener] Catch exception during get next message.
        [2024-05-31 09:03:16Z ERR  MessageListener] System.Net.Http.HttpRequestException: An error occurred while sending the request.
         ---> System.IO.IOException: The response ended prematurely.
           --- End of inner exception stack trace ---
      `,
    },
    {
      name: 'a reset in a Worker log',
      description: 'Network errors of job steps and uploads belong to the job rules; this rule watches the listener\'s link to GitHub.',
      fileName: 'Worker_20250304-100000-utc.log',
      log: log`
        [2025-03-04 10:00:00Z ERR  GitHubActionsService] POST request to https://results-receiver.actions.githubusercontent.com/twirp/results.services.receiver.Receiver/CreateStepSummaryMetadata failed. System.Net.Http.HttpRequestException: Connection reset by peer
      `,
    },
    {
      name: 'an SSH client\'s disconnect message pasted after the log',
      description: 'Corpus 016: "Connection reset by peer" from the user\'s SSH session is not a runner line (no header, no level).',
      log: log`
        [2025-01-13 12:20:04Z INFO RSAFileKeyManager] Loading RSA key parameters from file /home/ec2-user/actions-runner/.credentials_rsaparams
        [2025-01-13 12:20:05Z INFO GitHubActionsService] AAD Correlation ID for this token request: Unknown
        [2025-01-13 12:25:05Z INFO MessageListener] No message retrieved from session '1a0334d8-c4d1-4735-929f-c43492548bf8' within last 30 minutes.
        [ec2-user@ip-10-0-0-12 _diag]$ Read from remote host 192.0.2.10: Connection reset by peer
      `,
    },
    {
      name: 'connection setup lines that mention a timeout',
      description: 'INFO lines of a healthy connect are not failures.',
      log: log`
        [2025-03-04 10:00:00Z INFO RunnerServer] EstablishVssConnection
        [2025-03-04 10:00:00Z INFO RunnerServer] Establish connection with 60 seconds timeout.
        [2025-03-04 10:00:01Z INFO MessageListener] Session created.
      `,
    },
  ],
  invalid: [
    {
      name: 'a reset right after the host slept through a job is the suspension\'s echo',
      description: 'Spec §4.F rule 4: 25 minutes without a line while a job ran, then one reset: the machine was suspended, the network is fine.',
      log: log`
        [2026-01-27 14:19:40Z INFO JobDispatcher] Successfully renew job 727b3ca8-5d37-4254-a453-757ba46abbc5, job is valid till 01/27/2026 14:29:40
        [2026-01-27 14:20:40Z INFO JobDispatcher] Successfully renew job 727b3ca8-5d37-4254-a453-757ba46abbc5, job is valid till 01/27/2026 14:30:40
        [2026-01-27 14:46:03Z ERR  BrokerServer] Catch exception during request
        [2026-01-27 14:46:03Z ERR  BrokerServer] System.Net.Http.HttpRequestException: Connection reset by peer
         ---> System.Net.Sockets.SocketException (104): Connection reset by peer
        [2026-01-27 14:46:03Z WARN BrokerServer] Back off 6.288 seconds before next retry. 4 attempt left.
      `,
      errors: [{ messageId: 'afterSuspension', severity: 'info', lines: [4] }],
    },
    {
      name: 'one reset just before the log ends is not yet an outage',
      description: 'A single failure with an inner retry pending says nothing about what came next: a warning, not an error.',
      log: log`
        [2026-01-27 14:45:03Z INFO BrokerMessageListener] Session created.
        [2026-01-27 14:46:03Z ERR  BrokerServer] Catch exception during request
        [2026-01-27 14:46:03Z ERR  BrokerServer] System.Net.Http.HttpRequestException: Connection reset by peer
         ---> System.Net.Sockets.SocketException (104): Connection reset by peer
        [2026-01-27 14:46:03Z WARN BrokerServer] Back off 6.288 seconds before next retry. 4 attempt left.
      `,
      errors: [{ messageId: 'unreachable', severity: 'warning', lines: [3] }],
    },
    {
      name: 'DNS failure (Linux) that recovers with Runner reconnected.',
      fileName: FILE,
      log: listenerFlow(REASONS.dns),
      errors: [{ messageId: 'dns', severity: 'warning', confidence: 'high', count: 13, lines: [4, 5, 6, 31, 33] }],
    },
    {
      name: 'the same DNS failure still failing where the log ends',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { recovered: false }),
      errors: [{ messageId: 'dns', severity: 'error', confidence: 'high', lines: [4, 5, 6, 31, 33] }],
    },
    {
      name: 'DNS failure with "No proxy settings were found" at startup',
      description: 'A direct connection with DNS errors is the network (F23 rule, second half).',
      fileName: FILE,
      log: listenerFlow(REASONS.dns, { proxyLine: null, cycles: 2 }),
      errors: [{ messageId: 'dns', severity: 'warning' }],
    },
    {
      name: 'connection refused',
      fileName: FILE,
      log: listenerFlow(REASONS.refused, { recovered: false }),
      errors: [{ messageId: 'unreachable', severity: 'error', confidence: 'high', lines: [4, 5, 6, 29, 31] }],
    },
    {
      name: 'Windows wording at configuration time',
      log: log`
        [2024-05-31 09:03:16Z ERR  ConfigurationManager] Failed to get tenant credentials -- Attempt: 1
        [2024-05-31 09:03:16Z ERR  ConfigurationManager] System.Net.Http.HttpRequestException: No such host is known. (api.github.com:443)
         ---> System.Net.Sockets.SocketException (11001): No such host is known.
           at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
           --- End of inner exception stack trace ---
      `,
      errors: [{ messageId: 'dns', severity: 'error', confidence: 'medium', lines: [2], data: { hosts: 'api.github.com' } }],
    },
    {
      name: 'macOS resolver wording, retried by the HTTP layer',
      log: log`
        [2023-08-02 07:10:00Z WARN GitHubActionsService] Attempt 1 of GET request to https://pipelines.actions.githubusercontent.com/abc/_apis/connectionData?connectOptions=1 failed (Socket Error: TryAgain). The operation will be retried in 11.2 seconds.
        [2023-08-02 07:10:11Z WARN GitHubActionsService] Attempt 2 of GET request to https://pipelines.actions.githubusercontent.com/abc/_apis/connectionData?connectOptions=1 failed (Socket Error: TryAgain). The operation will be retried in 13.9 seconds.
        [2023-08-02 07:10:25Z ERR  RunnerServer] Catch exception during connect. 4 attempt left.
        [2023-08-02 07:10:25Z ERR  RunnerServer] System.Net.Http.HttpRequestException: nodename nor servname provided, or not known (pipelines.actions.githubusercontent.com:443)
      `,
      errors: [{ messageId: 'dns', severity: 'error', confidence: 'high', lines: [1, 2, 4] }],
    },
    {
      name: 'resets by a firewall, then the runner reconnects',
      log: log`
        [2025-03-04 11:00:00Z ERR  MessageListener] Catch exception during get next message.
        [2025-03-04 11:00:00Z ERR  MessageListener] System.Net.Http.HttpRequestException: An error occurred while sending the request.
         ---> System.IO.IOException: Unable to read data from the transport connection: Connection reset by peer.
         ---> System.Net.Sockets.SocketException (104): Connection reset by peer
           --- End of inner exception stack trace ---
        [2025-03-04 11:00:00Z INFO MessageListener] Retriable exception: An error occurred while sending the request.
        [2025-03-04 11:00:00Z ERR  Terminal] WRITE ERROR: 2025-03-04 11:00:00Z: Runner connect error: An error occurred while sending the request.. Retrying until reconnected.
        [2025-03-04 11:00:01Z INFO RunnerServer] Refresh MessageQueue VssConnection to get on a different AFD node.
        [2025-03-04 11:00:01Z INFO MessageListener] Sleeping for 18.2 seconds before retrying.
        [2025-03-04 11:00:50Z INFO Terminal] WRITE LINE: 2025-03-04 11:00:50Z: Runner reconnected.
      `,
      errors: [{ messageId: 'unreachable', severity: 'warning', confidence: 'high', lines: [2, 7] }],
    },
    {
      name: 'an early close on a direct connection',
      description: 'With "No proxy settings were found" logged, an early close is the network path.',
      fileName: FILE,
      log: listenerFlow(REASONS.prematureClose, { proxyLine: null }),
      errors: [{ messageId: 'unreachable', severity: 'warning' }],
    },
  ],
});

/**
 * Records → typed events: every kind of events.ts EVENT_KINDS, with its fields, from small
 * inline logs (message texts from spec §3) and from the grammar fixtures. The last test
 * checks that all of them together cover EVENT_KINDS.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_KINDS, parseText, type EventKind, type RunlogEvent } from '../src/index.js';
import { collect, FULL, grammarPath, log, ofKind, only, TEST_LOGS, typed, where } from './helpers.js';

interface Case {
  /** The edge case the log pins down. */
  name: string;
  /** File name (decides the file kind); a Runner log by default. */
  file?: string;
  text: string;
  /** The typed events expected, in order: kind, 1-based line, and a subset of the fields. */
  events: [EventKind, number, Record<string, unknown>?][];
}

const JOB = 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13';
const DISPATCH = `[2024-05-01 10:00:00Z INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job ${JOB} received.`;

const CASES: Case[] = [
  // ── listener startup ──────────────────────────────────────────────────────────────────
  {
    name: 'an authenticated HTTPS proxy, an anonymous one, and none',
    text: log`
      [2024-05-01 10:00:00Z INFO HostContext] Configuring authenticated proxy http://proxy.example:3128 for all HTTPS requests.
      [2024-05-01 10:00:00Z INFO HostContext] Configuring anonymous proxy http://proxy.example:3128 for all HTTP requests.
      [2024-05-01 10:00:00Z INFO HostContext] No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)
    `,
    events: [
      ['runner.proxy', 1, { url: 'http://proxy.example:3128', authenticated: true }],
      ['runner.proxy', 2, { url: 'http://proxy.example:3128', authenticated: false }],
      ['runner.proxy', 3, { url: null, authenticated: false }],
    ],
  },
  {
    name: 'insecure TLS and HTTP trace banners',
    text: log`
      [2024-05-01 10:00:00Z WARN HostContext] Runner is running under insecure mode: HTTPS server certificate validation has been turned off by GITHUB_ACTIONS_RUNNER_TLS_NO_VERIFY environment variable.
      [2024-05-01 10:00:00Z WARN HostContext] Http trace is enabled, all your http traffic will be dumped into runner diag log.
    `,
    events: [
      ['runner.insecure_tls', 1, { level: 'WARN', component: 'HostContext' }],
      ['runner.http_trace', 2],
    ],
  },
  {
    name: 'startup facts gathered before the Version line, the broker flow and the startup options',
    text: log`
      [2024-05-01 10:00:00Z INFO Listener] Runner is built for Windows (Arm64) - win-arm64.
      [2024-05-01 10:00:00Z INFO Listener] RuntimeInformation: Microsoft Windows 10.0.22631.
      [2024-05-01 10:00:00Z INFO Listener] Version: 2.321.0
      [2024-05-01 10:00:00Z INFO CommandSettings] Command 'configure': 'True'
      [2024-05-01 10:00:00Z INFO CommandSettings] Arg 'labels': 'self-hosted,linux,gpu'
      [2024-05-01 10:00:00Z INFO CommandSettings] Env arg 'url': 'https://github.com/acme'
      [2024-05-01 10:00:00Z INFO CommandSettings] Flag 'ephemeral': 'True'
      [2024-05-01 10:00:01Z INFO Runner] Using BrokerMessageListener
    `,
    events: [
      ['runner.started', 3, { version: '2.321.0', platform: 'Windows', arch: 'Arm64', package: 'win-arm64', os: 'Microsoft Windows 10.0.22631', agent: false }],
      ['runner.command', 4, { command: 'configure' }],
      ['runner.option', 5, { optionKind: 'arg', name: 'labels', value: 'self-hosted,linux,gpu' }],
      ['runner.option', 6, { optionKind: 'env', name: 'url', value: 'https://github.com/acme' }],
      ['runner.option', 7, { optionKind: 'flag', name: 'ephemeral', value: 'True' }],
      ['runner.flow', 8, { flow: 'broker' }],
    ],
  },
  {
    name: 'a broker-flow settings dump with the v2 fields (ephemeral, disableUpdate, useV2Flow, serverUrlV2)',
    text: log`
      [2024-05-01 10:00:01Z INFO BrokerMessageListener] {
        "AgentId": 184,
        "AgentName": "arc-runner-5dz9w",
        "PoolId": 1,
        "PoolName": "Default",
        "ServerUrl": "https://pipelines.example/abc/",
        "ServerUrlV2": "https://broker.actions.githubusercontent.com/",
        "GitHubUrl": "https://github.com/acme",
        "WorkFolder": "_work",
        "Ephemeral": true,
        "DisableUpdate": true,
        "UseV2Flow": true
      }
    `,
    events: [
      [
        'runner.settings',
        1,
        {
          runnerName: 'arc-runner-5dz9w',
          runnerId: 184,
          serverUrlV2: 'https://broker.actions.githubusercontent.com/',
          gitHubUrl: 'https://github.com/acme',
          ephemeral: true,
          disableUpdate: true,
          useV2Flow: true,
          source: { line: 1, endLine: 13 },
        },
      ],
    ],
  },
  {
    name: 'a settings dump cut off mid-way in a ticket falls back to a line scan',
    text: log`
      [2024-05-01 10:00:01Z INFO MessageListener] {
        "AgentId": 9,
        "AgentName": "build-02",
        "PoolId": 3,
    `,
    events: [['runner.settings', 1, { runnerName: 'build-02', runnerId: 9, poolId: 3, poolName: null }]],
  },
  // ── session and credentials ─────────────────────────────────────────────────────────
  {
    name: 'session created, then a conflict that reaches the retry limit (exit 5)',
    text: log`
      [2024-05-01 10:00:01Z INFO MessageListener] Attempt to create session.
      [2024-05-01 10:00:02Z ERR  MessageListener] Catch exception during create session.
      [2024-05-01 10:00:02Z INFO MessageListener] The session for this runner already exists.
      [2024-05-01 10:00:02Z ERR  Terminal] WRITE ERROR: A session for this runner already exists.
      [2024-05-01 10:04:02Z INFO MessageListener] The session conflict exception have reached retry limit.
      [2024-05-01 10:04:02Z ERR  Terminal] WRITE ERROR: Stop retry on SessionConflictException after retried for 240 seconds.
      [2024-05-01 10:04:02Z ERR  Terminal] WRITE ERROR: Failed to create session. The actions runner build-01 already has an active session.
      [2024-05-01 10:04:03Z INFO Listener] Runner execution has finished with return code 5
    `,
    events: [
      ['session.attempt', 1],
      ['session.create_error', 2, { level: 'ERR' }],
      ['session.conflict', 3, { final: false }],
      ['session.conflict', 4, { final: false }],
      ['session.conflict', 5, { final: true }],
      ['session.conflict', 6, { final: true }],
      ['session.failed', 7, { message: 'The actions runner build-01 already has an active session.' }],
      ['runner.exited', 8, { code: 5, cancelled: false }],
    ],
  },
  {
    name: 'an expired session recovered, a token exchange that fails with its reason, a revoked token',
    text: log`
      [2024-05-01 10:00:01Z INFO MessageListener] TaskAgentSessionExpiredException received, recovered by recreate session.
      [2024-05-01 10:00:02Z ERR  GitHubActionsService] OAuth issued token provider instance 3 failed to retrieve a token.
      Reason: Registration 3b8f1d62 was not found.
      [2024-05-01 10:00:03Z INFO Runner] Runner OAuth token has been revoked. Shutting down.
      [2024-05-01 10:00:03Z INFO Runner] Deleting Runner Session...
    `,
    events: [
      ['session.recovered', 1],
      ['token.failed', 2, { reason: 'Registration 3b8f1d62 was not found.', source: { line: 2, endLine: 3 } }],
      ['token.revoked', 4],
      ['session.deleted', 5],
    ],
  },
  {
    name: 'a runner config refresh in its four stages (v2.323+)',
    text: log`
      [2024-05-01 10:00:01Z INFO Runner] Received RunnerRefreshConfigMessage for 'runner' config file
      [2024-05-01 10:00:01Z INFO Runner] Runner configuration was updated. Session restart has been scheduled
      [2024-05-01 10:00:05Z INFO Runner] Restarting runner session after config update...
      [2024-05-01 10:00:05Z INFO Runner] Runner configuration was refreshed, restarting session...
    `,
    events: [
      ['config.refreshed', 1, { stage: 'received runner' }],
      ['config.refreshed', 2, { stage: 'scheduled' }],
      ['config.refreshed', 3, { stage: 'restarting' }],
      ['config.refreshed', 4, { stage: 'restarted' }],
    ],
  },
  // ── polling and connectivity ─────────────────────────────────────────────────────────
  {
    name: 'verbose empty polls, an unsupported message, a broker migration',
    text: log`
      [2024-05-01 10:00:01Z VERB MessageListener] No message retrieved from session 'a1b2'.
      [2024-05-01 10:30:01Z INFO MessageListener] No message retrieved from session 'a1b2' within last 30 minutes.
      [2024-05-01 10:31:00Z ERR  Runner] Received message 42 with unsupported message type FooMessage.
      [2024-05-01 10:31:05Z INFO MessageListener] BrokerMigration message received. Polling Broker for messages...
      [2024-05-01 10:31:05Z INFO MessageListener] Refreshing credentials for V2.
    `,
    events: [
      ['poll.empty', 1, { level: 'VERB' }],
      ['poll.heartbeat', 2, { sessionId: 'a1b2' }],
      ['message.unsupported', 3, { messageId: '42', messageType: 'FooMessage' }],
      ['broker.migration', 4],
      ['broker.migration', 5],
    ],
  },
  {
    name: 'a non-retriable poll error, Vss connect retries and broker back-offs',
    text: log`
      [2024-05-01 10:00:01Z ERR  MessageListener] Catch exception during get next message.
      [2024-05-01 10:00:01Z INFO MessageListener] Non-retriable exception: You are not authorized.
      [2024-05-01 10:00:02Z INFO RunnerServer] Catch exception during connect. 4 attempt left.
      [2024-05-01 10:00:03Z ERR  BrokerServer] Catch exception during request
      [2024-05-01 10:00:03Z WARN BrokerServer] Back off 7.5 seconds before next retry. 4 attempt left.
      [2024-05-01 10:00:04Z WARN ErrorThrottler] Back off 2,345 seconds before next attempt. Current consecutive error count: 3
      [2024-05-01 10:00:05Z INFO BrokerMessageListener] Reload credentials.
      [2024-05-01 10:00:05Z INFO BrokerMessageListener] Connection to Broker Server recreated.
      [2024-05-01 10:00:06Z INFO BrokerMessageListener] Sleeping for 47.213 seconds before retrying.
    `,
    events: [
      ['poll.error', 1],
      ['error.classified', 2, { retriable: false, message: 'You are not authorized.' }],
      ['connect.retry', 3, { attemptsLeft: 4 }],
      ['broker.request_error', 4],
      ['retry.sleep', 5, { seconds: 7.5, attemptsLeft: 4, errorCount: null }],
      ['retry.sleep', 6, { seconds: 2.345, attemptsLeft: null, errorCount: 3 }],
      ['connection.refreshed', 7],
      ['connection.refreshed', 8],
      ['retry.sleep', 9, { seconds: 47.213 }],
    ],
  },
  // ── HTTP layer ────────────────────────────────────────────────────────────────────────
  {
    name: 'each HTTP EventSource line: timeout, cancel, success, socket error, 409 with AFD ref, 401 not authorized',
    text: log`
      [2024-05-01 10:00:01Z WARN GitHubActionsService] GET request to https://x.example/_apis/messages?sessionId=1 timed out after 60 seconds.
      [2024-05-01 10:00:02Z WARN GitHubActionsService] GET request to https://x.example/_apis/a has been cancelled.
      [2024-05-01 10:00:03Z INFO GitHubActionsService] POST request to https://x.example/_apis/b succeeded with status code 201
      [2024-05-01 10:00:04Z WARN GitHubActionsService] Attempt 2 of GET request to https://x.example/_apis/c failed (Socket Error: HostNotFound). The operation will be retried in 13.5 seconds.
      [2024-05-01 10:00:05Z ERR  GitHubActionsService] POST request to https://x.example/_apis/sessions failed. HTTP Status: Conflict, AFD Ref: Ref A: 123
      [2024-05-01 10:00:06Z ERR  GitHubActionsService] GET request to https://x.example/_apis/d is not authorized. Details: Bad credentials
      [2024-05-01 10:00:07Z INFO GitHubActionsService] Starting operation Location.GetConnectionData
      [2024-05-01 10:00:07Z INFO GitHubActionsService] Finished operation Location.GetConnectionData
    `,
    events: [
      ['http.timeout', 1, { method: 'GET', url: 'https://x.example/_apis/messages?sessionId=1', seconds: 60 }],
      ['http.cancelled', 2, { method: 'GET', url: 'https://x.example/_apis/a' }],
      ['http.success', 3, { method: 'POST', url: 'https://x.example/_apis/b', status: 201 }],
      ['http.failure', 4, { method: 'GET', status: null, statusText: null, reason: 'Socket Error: HostNotFound', attempt: 2, final: false, retryInSeconds: 13.5 }],
      ['http.failure', 5, { method: 'POST', url: 'https://x.example/_apis/sessions', status: 409, statusText: 'Conflict', attempt: null, final: true }],
      ['http.failure', 6, { status: 401, statusText: 'Unauthorized', reason: 'Bad credentials', final: true }],
      ['http.operation', 7, { operation: 'Location.GetConnectionData', phase: 'start' }],
      ['http.operation', 8, { operation: 'Location.GetConnectionData', phase: 'finish' }],
    ],
  },
  {
    name: 'the pre-v2.164 source name GitHubActionsRunner and the agent VisualStudioServices',
    text: log`
      [2019-12-01 10:00:02Z ERR  GitHubActionsRunner] POST request to https://x.example/_apis/sessions failed. HTTP Status: NotFound
      [2019-12-01 10:00:02Z ERR  VisualStudioServices] POST request to https://y.example/_apis/sessions failed. HTTP Status: Forbidden
    `,
    events: [
      ['http.failure', 1, { status: 404, statusText: 'NotFound' }],
      ['http.failure', 2, { status: 403, statusText: 'Forbidden' }],
    ],
  },
  // ── exceptions and the runner's own words ────────────────────────────────────────────
  {
    name: '`WRITE ERROR (exception):` folds into the exception it announces',
    text: log`
      [2024-05-01 10:00:01Z ERR  Terminal] WRITE ERROR (exception):
      [2024-05-01 10:00:01Z ERR  Terminal] GitHub.Runner.Common.NonRetryableException: Runner is not configured.
         at GitHub.Runner.Listener.Runner.ExecuteCommand(CommandSettings command)
      [2024-05-01 10:00:01Z ERR  Terminal] WRITE ERROR: An error occurred: Runner is not configured.
    `,
    events: [
      ['exception', 1, { type: 'GitHub.Runner.Common.NonRetryableException', message: 'Runner is not configured.', frames: 1, redump: false, source: { line: 1, endLine: 3 } }],
      ['terminal.error', 4, { message: 'An error occurred: Runner is not configured.' }],
    ],
  },
  {
    name: 'exception types with a native error code, `Error` types, and nested inners',
    text: log`
      [2024-05-01 10:00:01Z ERR  MessageListener] System.AggregateException: One or more errors occurred. (boom)
       ---> System.Net.Sockets.SocketException (00000005, 0xFFFDFFFF): Name or service not known
         at A.B()
         --- End of inner exception stack trace ---
      [2024-05-01 10:00:02Z ERR  Worker] System.OutOfMemoryError: out
    `,
    events: [
      ['exception', 1, { type: 'System.AggregateException', message: 'One or more errors occurred. (boom)', frames: 1, inner: [{ type: 'System.Net.Sockets.SocketException', message: 'Name or service not known' }] }],
      ['exception', 5, { type: 'System.OutOfMemoryError', message: 'out' }],
    ],
  },
  // ── jobs, listener side ──────────────────────────────────────────────────────────────
  {
    name: 'a broker-flow job: acknowledged, renewed by job id',
    text: log`
      [2024-05-01 10:00:00Z INFO BrokerMessageListener] Acknowledging runner request 'f00d-1'.
      [2024-05-01 10:00:01Z INFO JobDispatcher] Successfully renew job ${JOB}, job is valid till 05/01/2024 10:10:01
    `,
    events: [
      ['job.acknowledged', 1, { requestId: 'f00d-1' }],
      ['job.renewed', 2, { requestId: null, jobId: JOB }],
    ],
  },
  {
    name: 'lock renewal errors, a rejected renewal and the lock lost (by request id, tied back to the job)',
    text: log`
      ${DISPATCH}
      [2024-05-01 10:01:00Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7319.
      [2024-05-01 10:01:05Z INFO JobDispatcher] Retrying lock renewal for jobrequest 7319. Job is valid till 05/01/2024 10:10:00.
      [2024-05-01 10:10:00Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 7319.
      [2024-05-01 10:10:00Z INFO JobDispatcher] TaskAgentJobTokenExpiredException received renew job request 7319, job is no longer valid, stop renew job request.
      [2024-05-01 10:11:00Z INFO JobDispatcher] Unable to renew job request for job ${JOB} for the first time, stop dispatching job to worker.
    `,
    events: [
      ['job.received', 1, { requestId: '7319', jobId: JOB }],
      ['job.renew_error', 2, { requestId: '7319', retrying: false }],
      ['job.renew_error', 3, { requestId: '7319', retrying: true }],
      ['job.lock_lost', 4, { requestId: '7319', jobId: JOB, firstRenewal: false }],
      ['job.renew_rejected', 5, { requestId: '7319', reason: 'TaskAgentJobTokenExpiredException' }],
      ['job.lock_lost', 6, { requestId: null, jobId: JOB, firstRenewal: true }],
    ],
  },
  {
    name: 'a job cancelled: cancel request, cancel sent over IPC (empty body), worker killed after the timeout',
    text: log`
      ${DISPATCH}
      [2024-05-01 10:05:00Z INFO JobDispatcher] Job cancellation request ${JOB} received, cancellation timeout 5 minutes.
      [2024-05-01 10:05:00Z INFO JobDispatcher] Send job cancellation message to worker for job ${JOB}.
      [2024-05-01 10:05:00Z INFO ProcessChannel] Sending message of length 0, with hash 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
      [2024-05-01 10:10:45Z INFO JobDispatcher] worker process for job ${JOB} haven't exit within cancellation timout, kill running worker.
      [2024-05-01 10:10:45Z INFO JobDispatcher] worker process has been killed.
      [2024-05-01 10:10:46Z INFO JobDispatcher] finish job request for job ${JOB} with result: Canceled
    `,
    events: [
      ['job.received', 1],
      ['job.cancel_requested', 2, { jobId: JOB, timeoutMinutes: 5 }],
      ['job.cancel_sent', 3, { jobId: JOB }],
      ['ipc.sent', 4, { length: 0, hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }],
      ['worker.killed', 5, { jobId: JOB, reason: 'cancel-timeout' }],
      ['worker.killed', 6, { jobId: null, reason: 'killed' }],
      ['job.completed', 7, { jobId: JOB, result: 'Canceled' }],
    ],
  },
  {
    name: 'the IPC hand-over failing kills the worker',
    text: log`
      [2024-05-01 10:00:31Z INFO JobDispatcher] Job request message sending for job ${JOB} been cancelled, kill running worker.
    `,
    events: [['worker.killed', 1, { jobId: JOB, reason: 'ipc-failed' }]],
  },
  {
    name: 'Run Service acquire failures: job skipped (404), acquire exception',
    text: log`
      [2024-05-01 10:00:01Z INFO Runner] Skipping message Job. Job message not found 'f00d-1'. The job may have been cancelled.
      [2024-05-01 10:00:02Z ERR  Runner] Caught exception from acquiring job message: GitHub.Services.Common.VssServiceException: boom
    `,
    events: [
      ['job.skipped', 1, { reason: "Job message not found 'f00d-1'. The job may have been cancelled." }],
      ['job.acquire_error', 2, { message: 'GitHub.Services.Common.VssServiceException: boom' }],
    ],
  },
  {
    name: 'job state mismatches name the job they are about',
    text: log`
      [2024-05-01 10:00:01Z INFO JobDispatcher] Received job request while previous job ${JOB} still running on worker. Cancel the previous job since the job request have been finished on server side with result: Failed.
      [2024-05-01 10:00:02Z INFO JobDispatcher] Catch job-not-found exception while checking jobrequest 7319 status. Cancel running worker right away.
      [2024-05-01 10:00:03Z ERR  JobDispatcher] Server send a new job request while the previous job request 7320 haven't finished.
      [2024-05-01 10:00:04Z ERR  JobDispatcher] Job dispatch process for 7321 has encountered unexpected error, the dispatch task is not able to be cancelled within 45 seconds.
    `,
    events: [
      ['job.state_mismatch', 1, { jobId: JOB }],
      ['job.state_mismatch', 2, { jobId: '7319' }],
      ['job.state_mismatch', 3, { jobId: '7320' }],
      ['job.state_mismatch', 4, { jobId: '7321' }],
    ],
  },
  {
    name: 'completion errors on both sides',
    text: log`
      [2024-05-01 10:00:01Z ERR  JobDispatcher] Catch exception during complete runner jobrequest 7319.
      [2024-05-01 10:00:30Z ERR  JobDispatcher] Worker Dispatch failed with an exception for job request ${JOB}.
      [2024-05-01 10:00:31Z ERR  JobRunner] Catch exception while attempting to raise JobCompletedEvent for job ${JOB}, job request 7319.
    `,
    events: [
      ['job.completion_error', 1, { requestId: '7319', jobId: null }],
      ['job.completion_error', 2, { requestId: null, jobId: JOB }],
      ['job.completion_error', 3, { requestId: '7319', jobId: JOB }],
    ],
  },
  {
    name: 'a worker crash: exit code, crash notice, and the captured output folded into worker.output',
    text: log`
      [2024-05-01 10:00:01Z INFO JobDispatcher] Worker finished for job ${JOB}. Code: 137
      [2024-05-01 10:00:01Z INFO JobDispatcher] Return code 137 indicate worker encounter an unhandled exception or app crash, attach worker stdout/stderr to JobRequest result.
      [2024-05-01 10:00:02Z ERR  JobDispatcher] Unhandled exception happened in worker:
      [2024-05-01 10:00:02Z ERR  JobDispatcher] Unhandled exception. System.IO.IOException: No space left on device
         at X.Y()
    `,
    events: [
      ['worker.exited', 1, { jobId: JOB, exitCode: 137 }],
      ['worker.crashed', 2, { exitCode: 137 }],
      ['worker.output', 3, { lines: ['Unhandled exception. System.IO.IOException: No space left on device', '   at X.Y()'], source: { line: 3, endLine: 5 } }],
    ],
  },
  {
    name: '`Unhandled exception happened in worker:` at the end of a file has empty output',
    text: log`
      [2024-05-01 10:00:02Z ERR  JobDispatcher] Unhandled exception happened in worker:
    `,
    events: [['worker.output', 1, { lines: [] }]],
  },
  {
    name: 'shutdown reasons: hosted shutdown, deprovisioned, ephemeral, Ctrl-Break',
    text: log`
      [2024-05-01 10:00:01Z INFO Runner] Service requests the hosted runner to shutdown. Reason: 'Deprovisioning'.
      [2024-05-01 10:00:02Z INFO Runner] Hosted runner has been deprovisioned. Shutting down.
      [2024-05-01 10:00:03Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
      [2024-05-01 10:00:04Z INFO Runner] Received Ctrl-Break signal from runner service host, this indicate the operating system is shutting down.
      [2024-05-01 10:00:05Z INFO HostContext] Runner will be shutdown for OperatingSystemShutdown
    `,
    events: [
      ['runner.shutdown', 1, { reason: 'hosted: Deprovisioning' }],
      ['runner.shutdown', 2, { reason: 'deprovisioned' }],
      ['runner.shutdown', 3, { reason: 'ephemeral' }],
      ['runner.shutdown', 4, { reason: 'OperatingSystemShutdown' }],
      ['runner.shutdown', 5, { reason: 'OperatingSystemShutdown' }],
    ],
  },
  // ── worker side ──────────────────────────────────────────────────────────────────────
  {
    name: 'steps skipped, failing and timing out; the job result; cancel received; throttling and upload errors',
    file: 'Worker_20240501-100000-utc.log',
    text: log`
      [2024-05-01 10:00:01Z INFO StepsRunner] Processing step: DisplayName='Run npm test'
      [2024-05-01 10:00:01Z INFO StepsRunner] Skipping step due to condition evaluation.
      [2024-05-01 10:00:02Z INFO StepsRunner] Processing step: DisplayName='Initialize containers'
      [2024-05-01 10:00:03Z ERR  StepsRunner] Caught exception from step: System.IO.IOException: No space left on device
      [2024-05-01 10:00:03Z INFO StepsRunner] Step result: Failed
      [2024-05-01 10:00:04Z INFO StepsRunner] Processing step: DisplayName='Run sleep 600'
      [2024-05-01 10:10:04Z ERR  StepsRunner] Caught timeout exception from step: The action 'Run sleep 600' has timed out after 10 minutes.
      [2024-05-01 10:10:05Z INFO Worker] Cancellation/Shutdown message received.
      [2024-05-01 10:10:05Z WARN JobServerQueue] Receive server throttling report, expect delay 1500 milliseconds till 05/01/2024 10:10:07
      [2024-05-01 10:10:06Z INFO JobServerQueue] Catch exception during log or attachment file upload, keep going since the process is best effort.
      [2024-05-01 10:10:07Z INFO JobRunner] Job result after all job steps finish: Failed
      [2024-05-01 10:10:07Z INFO Worker] Job completed.
    `,
    events: [
      ['step.started', 1, { name: 'Run npm test', process: 'worker' }],
      ['step.skipped', 2, { name: 'Run npm test' }],
      ['step.started', 3, { name: 'Initialize containers' }],
      ['step.error', 4, { name: 'Initialize containers', timeout: false, message: 'System.IO.IOException: No space left on device' }],
      ['step.completed', 5, { name: 'Initialize containers', result: 'Failed' }],
      ['step.started', 6, { name: 'Run sleep 600' }],
      ['step.error', 7, { name: 'Run sleep 600', timeout: true }],
      ['worker.cancel_received', 8],
      ['service.throttled', 9, { delayMs: 1500 }],
      ['upload.error', 10],
      ['worker.job_result', 11, { result: 'Failed' }],
      ['worker.job_completed', 12],
    ],
  },
  {
    name: 'step telemetry of a failed step: errorMessages and execution time',
    file: 'Worker_20240501-100000-utc.log',
    text: log`
      [2024-05-01 10:00:01Z INFO ExecutionContext] Publish step telemetry for current step {
        "action": "run",
        "type": "run",
        "stage": "Main",
        "stepId": "b6e1a8d3-4f20-4c9b-9e57-1d3a0c6f8e24",
        "result": "failed",
        "errorMessages": [
          "Process completed with exit code 1."
        ],
        "executionTimeInSeconds": 274
      }.
    `,
    events: [
      ['step.telemetry', 1, { action: 'run', stepType: 'run', result: 'failed', errorMessages: ['Process completed with exit code 1.'], executionTimeInSeconds: 274, source: { line: 1, endLine: 11 } }],
    ],
  },
  // ── self-update (Listener side) ──────────────────────────────────────────────────────
  {
    name: 'a self-update that downloads, fails, and a later one that applies',
    text: log`
      [2024-05-01 10:00:01Z INFO Runner] Refresh message received, kick-off selfupdate background process.
      [2024-05-01 10:00:01Z INFO SelfUpdater] Version '2.317.0' of 'agent' package available in server.
      [2024-05-01 10:00:01Z INFO SelfUpdater] An update is available.
      [2024-05-01 10:00:02Z INFO SelfUpdater] Attempt 1: save latest runner into /home/ci/actions-runner/_work/_update/runner.tar.gz.
      [2024-05-01 10:15:02Z WARN SelfUpdater] Runner download has timed out after 900 seconds
      [2024-05-01 10:45:02Z ERR  SelfUpdater] Runner package '/home/ci/actions-runner/_work/_update/runner.tar.gz' failed after 3 download attempts
      [2024-05-01 10:45:02Z INFO Runner] Auto update task finished at backend, there is no available runner update needs to apply, continue message queue looping.
      [2024-05-02 10:00:00Z INFO Terminal] WRITE LINE: Runner update in progress, do not shutdown runner.
      [2024-05-02 10:01:00Z INFO Terminal] WRITE LINE: Runner will exit shortly for update, should be back online within 10 seconds.
      [2024-05-02 10:01:00Z INFO Runner] Auto update task finished at backend, an runner update is ready to apply exit the current runner instance.
      [2024-05-02 10:01:01Z INFO Listener] Runner execution has finished with return code 3
    `,
    events: [
      ['update.requested', 1],
      ['update.available', 2, { version: '2.317.0' }],
      ['update.available', 3, { version: null }],
      ['update.download', 4, { attempt: 1 }],
      ['update.download_failed', 5, { timeoutSeconds: 900 }],
      ['update.failed', 6, { message: "Runner package '/home/ci/actions-runner/_work/_update/runner.tar.gz' failed after 3 download attempts" }],
      ['update.skipped', 7],
      ['update.applying', 8],
      ['update.applying', 9],
      ['update.ready', 10],
      ['runner.exited', 11, { code: 3 }],
    ],
  },
  {
    name: 'a Windows update.cmd log (`[%date% %time%]`, locale-dependent: kept as text) with tasklist output',
    file: 'SelfUpdate-20240610-101530.log.succeedneedrestart',
    text: log`
      [Mon 06/10/2024 12:15:31.25] Waiting for Runner.Listener (4821) to complete
      INFO: No tasks are running which match the specified criteria.
      [Mon 06/10/2024 12:15:33.70] Update succeed
    `,
    events: [
      ['update.script', 1, { message: '[Mon 06/10/2024 12:15:31.25] Waiting for Runner.Listener (4821) to complete', output: ['INFO: No tasks are running which match the specified criteria.'], time: null, source: { line: 1, endLine: 2 } }],
      ['update.script', 3, { output: [] }],
      ['update.script_result', 3, { result: 'succeedneedrestart' }],
    ],
  },
  // ── the runner's console (journald, service host) ────────────────────────────────────
  {
    name: 'console output without headers: connect error, reconnect, job lines, the service host exit code',
    file: 'runner-journal.txt',
    text: log`
      2024-11-27 21:07:40Z: Runner connect error: Name or service not known (pipelines.example:443). Retrying until reconnected.
      2024-11-27 21:09:02Z: Runner reconnected.
      2024-11-27 21:10:00Z: Running job: build
      2024-11-27 21:12:00Z: Job build completed with result: Failed
      An error occurred: You are not authorized to access https://pipelines.example.
      Runner listener exited with error code 2
    `,
    events: [
      ['connection.lost', 1, { reason: 'Name or service not known (pipelines.example:443)', time: '2024-11-27T21:07:40Z', component: 'Console' }],
      ['connection.restored', 2],
      ['job.started', 3, { jobId: null, name: 'build' }],
      ['job.completed', 4, { jobId: null, name: 'build', result: 'Failed' }],
      ['terminal.error', 5, { message: 'An error occurred: You are not authorized to access https://pipelines.example.' }],
      ['runner.exited', 6, { code: 2, cancelled: false }],
    ],
  },
  {
    name: '`docker logs` saved under a Runner_ name: the [WORKER] lines are the Worker\'s',
    file: 'Runner_20260127-130218-utc.log',
    text: log`
      [RUNNER 2026-01-27 14:46:03Z INFO JobDispatcher] Send job cancellation message to worker for job 727b3ca8-5d37-4254-a453-757ba46abbc5.
      [WORKER 2026-01-27 14:46:08Z ERR  JobRunner] Catch exception while attempting to complete job 727b3ca8-5d37-4254-a453-757ba46abbc5, job request 0.
      [RUNNER 2026-01-27 14:46:09Z INFO ProcessInvokerWrapper] Finished process 1893 with exit code 1, and elapsed time 00:47:29.8134231.
    `,
    events: [
      ['job.cancel_sent', 1, { process: 'runner' }],
      ['job.completion_error', 2, { process: 'worker' }],
      ['process.exited', 3, { process: 'runner', exitCode: 1 }],
    ],
  },
  {
    name: 'a job log page: the shutdown issue the Worker raised is runner.shutdown, on the worker side',
    file: '_diag/pages/5c1e7a9b-0d3f-4e2a-9b8c-1f2e3d4c5b6a_1.log',
    text: log`
      2026-08-06T16:22:40.1234567Z ##[group]Run ./build.sh
      2026-08-06T16:22:41.1234567Z ##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.
      2026-08-06T16:22:42.1234567Z ##[error]Operating system is shutting down for computer 'build-01'
      2026-08-06T16:22:43.1234567Z ##[error]Process completed with exit code 1.
    `,
    events: [
      ['terminal.line', 1],
      ['runner.shutdown', 2, { reason: 'UserCancelled', process: 'worker', time: '2026-08-06T16:22:41Z' }],
      ['runner.shutdown', 3, { reason: 'OperatingSystemShutdown', process: 'worker' }],
      ['terminal.line', 4],
    ],
  },
  {
    name: 'run.sh words the exit code: run-helper.sh lines become runner.exited with the code they stand for',
    file: 'run-output.txt',
    text: log`
      Runner listener exit with 0 return code, stop the service, no retry needed.
      Runner listener exit with terminated error, stop the service, no retry needed.
      Runner listener exit with retryable error, re-launch runner in 5 seconds.
      Runner listener exit because of updating, re-launch runner after successful update
      Runner listener exit with Session Conflict error, stop the service, no retry needed.
      Runner listener exit with deprecated version exit code: 7.
      Exiting with unknown error code: 134
      Runner listener exit with a reason this version does not know
    `,
    events: [
      ['runner.exited', 1, { code: 0 }],
      ['runner.exited', 2, { code: 1 }],
      ['runner.exited', 3, { code: 2 }],
      ['runner.exited', 4, { code: 3 }],
      ['runner.exited', 5, { code: 5 }],
      ['runner.exited', 6, { code: 7 }],
      ['runner.exited', 7, { code: 134 }],
      ['terminal.line', 8],
    ],
  },
];

function check(c: Case): void {
  const events = typed(parseText(c.text, { file: c.file ?? 'Runner_20240501-100000-utc.log', fileEvent: false }));
  expect(events.map((e) => [e.kind, e.source.line])).toEqual(c.events.map(([kind, line]) => [kind, line]));
  c.events.forEach(([, , fields], i) => {
    if (fields !== undefined) expect(events[i]).toMatchObject(fields);
  });
}

describe('typed events from inline logs', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => check(c));

  it('a held record whose follow-up never comes (`#####`, `WRITE ERROR (exception):`) is reported on its own, not lost', () => {
    const text = log`
      [2024-05-01 10:00:01Z ERR  MessageListener] #####################################################
      [2024-05-01 10:00:01Z INFO MessageListener] Session created.
      [2024-05-01 10:00:02Z ERR  Terminal] WRITE ERROR (exception):
      [2024-05-01 10:00:02Z ERR  Terminal] WRITE ERROR: An error occurred: boom
      [2024-05-01 10:00:03Z ERR  MessageListener] #####################################################
    `;
    expect(parseText(text, { fileEvent: false }).map((e) => [e.kind, e.source.line])).toEqual([
      ['unrecognized', 1],
      ['session.created', 2],
      ['unrecognized', 3],
      ['terminal.error', 4],
      ['unrecognized', 5],
    ]);
    expect(parseText(text, { fileEvent: false, unrecognized: 'none' }).map((e) => e.kind)).toEqual(['session.created', 'terminal.error']);
  });
});

describe('typed events from the grammar fixtures', () => {
  it('crlf: HttpRequestException with inner SocketException; the `#####` re-log folds into one redump event', async () => {
    const { events } = await collect(grammarPath('crlf'));
    const ex = ofKind(events, 'exception');
    expect(ex.map(where)).toEqual(['Runner_20240301-101500-utc.log:17-30', 'Runner_20240301-101500-utc.log:31-36']);
    expect(ex[0]).toMatchObject({
      type: 'System.Net.Http.HttpRequestException',
      message: 'No such host is known. (pipelinesghubeus6.actions.githubusercontent.com:443)',
      inner: [{ type: 'System.Net.Sockets.SocketException', message: 'No such host is known.' }],
      redump: false,
    });
    expect(ex[1]).toMatchObject({ type: 'System.Net.Sockets.SocketException', redump: true });
    expect(ofKind(events, 'http.failure').map((e) => [e.attempt, e.reason, e.final])).toEqual([
      [1, 'Socket Error: HostNotFound', false],
      [2, 'Socket Error: HostNotFound', false],
      [3, 'Socket Error: HostNotFound', false],
      [4, 'Socket Error: HostNotFound', false],
      [5, 'Socket Error: HostNotFound', false],
      [6, 'Socket Error: HostNotFound', true],
    ]);
    expect(only(events, 'runner.started')).toMatchObject({ version: '2.313.0', platform: 'Windows', arch: 'X64', package: 'win-x64' });
    expect(only(events, 'connection.lost')).toMatchObject({ level: 'ERR', time: '2024-03-01T10:43:03Z', source: { line: 38 } });
    expect(only(events, 'connection.restored')).toMatchObject({ time: '2024-03-01T10:44:13Z', source: { line: 43 } });
    expect(events.some((e) => e.text.endsWith('\r'))).toBe(false);
  });

  it('bom-utf8: the agent dialect (AgentProcess, VisualStudioServices, Agent connect error)', async () => {
    const { events } = await collect(grammarPath('bom-utf8'));
    expect(only(events, 'log.file')).toMatchObject({ fileKind: 'agent', process: 'agent', role: 'start' });
    expect(only(events, 'runner.started')).toMatchObject({
      version: '4.263.0',
      agent: true,
      package: 'linux-x64',
      platform: 'Linux',
      arch: 'X64',
      os: 'Ubuntu 22.04.5 LTS',
      source: { line: 5 },
    });
    expect(only(events, 'runner.settings')).toMatchObject({ runnerId: 7, runnerName: 'build-01', serverUrl: 'https://dev.azure.com/acme/', source: { line: 25, endLine: 32 } });
    expect(only(events, 'http.failure')).toMatchObject({ status: 409, statusText: 'Conflict', component: 'VisualStudioServices', method: 'POST' });
    expect(only(events, 'exception')).toMatchObject({
      type: 'Microsoft.TeamFoundation.DistributedTask.WebApi.TaskAgentSessionConflictException',
      source: { line: 44, endLine: 48 },
    });
    expect(only(events, 'connection.lost')).toMatchObject({
      reason: 'The task agent build-01 already has an active session for owner build-01.',
      source: { line: 52 },
    });
    expect(ofKind(events, 'session.created').map((e) => e.source.line)).toEqual([59]);
    expect(only(events, 'connection.restored').source.line).toBe(60);
    expect(only(events, 'runner.listening').source.line).toBe(62);
    expect(events.every((e) => e.process === 'agent')).toBe(true);
  });

  it('no-timestamp: events of timestamp-less records have a null time and keep file order; two conflicts', async () => {
    const { events } = await collect(grammarPath('no-timestamp'));
    expect(only(events, 'log.file').role).toBe('unknown'); // an excerpt that starts mid-stream
    const conflicts = ofKind(events, 'exception');
    expect(conflicts.map((e) => [e.source.line, e.time])).toEqual([
      [5, null],
      [19, null],
    ]);
    expect(only(events, 'connection.lost')).toMatchObject({ time: null, source: { line: 13 } });
    const lines = events.map((e) => e.source.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('stdout form: console echoes are not counted twice; the worker is pid 97; WORKER lines are worker events', async () => {
    const { events } = await collect(grammarPath('stdout-prefixed', 'runner-stdout.log'));
    expect(only(events, 'log.file')).toMatchObject({ fileKind: 'unknown', envelope: 'none', role: 'start' });
    expect(ofKind(events, 'connection.lost').map((e) => e.source.line)).toEqual([49]);
    expect(ofKind(events, 'connection.restored').map((e) => e.source.line)).toEqual([53]);
    expect(ofKind(events, 'runner.listening').map((e) => e.source.line)).toEqual([29]);
    expect(ofKind(events, 'runner.version').map((e) => e.source.line)).toEqual([27]);
    expect(ofKind(events, 'job.started').map((e) => e.source.line)).toEqual([61]);
    expect(ofKind(events, 'job.completed').map((e) => e.source.line)).toEqual([79]);
    for (const line of [28, 30, 50, 54, 62, 81]) {
      expect(events.find((e) => e.source.line === line)?.kind).toBe('terminal.line');
    }
    expect(only(events, 'runner.settings')).toMatchObject({ runnerId: 184, runnerName: 'acme-linux-x64-7kq2f-runner-5dz9w', ephemeral: true, source: { line: 8, endLine: 18 } });
    expect(only(events, 'worker.spawned')).toMatchObject({ pid: 97, source: { line: 65 } });
    expect(only(events, 'process.exited')).toMatchObject({ pid: 97, exitCode: 100, isWorker: true });
    const ipcSent = only(events, 'ipc.sent');
    const ipcReceived = only(events, 'ipc.received');
    expect([ipcSent.source.line, ipcReceived.source.line]).toEqual([67, 70]);
    expect([ipcSent.length, ipcSent.hash]).toEqual([ipcReceived.length, ipcReceived.hash]);
    expect(ipcReceived.process).toBe('worker');
    expect(only(events, 'worker.job_result')).toMatchObject({ result: 'Succeeded', process: 'worker' });
    expect(only(events, 'runner.exited')).toMatchObject({ code: 0, source: { line: 100 } });
    expect(only(events, 'http.timeout')).toMatchObject({ seconds: 60, method: 'GET' });
    const ex = ofKind(events, 'exception');
    expect(ex.map((e) => [where(e), e.type, e.redump])).toEqual([
      ['runner-stdout.log:33-42', 'System.TimeoutException', false],
      ['runner-stdout.log:43-47', 'System.Threading.Tasks.TaskCanceledException', true],
    ]);
  });

  it('kubectl: one session.failed (the console echo is not a second), exit code 1', async () => {
    const { events } = await collect(grammarPath('kubectl', 'runner-pod.log'));
    expect(only(events, 'log.file')).toMatchObject({ envelope: 'kubectl' });
    expect(only(events, 'session.failed').source.line).toBe(40);
    expect(only(events, 'http.failure')).toMatchObject({ status: 400, statusText: 'BadRequest', method: 'POST', source: { line: 29 } });
    expect(only(events, 'exception')).toMatchObject({ type: 'GitHub.Services.OAuth.VssOAuthTokenRequestException', source: { line: 32, endLine: 39 } });
    expect(only(events, 'runner.exited')).toMatchObject({ code: 1, source: { line: 42 } });
  });

  it('journald: listener exit codes from the service host, one connect error, two listening', async () => {
    const { events } = await collect(grammarPath('journald', 'runner-journal.txt'));
    expect(ofKind(events, 'runner.exited').map((e) => [e.code, e.source.line, e.time])).toEqual([
      [2, 16, '2024-11-28T03:12:09Z'],
      [0, 30, '2024-11-28T08:30:03Z'],
    ]);
    expect(ofKind(events, 'runner.listening').map((e) => e.source.line)).toEqual([10, 24]);
    expect(only(events, 'connection.lost').source.line).toBe(13);
    expect(only(events, 'connection.restored').source.line).toBe(14);
    expect(only(events, 'terminal.error').source.line).toBe(15);
    expect(only(events, 'job.completed')).toMatchObject({ name: 'build', result: 'Succeeded', source: { line: 12 } });
  });

  it('continuations: the job message (6-59), the exception chain, the telemetry with two warnings', async () => {
    const { events } = await collect(grammarPath('continuations'));
    expect(only(events, 'worker.job_message')).toMatchObject({
      messageType: 'PipelineAgentJobRequest',
      jobId: '0b7d3e91-5c24-5a8f-b6e0-4d1c9f2a7e35',
      requestId: '52207',
      jobDisplayName: 'deploy',
      runId: '10398276154',
      repository: 'acme/widgets',
      source: { line: 6, endLine: 59 },
    });
    expect(ofKind(events, 'exception').map((e) => [where(e), e.type, e.inner.map((i) => i.type), e.redump])).toEqual([
      ['Worker_20240815-093000-utc.log:64-77', 'System.Net.Http.HttpRequestException', ['System.IO.IOException', 'System.Net.Sockets.SocketException'], false],
      ['Worker_20240815-093000-utc.log:78-86', 'System.IO.IOException', ['System.Net.Sockets.SocketException'], true],
      ['Worker_20240815-093000-utc.log:87-88', 'System.Net.Sockets.SocketException', [], true],
    ]);
    const t = only(events, 'step.telemetry');
    expect(t).toMatchObject({ action: 'setup_job', stepType: 'runner', result: 'succeeded', source: { line: 92, endLine: 105 } });
    expect(t.errorMessages).toHaveLength(2);
    expect(only(events, 'step.started')).toMatchObject({ name: 'Run acme/deploy-action@v2', source: { line: 108 } });
  });

  it('worker-crash: exit 137, crash notice, captured output 38-43, worker killed mid-write', async () => {
    const { events } = await collect(grammarPath('worker-crash'));
    expect(only(events, 'worker.exited')).toMatchObject({ exitCode: 137, source: { line: 29 } });
    expect(only(events, 'worker.crashed')).toMatchObject({ exitCode: 137, source: { line: 30 } });
    const out = only(events, 'worker.output');
    expect(where(out)).toBe('Runner_20240820-140000-utc.log:38-43');
    expect(out.lines[0]).toBe("System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.");
    expect(out.lines[out.lines.length - 1]).toBe('   at GitHub.Runner.Worker.Program.MainAsync(IHostContext context, String[] args)');
    expect(only(events, 'job.completed')).toMatchObject({ result: 'Failed', name: 'test (shard 3)' });
    expect(only(events, 'worker.cancel_received').source.line).toBe(75);
    const last = events.filter((e) => e.source.file.endsWith('Worker_20240820-140002-utc.log')).pop()!;
    expect(last).toMatchObject({ kind: 'unrecognized', level: 'ERR', text: '', source: { line: 76 } });
    expect(ofKind(events, 'job.renewed')).toHaveLength(7);
  });

  it('old-dotnet31: 401 challenge, non-retriable, exit through the Listener exception', async () => {
    const { events } = await collect(grammarPath('old-dotnet31'));
    expect(ofKind(events, 'http.failure').map((e) => [e.source.line, e.method, e.status, e.final])).toEqual([
      [11, null, 401, false],
      [23, 'GET', 401, true],
      [37, 'DELETE', 401, true],
    ]);
    expect(only(events, 'error.classified')).toMatchObject({ retriable: false, source: { line: 35 } });
    expect(ofKind(events, 'exception').map((e) => [where(e), e.component, e.frames])).toEqual([
      ['Runner_20211015-080000-utc.log:25-34', 'MessageListener', 7],
      ['Runner_20211015-080000-utc.log:39-51', 'Listener', 9],
    ]);
    expect(only(events, 'terminal.error')).toMatchObject({ message: expect.stringMatching(/^An error occurred: /), source: { line: 38 } });
    expect(ofKind(events, 'runner.exited')).toEqual([]);
  });

  it('pre-2.164: GitHubActionsRunner lines are HTTP events; the session fails on a deleted runner', async () => {
    const { events } = await collect(grammarPath('pre-2.164'));
    expect(ofKind(events, 'http.operation').map((e) => e.component)).toEqual(['GitHubActionsRunner', 'GitHubActionsRunner']);
    expect(only(events, 'token.acquired').component).toBe('GitHubActionsRunner');
    expect(only(events, 'http.failure')).toMatchObject({ status: 404, statusText: 'NotFound', source: { line: 37 } });
    expect(only(events, 'exception').type).toBe('GitHub.DistributedTask.WebApi.TaskAgentNotFoundException');
    expect(only(events, 'session.failed')).toMatchObject({ message: 'No agent found in pool Default which has an agent ID 12.', source: { line: 47 } });
    expect(only(events, 'runner.settings')).toMatchObject({ runnerId: 12, gitHubUrl: 'https://github.com/acme/widgets' });
  });

  it('selfupdate: script entries in UTC (local time + offset from the file name), raw output kept, the outcome', async () => {
    const { events } = await collect(grammarPath('selfupdate'));
    const failed = events.filter((e) => e.source.file.endsWith('.failed'));
    const scripts = ofKind(failed, 'update.script');
    expect(scripts).toHaveLength(9);
    expect(scripts[0]).toMatchObject({ message: '--------whoami--------', output: ['ghrunner'], time: '2024-06-10T10:15:31Z', process: 'selfupdate' });
    expect(scripts[7]).toMatchObject({
      message: 'move /opt/actions-runner/bin /opt/actions-runner/bin.2.316.1',
      output: ["mv: cannot move '/opt/actions-runner/bin' to '/opt/actions-runner/bin.2.316.1': Permission denied"],
    });
    expect(only(failed, 'update.script_result')).toMatchObject({ result: 'failed', time: '2024-06-10T10:15:36Z', source: { line: 11 } });
    const succeed = events.filter((e) => e.source.file.endsWith('.succeed'));
    expect(only(succeed, 'update.script_result')).toMatchObject({ result: 'succeed', source: { line: 17 } });
    expect(ofKind(succeed, 'update.script').some((e) => e.message === 'Update succeed')).toBe(true);
    expect(ofKind(events, 'log.file').map((e) => [e.role, e.run])).toEqual([
      ['start', 1],
      ['start', 2],
    ]);
  });

  it('check: passes (ping, DNS, HTTPS) and failures (DNS, ping, HTTPS) per check', async () => {
    const { events } = await collect(grammarPath('check'));
    const internet = ofKind(events, 'check.result').filter((e) => e.source.file.includes('InternetCheck'));
    expect(internet.map((e) => [e.check, e.passed, e.source.line])).toEqual([
      ['Ping api.github.com', true, 13],
      ['Resolved DNS for api.github.com', true, 19],
      ["Http request 'GET' to https://api.github.com", true, 68],
    ]);
    const actions = ofKind(events, 'check.result').filter((e) => e.source.file.includes('ActionsCheck'));
    expect(actions.filter((e) => !e.passed).map((e) => [e.check, where(e).split(':').pop()])).toEqual([
      ['Resolved DNS for results-receiver.actions.githubusercontent.com', '131-136'],
      ['Ping api.github.com', '146-152'],
      ["Https request 'GET' to https://results-receiver.actions.githubusercontent.com/health", '175-182'],
      ['Resolved DNS for vstoken.actions.githubusercontent.com', '192-197'],
      ['Ping api.github.com', '207-213'],
      ["Https request 'GET' to https://vstoken.actions.githubusercontent.com/_apis/health", '236-243'],
      ['Resolved DNS for pipelines.actions.githubusercontent.com', '253-258'],
      ['Ping api.github.com', '268-274'],
      ["Https request 'GET' to https://pipelines.actions.githubusercontent.com/_apis/health", '297-304'],
      ["Https request 'POST' to https://pipelines.actions.githubusercontent.com/_apis/health", '327-334'],
    ]);
    expect(actions.filter((e) => e.passed).length).toBeGreaterThanOrEqual(4);
    expect(events.filter((e) => e.kind !== 'log.file').every((e) => e.process === 'check' && e.time !== null)).toBe(true);
  });
});

/** Every log under test-logs/ (files, not notes). */
function fixtureFiles(dir = TEST_LOGS): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...fixtureFiles(path));
    else if (!/\.(md|json)$/.test(name) && name !== '.gitattributes') out.push(path);
  }
  return out;
}

describe('coverage of EVENT_KINDS', () => {
  it('the fixtures and the inline logs together emit every event kind at least once', async () => {
    const seen = new Set<string>();
    const add = (events: readonly RunlogEvent[]): void => {
      for (const e of events) seen.add(e.kind);
    };
    for (const c of CASES) add(parseText(c.text, { file: c.file ?? 'Runner_20240501-100000-utc.log' }));
    for (const file of fixtureFiles()) add((await collect(file)).events);
    add((await collect(FULL)).events); // job.linked needs Runner and Worker together
    expect(EVENT_KINDS.filter((k) => !seen.has(k))).toEqual([]);
    expect([...seen].filter((k) => !(EVENT_KINDS as readonly string[]).includes(k))).toEqual([]);
  });

  it('every event carries its base fields', async () => {
    const events = [...(await collect(FULL)).events, ...CASES.flatMap((c) => parseText(c.text, { file: c.file ?? 'Runner_20240501-100000-utc.log' }))];
    for (const e of events) {
      expect(typeof e.kind).toBe('string');
      expect(e.time === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(e.time)).toBe(true);
      expect(e.source.line).toBeGreaterThanOrEqual(1);
      expect(e.source.endLine).toBeGreaterThanOrEqual(e.source.line);
      expect(['runner', 'worker', 'agent', 'selfupdate', 'check', 'service', 'unknown']).toContain(e.process);
      expect(typeof e.text).toBe('string');
      expect(e.text.length).toBeLessThanOrEqual(2000);
    }
  });
});

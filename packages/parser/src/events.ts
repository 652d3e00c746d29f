/**
 * Typed events: the parser's public output. A discriminated union keyed by `kind`.
 *
 * Every event carries where it came from (`source`), when (`time`, ISO-8601 UTC or null),
 * the trace level and component of its record, and `text`: the first line of the record's
 * message (capped), so that evidence can always be quoted without re-reading the file.
 */
import type { FileKind, Level, ProcessKind, Envelope } from './records.js';

export interface SourceRef {
  /** Display path of the file (archive members read `outer.zip!inner/path`). */
  file: string;
  /** First line of the record (1-based). */
  line: number;
  /** Last line of the record (1-based, inclusive). */
  endLine: number;
}

export interface EventBase<K extends string> {
  kind: K;
  time: string | null;
  source: SourceRef;
  process: ProcessKind;
  level: Level;
  component: string;
  text: string;
}

/** Declares an event kind with its own fields. */
type Ev<K extends string, F = object> = EventBase<K> & F;

/** .NET job results (TaskResult) as the runner logs them. */
export type JobResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled' | 'Skipped' | 'Abandoned';

export interface ExceptionInfo {
  /** Fully qualified type, e.g. `GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException`. */
  type: string;
  message: string;
}

// ── files and process runs ──────────────────────────────────────────────────────────────

export type LogFileEvent = Ev<
  'log.file',
  {
    fileKind: FileKind;
    /** `start`: a process began writing this file; `rollover`: an 8 MB page continuing the previous one. */
    role: 'start' | 'rollover' | 'unknown';
    /** UTC time from the file name, when it has one. */
    nameTime: string | null;
    /** Process run this file belongs to, counted per file kind in name order (1-based). */
    run: number;
    envelope: Envelope;
    encoding: string;
  }
>;

// ── listener startup and configuration ───────────────────────────────────────────────────

export type RunnerStartedEvent = Ev<
  'runner.started',
  {
    version: string;
    os: string | null;
    arch: string | null;
    platform: string | null;
    package: string | null;
    /** True for the Azure Pipelines agent (`Agent_*.log`). */
    agent: boolean;
  }
>;
export type RunnerSettingsEvent = Ev<
  'runner.settings',
  {
    runnerName: string | null;
    runnerId: number | null;
    poolId: number | null;
    poolName: string | null;
    serverUrl: string | null;
    serverUrlV2: string | null;
    gitHubUrl: string | null;
    workFolder: string | null;
    ephemeral: boolean | null;
    disableUpdate: boolean | null;
    useV2Flow: boolean | null;
  }
>;
export type RunnerVersionEvent = Ev<'runner.version', { version: string }>;
export type RunnerCommandEvent = Ev<'runner.command', { command: string }>;
export type RunnerOptionEvent = Ev<'runner.option', { optionKind: 'arg' | 'flag' | 'env'; name: string; value: string }>;
export type RunnerListeningEvent = Ev<'runner.listening'>;
export type RunnerProxyEvent = Ev<'runner.proxy', { url: string | null; authenticated: boolean }>;
export type RunnerInsecureTlsEvent = Ev<'runner.insecure_tls'>;
export type RunnerHttpTraceEvent = Ev<'runner.http_trace'>;
export type RunnerFlowEvent = Ev<'runner.flow', { flow: 'broker' | 'v1' }>;
export type RunnerShutdownEvent = Ev<'runner.shutdown', { reason: string }>;
export type RunnerExitedEvent = Ev<'runner.exited', { code: number; cancelled: boolean }>;

// ── session and credentials ───────────────────────────────────────────────────────────────

export type SessionAttemptEvent = Ev<'session.attempt'>;
export type SessionCreatedEvent = Ev<'session.created'>;
export type SessionCreateErrorEvent = Ev<'session.create_error'>;
export type SessionConflictEvent = Ev<'session.conflict', { final: boolean }>;
export type SessionFailedEvent = Ev<'session.failed', { message: string }>;
export type SessionDeletedEvent = Ev<'session.deleted'>;
export type SessionRecoveredEvent = Ev<'session.recovered'>;
export type TokenAcquiredEvent = Ev<'token.acquired'>;
export type TokenFailedEvent = Ev<'token.failed', { reason: string | null }>;
export type TokenRevokedEvent = Ev<'token.revoked'>;
export type ConfigRefreshedEvent = Ev<'config.refreshed', { stage: string }>;

// ── polling and connectivity ──────────────────────────────────────────────────────────────

export type PollErrorEvent = Ev<'poll.error'>;
export type PollHeartbeatEvent = Ev<'poll.heartbeat', { sessionId: string | null }>;
export type PollEmptyEvent = Ev<'poll.empty'>;
export type PollCancelledEvent = Ev<'poll.cancelled'>;
export type ErrorClassifiedEvent = Ev<'error.classified', { retriable: boolean; message: string }>;
export type ConnectionLostEvent = Ev<'connection.lost', { reason: string }>;
export type ConnectionRestoredEvent = Ev<'connection.restored'>;
export type ConnectionRefreshedEvent = Ev<'connection.refreshed'>;
export type ConnectRetryEvent = Ev<'connect.retry', { attemptsLeft: number | null }>;
export type RetrySleepEvent = Ev<
  'retry.sleep',
  { seconds: number; attemptsLeft: number | null; errorCount: number | null }
>;
export type MessageReceivedEvent = Ev<'message.received', { messageId: string; sessionId: string | null }>;
export type MessageUnsupportedEvent = Ev<'message.unsupported', { messageId: string | null; messageType: string }>;
export type BrokerMigrationEvent = Ev<'broker.migration'>;
export type BrokerRequestErrorEvent = Ev<'broker.request_error'>;
export type JobStatusEvent = Ev<'job.status', { state: string }>;

// ── HTTP layer (GitHubActionsService / VisualStudioServices) ──────────────────────────────

export type HttpFailureEvent = Ev<
  'http.failure',
  {
    method: string | null;
    url: string | null;
    /** Numeric HTTP status (503), or null when the failure was not an HTTP status (socket error, exception). */
    status: number | null;
    /** The status as logged (`ServiceUnavailable`), or null. */
    statusText: string | null;
    /** The non-HTTP reason as logged (`Socket Error: HostNotFound`, an exception text), or null. */
    reason: string | null;
    /** Attempt number for retried requests, or null. */
    attempt: number | null;
    /** True when the HTTP layer gives up (no further retry at this layer). */
    final: boolean;
    retryInSeconds: number | null;
  }
>;
export type HttpTimeoutEvent = Ev<'http.timeout', { method: string; url: string; seconds: number }>;
export type HttpCancelledEvent = Ev<'http.cancelled', { method: string; url: string }>;
export type HttpSuccessEvent = Ev<'http.success', { method: string; url: string; status: number }>;
export type HttpOperationEvent = Ev<'http.operation', { operation: string; phase: 'start' | 'finish' }>;

// ── exceptions and the runner's own words ─────────────────────────────────────────────────

export type ExceptionEvent = Ev<
  'exception',
  ExceptionInfo & {
    inner: ExceptionInfo[];
    /** Number of stack frame lines in the dump. */
    frames: number;
    /** True for an inner exception the runner logs again after a `#####` separator. */
    redump: boolean;
  }
>;
export type TerminalErrorEvent = Ev<'terminal.error', { message: string }>;
export type TerminalLineEvent = Ev<'terminal.line', { message: string }>;

// ── jobs, listener side ───────────────────────────────────────────────────────────────────

export type JobMessageEvent = Ev<'job.message', { length: number; hash: string }>;
export type JobAcknowledgedEvent = Ev<'job.acknowledged', { requestId: string }>;
export type JobReceivedEvent = Ev<'job.received', { requestId: string; planId: string; jobId: string }>;
export type JobStartedEvent = Ev<'job.started', { jobId: string | null; name: string }>;
export type JobRenewedEvent = Ev<'job.renewed', { requestId: string | null; jobId: string | null }>;
export type JobRenewErrorEvent = Ev<'job.renew_error', { requestId: string | null; retrying: boolean }>;
export type JobRenewRejectedEvent = Ev<'job.renew_rejected', { requestId: string | null; reason: string }>;
export type JobLockLostEvent = Ev<
  'job.lock_lost',
  { requestId: string | null; jobId: string | null; firstRenewal: boolean }
>;
export type JobCancelRequestedEvent = Ev<'job.cancel_requested', { jobId: string; timeoutMinutes: number | null }>;
export type JobCancelSentEvent = Ev<'job.cancel_sent', { jobId: string }>;
export type JobCompletedEvent = Ev<'job.completed', { jobId: string | null; name: string | null; result: string }>;
export type JobSkippedEvent = Ev<'job.skipped', { reason: string }>;
export type JobAcquireErrorEvent = Ev<'job.acquire_error', { message: string }>;
export type JobStateMismatchEvent = Ev<'job.state_mismatch', { jobId: string | null }>;
export type JobCompletionErrorEvent = Ev<'job.completion_error', { requestId: string | null; jobId: string | null }>;
export type WorkerSpawnedEvent = Ev<'worker.spawned', { pid: number }>;
export type WorkerExitedEvent = Ev<'worker.exited', { jobId: string | null; exitCode: number }>;
export type ProcessExitedEvent = Ev<
  'process.exited',
  { pid: number; exitCode: number; elapsed: string | null; isWorker: boolean }
>;
export type WorkerCrashedEvent = Ev<'worker.crashed', { exitCode: number | null }>;
export type WorkerOutputEvent = Ev<'worker.output', { lines: string[] }>;
export type WorkerKilledEvent = Ev<'worker.killed', { jobId: string | null; reason: 'cancel-timeout' | 'ipc-failed' | 'killed' }>;
export type IpcSentEvent = Ev<'ipc.sent', { length: number; hash: string }>;
export type IpcReceivedEvent = Ev<'ipc.received', { length: number; hash: string }>;

// ── worker side ───────────────────────────────────────────────────────────────────────────

export type WorkerStartedEvent = Ev<'worker.started', { version: string }>;
export type WorkerJobMessageEvent = Ev<
  'worker.job_message',
  {
    jobId: string | null;
    jobDisplayName: string | null;
    jobName: string | null;
    requestId: string | null;
    planId: string | null;
    messageType: string | null;
    repository: string | null;
    workflow: string | null;
    runId: string | null;
  }
>;
export type WorkerJobIdEvent = Ev<'worker.job_id', { jobId: string }>;
export type WorkerJobResultEvent = Ev<'worker.job_result', { result: string }>;
export type WorkerJobCompletedEvent = Ev<'worker.job_completed'>;
export type WorkerCancelReceivedEvent = Ev<'worker.cancel_received'>;
export type StepStartedEvent = Ev<'step.started', { name: string | null }>;
export type StepSkippedEvent = Ev<'step.skipped', { name: string | null }>;
export type StepCompletedEvent = Ev<'step.completed', { name: string | null; result: string }>;
export type StepErrorEvent = Ev<'step.error', { name: string | null; timeout: boolean; message: string }>;
export type StepTelemetryEvent = Ev<
  'step.telemetry',
  {
    action: string | null;
    ref: string | null;
    stepType: string | null;
    stage: string | null;
    stepId: string | null;
    result: string | null;
    errorMessages: string[];
    executionTimeInSeconds: number | null;
  }
>;
export type ThrottledEvent = Ev<'service.throttled', { delayMs: number | null }>;
export type UploadErrorEvent = Ev<'upload.error'>;

// ── self-update ───────────────────────────────────────────────────────────────────────────

export type UpdateRequestedEvent = Ev<'update.requested'>;
export type UpdateAvailableEvent = Ev<'update.available', { version: string | null }>;
export type UpdateDownloadEvent = Ev<'update.download', { attempt: number | null }>;
export type UpdateDownloadFailedEvent = Ev<'update.download_failed', { timeoutSeconds: number | null }>;
export type UpdateFailedEvent = Ev<'update.failed', { message: string }>;
export type UpdateReadyEvent = Ev<'update.ready'>;
export type UpdateSkippedEvent = Ev<'update.skipped'>;
export type UpdateApplyingEvent = Ev<'update.applying'>;
export type UpdateScriptEvent = Ev<
  'update.script',
  {
    message: string;
    /** Raw command output the script let through below this entry (`mv: cannot move ...`), one string per line. */
    output: string[];
  }
>;
export type UpdateScriptResultEvent = Ev<'update.script_result', { result: string }>;

// ── run.sh --check ───────────────────────────────────────────────────────────────────────

export type CheckResultEvent = Ev<'check.result', { check: string; passed: boolean }>;

// ── anything else ─────────────────────────────────────────────────────────────────────────

export type UnrecognizedEvent = Ev<'unrecognized'>;

export type RunlogEvent =
  | LogFileEvent
  | RunnerStartedEvent
  | RunnerSettingsEvent
  | RunnerVersionEvent
  | RunnerCommandEvent
  | RunnerOptionEvent
  | RunnerListeningEvent
  | RunnerProxyEvent
  | RunnerInsecureTlsEvent
  | RunnerHttpTraceEvent
  | RunnerFlowEvent
  | RunnerShutdownEvent
  | RunnerExitedEvent
  | SessionAttemptEvent
  | SessionCreatedEvent
  | SessionCreateErrorEvent
  | SessionConflictEvent
  | SessionFailedEvent
  | SessionDeletedEvent
  | SessionRecoveredEvent
  | TokenAcquiredEvent
  | TokenFailedEvent
  | TokenRevokedEvent
  | ConfigRefreshedEvent
  | PollErrorEvent
  | PollHeartbeatEvent
  | PollEmptyEvent
  | PollCancelledEvent
  | ErrorClassifiedEvent
  | ConnectionLostEvent
  | ConnectionRestoredEvent
  | ConnectionRefreshedEvent
  | ConnectRetryEvent
  | RetrySleepEvent
  | MessageReceivedEvent
  | MessageUnsupportedEvent
  | BrokerMigrationEvent
  | BrokerRequestErrorEvent
  | JobStatusEvent
  | HttpFailureEvent
  | HttpTimeoutEvent
  | HttpCancelledEvent
  | HttpSuccessEvent
  | HttpOperationEvent
  | ExceptionEvent
  | TerminalErrorEvent
  | TerminalLineEvent
  | JobMessageEvent
  | JobAcknowledgedEvent
  | JobReceivedEvent
  | JobStartedEvent
  | JobRenewedEvent
  | JobRenewErrorEvent
  | JobRenewRejectedEvent
  | JobLockLostEvent
  | JobCancelRequestedEvent
  | JobCancelSentEvent
  | JobCompletedEvent
  | JobSkippedEvent
  | JobAcquireErrorEvent
  | JobStateMismatchEvent
  | JobCompletionErrorEvent
  | WorkerSpawnedEvent
  | WorkerExitedEvent
  | ProcessExitedEvent
  | WorkerCrashedEvent
  | WorkerOutputEvent
  | WorkerKilledEvent
  | IpcSentEvent
  | IpcReceivedEvent
  | WorkerStartedEvent
  | WorkerJobMessageEvent
  | WorkerJobIdEvent
  | WorkerJobResultEvent
  | WorkerJobCompletedEvent
  | WorkerCancelReceivedEvent
  | StepStartedEvent
  | StepSkippedEvent
  | StepCompletedEvent
  | StepErrorEvent
  | StepTelemetryEvent
  | ThrottledEvent
  | UploadErrorEvent
  | UpdateRequestedEvent
  | UpdateAvailableEvent
  | UpdateDownloadEvent
  | UpdateDownloadFailedEvent
  | UpdateFailedEvent
  | UpdateReadyEvent
  | UpdateSkippedEvent
  | UpdateApplyingEvent
  | UpdateScriptEvent
  | UpdateScriptResultEvent
  | CheckResultEvent
  | JobLinkedEvent
  | UnrecognizedEvent;

/** Emitted by `readDiag` when a Worker log has been tied to the job the Runner log dispatched (spec §1.6). */
export type JobLinkedEvent = Ev<
  'job.linked',
  {
    jobId: string | null;
    requestId: string | null;
    workerFile: string;
    runnerFile: string | null;
    /** Which correlation key decided the link, strongest first. */
    by: 'jobId' | 'ipc' | 'requestId' | 'time';
  }
>;

export type EventKind = RunlogEvent['kind'];

/** The event of one kind: `EventOfKind<'http.failure'>`. */
export type EventOfKind<K extends EventKind> = Extract<RunlogEvent, { kind: K }>;

/**
 * Every kind, in a stable order. `satisfies` keeps this list and the union in step: a kind
 * added to the union but not here fails to compile (see `assertAllKinds`).
 */
export const EVENT_KINDS = [
  'log.file',
  'runner.started',
  'runner.settings',
  'runner.version',
  'runner.command',
  'runner.option',
  'runner.listening',
  'runner.proxy',
  'runner.insecure_tls',
  'runner.http_trace',
  'runner.flow',
  'runner.shutdown',
  'runner.exited',
  'session.attempt',
  'session.created',
  'session.create_error',
  'session.conflict',
  'session.failed',
  'session.deleted',
  'session.recovered',
  'token.acquired',
  'token.failed',
  'token.revoked',
  'config.refreshed',
  'poll.error',
  'poll.heartbeat',
  'poll.empty',
  'poll.cancelled',
  'error.classified',
  'connection.lost',
  'connection.restored',
  'connection.refreshed',
  'connect.retry',
  'retry.sleep',
  'message.received',
  'message.unsupported',
  'broker.migration',
  'broker.request_error',
  'job.status',
  'http.failure',
  'http.timeout',
  'http.cancelled',
  'http.success',
  'http.operation',
  'exception',
  'terminal.error',
  'terminal.line',
  'job.message',
  'job.acknowledged',
  'job.received',
  'job.started',
  'job.renewed',
  'job.renew_error',
  'job.renew_rejected',
  'job.lock_lost',
  'job.cancel_requested',
  'job.cancel_sent',
  'job.completed',
  'job.skipped',
  'job.acquire_error',
  'job.state_mismatch',
  'job.completion_error',
  'job.linked',
  'worker.spawned',
  'worker.exited',
  'process.exited',
  'worker.crashed',
  'worker.output',
  'worker.killed',
  'ipc.sent',
  'ipc.received',
  'worker.started',
  'worker.job_message',
  'worker.job_id',
  'worker.job_result',
  'worker.job_completed',
  'worker.cancel_received',
  'step.started',
  'step.skipped',
  'step.completed',
  'step.error',
  'step.telemetry',
  'service.throttled',
  'upload.error',
  'update.requested',
  'update.available',
  'update.download',
  'update.download_failed',
  'update.failed',
  'update.ready',
  'update.skipped',
  'update.applying',
  'update.script',
  'update.script_result',
  'check.result',
  'unrecognized',
] as const satisfies readonly EventKind[];

type MissingKinds = Exclude<EventKind, (typeof EVENT_KINDS)[number]>;
/** Compile-time check: fails when a kind of the union is missing from EVENT_KINDS. */
export const assertAllKinds: MissingKinds extends never ? true : MissingKinds = true;

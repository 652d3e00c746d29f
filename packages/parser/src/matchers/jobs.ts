/**
 * Job handling in the Listener (`JobDispatcher`, `ProcessChannel`, `ProcessInvokerWrapper`;
 * spec §1.6, §3.4, §3.5, F24–F32) and in the Worker (`Worker`, `JobRunner`, `StepsRunner`,
 * `ExecutionContext`, `JobServerQueue`; spec §1.5, §3.9).
 */
import type { FileContext } from '../context.js';
import type { RunlogEvent } from '../events.js';
import type { LogRecord } from '../records.js';
import { after, between, firstDigits, leadingInt, stripPeriod, wordAt } from '../text.js';
import { parseJobMessage, parseStepTelemetry } from './json.js';

function requestJob(ctx: FileContext, requestId: string | null): string | null {
  return requestId === null ? null : ctx.requestJobs.get(requestId) ?? null;
}

export function matchJobDispatcher(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  // Job request <requestId> for plan <planId> job <jobId> received.
  const jobRequest = after(m, 'Job request ');
  if (jobRequest !== null && m.includes(' for plan ') && m.endsWith(' received.')) {
    const requestId = wordAt(jobRequest, 0);
    const planId = between(m, ' for plan ', ' job ') ?? '';
    const jobId = stripPeriod(between(m, ' job ', ' received') ?? '').trim();
    ctx.lastJobId = jobId;
    ctx.dispatchPending = true;
    ctx.requestJobs.set(requestId, jobId);
    return ctx.make('job.received', r, { requestId, planId, jobId });
  }
  if (m.startsWith('Successfully renew job ')) {
    const isRequest = m.startsWith('Successfully renew job request ');
    const id = wordAt(m, isRequest ? 31 : 23).replace(/,$/, '');
    return ctx.make('job.renewed', r, isRequest ? { requestId: id, jobId: requestJob(ctx, id) } : { requestId: null, jobId: id });
  }
  const renewError = after(m, 'Catch exception during renew runner jobrequest ') ?? after(m, 'Catch exception during renew agent jobrequest ');
  if (renewError !== null) {
    return ctx.make('job.renew_error', r, { requestId: firstDigits(renewError), retrying: false });
  }
  const retrying = after(m, 'Retrying lock renewal for jobrequest ');
  if (retrying !== null) return ctx.make('job.renew_error', r, { requestId: firstDigits(retrying), retrying: true });
  const outOfRetry = after(m, 'Lock renewal has run out of retry, stop renew lock for jobrequest ');
  if (outOfRetry !== null) {
    const requestId = firstDigits(outOfRetry);
    return ctx.make('job.lock_lost', r, { requestId, jobId: requestJob(ctx, requestId), firstRenewal: false });
  }
  const firstRenew = after(m, 'Unable to renew job request for job ');
  if (firstRenew !== null) {
    return ctx.make('job.lock_lost', r, { requestId: null, jobId: wordAt(firstRenew, 0), firstRenewal: true });
  }
  // `TaskAgentJobNotFoundException received when renew job request <r>, ...`
  // `TaskAgentJobTokenExpiredException received renew job request <r>, ...`
  const renewAt = m.indexOf(' renew job request ');
  if (renewAt > 0 && m.includes('Exception received')) {
    return ctx.make('job.renew_rejected', r, {
      requestId: firstDigits(m, renewAt),
      reason: wordAt(m, 0),
    });
  }
  const cancel = after(m, 'Job cancellation request ');
  if (cancel !== null) {
    const timeout = between(m, 'cancellation timeout ', ' minute');
    return ctx.make('job.cancel_requested', r, {
      jobId: wordAt(cancel, 0),
      timeoutMinutes: timeout === null ? null : leadingInt(timeout),
    });
  }
  const cancelSent = after(m, 'Send job cancellation message to worker for job ');
  if (cancelSent !== null) return ctx.make('job.cancel_sent', r, { jobId: stripPeriod(cancelSent.trim()) });
  const workerFinished = after(m, 'Worker finished for job ');
  if (workerFinished !== null) {
    const codeAt = workerFinished.indexOf('Code: ');
    const exitCode = codeAt < 0 ? null : leadingInt(workerFinished, codeAt + 6);
    if (exitCode !== null) {
      return ctx.make('worker.exited', r, { jobId: stripPeriod(wordAt(workerFinished, 0)), exitCode });
    }
  }
  const finish = after(m, 'finish job request for job ');
  if (finish !== null) {
    const jobId = wordAt(finish, 0);
    const result = (after(finish.slice(jobId.length), ' with result: ') ?? '').trim();
    ctx.lastCompletion = { jobId, result, line: r.line };
    return ctx.make('job.completed', r, { jobId, name: ctx.jobNames.get(jobId) ?? null, result });
  }
  const crash = after(m, 'Return code ');
  if (crash !== null && m.includes('indicate worker encounter an unhandled exception')) {
    return ctx.make('worker.crashed', r, { exitCode: leadingInt(crash) });
  }
  if (m.includes("haven't exit within cancellation timout") || m.includes("haven't exit within cancellation timeout")) {
    return ctx.make('worker.killed', r, { jobId: between(m, 'for job ', ' ') , reason: 'cancel-timeout' });
  }
  if ((m.startsWith('Job request message sending for job ') || m.startsWith('Job cancel message sending for job ')) && m.includes('kill running worker')) {
    return ctx.make('worker.killed', r, { jobId: between(m, 'for job ', ' '), reason: 'ipc-failed' });
  }
  if (m.startsWith('worker process has been killed')) return ctx.make('worker.killed', r, { jobId: null, reason: 'killed' });
  if (
    m.startsWith('Received job request while previous job ') ||
    m.startsWith('Catch job-not-found exception while checking jobrequest ') ||
    m.startsWith('Catch exception while checking jobrequest ') ||
    m.startsWith('We are not yet checking the state of jobrequest ') ||
    m.startsWith('Server send a new job request while the previous job request ') ||
    m.startsWith('Job dispatch process for ')
  ) {
    // `... while previous job <j> still running`, `... the previous job request <j> haven't finished`,
    // `... checking jobrequest <j> status`, `Job dispatch process for <j> has ...` (the first
    // `job ` of `Received job request` is not the id).
    const id =
      between(m, 'previous job request ', ' ') ??
      between(m, 'previous job ', ' ') ??
      between(m, 'jobrequest ', ' ') ??
      between(m, ' for ', ' ');
    return ctx.make('job.state_mismatch', r, { jobId: id });
  }
  const complete = after(m, 'Catch exception during complete runner jobrequest ') ?? after(m, 'Catch exception during complete agent jobrequest ');
  if (complete !== null) return ctx.make('job.completion_error', r, { requestId: firstDigits(complete), jobId: null });
  const dispatchFailed = after(m, 'Worker Dispatch failed with an exception for job request ');
  if (dispatchFailed !== null) return ctx.make('job.completion_error', r, { requestId: null, jobId: stripPeriod(dispatchFailed.trim()) });
  return null;
}

export function matchProcessChannel(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const sending = after(m, 'Sending message of length ');
  if (sending !== null) return ctx.make('ipc.sent', r, { length: leadingInt(sending) ?? 0, hash: between(sending, "'", "'") ?? '' });
  const receiving = after(m, 'Receiving message of length ');
  if (receiving !== null) {
    return ctx.make('ipc.received', r, { length: leadingInt(receiving) ?? 0, hash: between(receiving, "'", "'") ?? '' });
  }
  return null;
}

export function matchProcessInvoker(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  // `  File name: '...'` is indented: skip the trim (an allocation) for every other line.
  const fileName = m.charCodeAt(0) === 32 ? after(m.trimStart(), "File name: '") : null;
  if (fileName !== null) {
    // Runner.Worker or Agent.Worker, with or without .exe
    ctx.spawnTarget = /(?:Runner|Agent)\.Worker(?:\.exe)?'$/.test(fileName) ? 'worker' : 'other';
    return null;
  }
  const started = after(m, 'Process started with process id ');
  if (started !== null) {
    const target = ctx.spawnTarget;
    ctx.spawnTarget = null;
    // Pasted excerpts often drop the `Starting process:` block; then the process the Listener
    // starts between a job's dispatch and its hand-over is that job's worker.
    const isWorker =
      target === 'worker' || (target === null && ctx.dispatchPending && r.host !== 'WORKER' && ctx.fileKind !== 'worker');
    const pid = leadingInt(started);
    if (isWorker && pid !== null) {
      ctx.dispatchPending = false;
      ctx.workerPids.add(pid);
      return ctx.make('worker.spawned', r, { pid });
    }
  }
  const finished = after(m, 'Finished process ');
  if (finished !== null) {
    const pid = leadingInt(finished);
    const codeAt = finished.indexOf('with exit code ');
    const exitCode = codeAt < 0 ? null : leadingInt(finished, codeAt + 15);
    if (pid === null || exitCode === null) return null;
    const elapsedAt = finished.indexOf('elapsed time ');
    const elapsed = elapsedAt < 0 ? null : stripPeriod(finished.slice(elapsedAt + 13).trim());
    const isWorker = ctx.workerPids.delete(pid);
    return ctx.make('process.exited', r, { pid, exitCode, elapsed, isWorker });
  }
  return null;
}

export function matchWorker(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const version = after(m, 'Version: ');
  if (version !== null) return ctx.make('worker.started', r, { version: version.trim() });
  if (m.trimEnd() === 'Job message:') return ctx.make('worker.job_message', r, parseJobMessage(r.continuation));
  if (m === 'Job completed.') return ctx.make('worker.job_completed', r, {});
  if (m.startsWith('Cancellation/Shutdown message received')) return ctx.make('worker.cancel_received', r, {});
  return null;
}

export function matchJobRunner(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const jobId = after(m, 'Job ID ');
  if (jobId !== null) return ctx.make('worker.job_id', r, { jobId: jobId.trim() });
  const result = after(m, 'Job result after all job steps finish: ');
  if (result !== null) return ctx.make('worker.job_result', r, { result: result.trim() });
  if (m.startsWith('Catch exception while attempting to ') && m.includes(', job request ')) {
    return ctx.make('job.completion_error', r, {
      requestId: firstDigits(m, m.indexOf(', job request ')),
      jobId: between(m, ' job ', ',') ?? null,
    });
  }
  return null;
}

export function matchStepsRunner(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const processing = after(m, "Processing step: DisplayName='");
  if (processing !== null) {
    const name = processing.endsWith("'") ? processing.slice(0, -1) : processing;
    ctx.currentStep = name;
    return ctx.make('step.started', r, { name });
  }
  if (m.startsWith('Skipping step due to condition evaluation')) return ctx.make('step.skipped', r, { name: ctx.currentStep });
  const result = after(m, 'Step result: ');
  if (result !== null) return ctx.make('step.completed', r, { name: ctx.currentStep, result: result.trim() || 'Unknown' });
  const timeout = after(m, 'Caught timeout exception from step: ');
  if (timeout !== null) return ctx.make('step.error', r, { name: ctx.currentStep, timeout: true, message: timeout });
  const error = after(m, 'Caught exception from step: ');
  if (error !== null) return ctx.make('step.error', r, { name: ctx.currentStep, timeout: false, message: error });
  return null;
}

export function matchExecutionContext(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  if (r.message.startsWith('Publish step telemetry for current step')) {
    return ctx.make('step.telemetry', r, parseStepTelemetry(r.continuation));
  }
  return null;
}

export function matchJobServerQueue(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const throttled = after(m, 'Receive server throttling report, expect delay ');
  if (throttled !== null) return ctx.make('service.throttled', r, { delayMs: leadingInt(throttled) });
  if (
    m.startsWith('Catch exception during log or attachment file upload') ||
    m.startsWith('Catch exception during file upload to results') ||
    m.startsWith('Fail to update timeline records with output variables') ||
    m.startsWith('Catch exception during update timeline records') ||
    m.startsWith('Catch exception during append web console line')
  ) {
    return ctx.make('upload.error', r, {});
  }
  return null;
}

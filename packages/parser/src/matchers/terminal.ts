/**
 * What the runner prints to its console (spec §2.7): the `Terminal` trace source
 * (`WRITE LINE:` / `WRITE ERROR:`), and the same text when it reaches us without a trace
 * header (journald, container stdout, pasted console output). These are the runner's most
 * stable, user-facing statements, and often its own conclusion about what went wrong.
 */
import type { FileContext } from '../context.js';
import type { RunlogEvent } from '../events.js';
import { consoleTimestampLength } from '../header.js';
import type { LogRecord } from '../records.js';
import { after, between, leadingInt, stripPeriod } from '../text.js';

type Channel = 'line' | 'error' | 'console';

/** Splits `WRITE LINE: text` / `WRITE ERROR: text` / `WRITE: text`. */
function splitTerminal(message: string): { channel: Channel; text: string } | null {
  let t = after(message, 'WRITE LINE: ');
  if (t !== null) return { channel: 'line', text: t };
  if (message === 'WRITE LINE:' || message === 'WRITE LINE: ') return { channel: 'line', text: '' };
  t = after(message, 'WRITE ERROR: ');
  if (t !== null) return { channel: 'error', text: t };
  t = after(message, 'WRITE: ');
  if (t !== null) return { channel: 'line', text: t };
  return null;
}

export function matchTerminal(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const split = splitTerminal(r.message);
  if (split === null) return null; // READ LINE, WRITE ERROR (exception): fall through to the generic path
  return matchConsoleText(r, ctx, split.channel, split.text);
}

export function matchConsole(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  return matchConsoleText(r, ctx, 'console', r.message);
}

/** Lines between a traced `WRITE LINE` and its console copy (other processes' lines can interleave). */
const ECHO_WINDOW = 5;

function matchConsoleText(r: LogRecord, ctx: FileContext, channel: Channel, raw: string): RunlogEvent {
  const tsLen = consoleTimestampLength(raw);
  const text = tsLen > 0 ? raw.slice(tsLen) : raw;
  if (channel !== 'console') {
    ctx.lastTerminal = { text: raw, line: r.endLine };
  } else {
    // In the stdout form the Listener prints each console line right after tracing it: the
    // copy says nothing new (one `Runner connect error`, not two).
    const traced = ctx.lastTerminal;
    if (traced !== null && traced.text === raw && r.line - traced.line <= ECHO_WINDOW) {
      ctx.lastTerminal = null;
      return ctx.make('terminal.line', r, { message: text });
    }
  }

  // "<ts>: Runner connect error: <reason>. Retrying until reconnected." (Agent connect error, for the agent)
  const connectError = afterEither(text, 'Runner connect error: ', 'Agent connect error: ');
  if (connectError !== null) {
    const cut = connectError.lastIndexOf('. Retrying until reconnected');
    return ctx.make('connection.lost', r, { reason: cut >= 0 ? connectError.slice(0, cut) : stripPeriod(connectError) });
  }
  if (text.startsWith('Runner reconnected') || text.startsWith('Agent reconnected')) {
    return ctx.make('connection.restored', r, {});
  }
  if (text === 'Listening for Jobs') return ctx.make('runner.listening', r, {});
  const version = between(text, "Current runner version: '", "'") ?? between(text, "Current agent version: '", "'");
  if (version !== null) return ctx.make('runner.version', r, { version });
  const running = after(text, 'Running job: ');
  if (running !== null) {
    const jobId = ctx.lastJobId;
    if (jobId !== null) ctx.jobNames.set(jobId, running);
    return ctx.make('job.started', r, { jobId, name: running });
  }
  if (text.startsWith('Job ') && text.includes(' completed with result: ')) {
    const at = text.lastIndexOf(' completed with result: ');
    const name = text.slice(4, at);
    const result = text.slice(at + 24).trim();
    const prev = ctx.lastCompletion;
    // The console echo of a completion the dispatcher already logged is not a second completion.
    if (prev !== null && prev.result === result && r.line - prev.line <= 3) {
      return ctx.make('terminal.line', r, { message: text });
    }
    let jobId: string | null = null;
    for (const [id, n] of ctx.jobNames) if (n === name) jobId = id;
    return ctx.make('job.completed', r, { jobId, name, result });
  }
  if (text.startsWith('A session for this runner already exists') || text.startsWith('A session for this agent already exists')) {
    return ctx.make('session.conflict', r, { final: false });
  }
  if (text.startsWith('Stop retry on SessionConflictException')) return ctx.make('session.conflict', r, { final: true });
  const failedSession = afterEither(text, 'Failed to create session. ', 'Failed to create a session. ');
  if (failedSession !== null) return ctx.make('session.failed', r, { message: failedSession });
  const updateFailed = after(text, 'Runner update failed: ');
  if (updateFailed !== null) return ctx.make('update.failed', r, { message: updateFailed });
  if (text.startsWith('Runner will exit shortly for update') || text.startsWith('Runner update in progress')) {
    return ctx.make('update.applying', r, {});
  }
  // RunnerService.js (the systemd host) reports the listener's exit code on its console.
  const exited = after(text, 'Runner listener exited with error code ');
  if (exited !== null) {
    const code = leadingInt(exited);
    if (code !== null) return ctx.exited(r, code);
  }
  const agentExited = after(text, 'Agent listener exited with error code ');
  if (agentExited !== null) {
    const code = leadingInt(agentExited);
    if (code !== null) return ctx.exited(r, code);
  }
  // run.sh (interactive runs, most container images) says the same in words (run-helper.sh.template).
  // RunnerService.js prints it after its own numeric line, and the listener has often logged its
  // return code just before: a restatement a few lines on is the same exit, not a second one.
  const helperCode = runHelperExitCode(text);
  if (helperCode !== null) {
    const prev = ctx.lastExit;
    const same = prev !== null && r.line - prev.line <= 20 && (prev.code === helperCode || (helperCode === 3 && prev.code === 4));
    return same ? ctx.make('terminal.line', r, { message: text }) : ctx.exited(r, helperCode);
  }
  // A job's own log (`pages/`, or a downloaded job log pasted into a ticket) carries the issue the
  // Worker raised when the runner was told to stop (JobRunner.cs; spec F33): the Worker's words.
  const annotation = after(text, '##[error]');
  if (annotation !== null) {
    const reason = annotation.startsWith('The runner has received a shutdown signal')
      ? 'UserCancelled'
      : annotation.startsWith('Operating system is shutting down for computer') ? 'OperatingSystemShutdown' : null;
    if (reason !== null) return { ...ctx.make('runner.shutdown', r, { reason }), process: 'worker' };
  }
  if (channel === 'error' || looksLikeConsoleError(text)) return ctx.make('terminal.error', r, { message: text });
  return ctx.make('terminal.line', r, { message: text });
}

/** The listener's exit code as run-helper.sh words it, or null. */
function runHelperExitCode(text: string): number | null {
  const said = after(text, 'Runner listener exit ');
  if (said === null) {
    const unknown = after(text, 'Exiting with unknown error code: ');
    return unknown === null ? null : leadingInt(unknown);
  }
  if (said.startsWith('with 0 return code')) return 0;
  if (said.startsWith('with terminated error')) return 1;
  if (said.startsWith('with retryable error')) return 2;
  // 3 and 4 (run-once) print the same words; 3 is the common one.
  if (said.startsWith('because of updating')) return 3;
  if (said.startsWith('with Session Conflict error')) return 5;
  const deprecated = after(said, 'with deprecated version exit code: ');
  return deprecated === null ? null : leadingInt(deprecated);
}

/** Console output without a level: the runner's error statements have recognisable openings. */
function looksLikeConsoleError(text: string): boolean {
  return (
    text.startsWith('An error occurred: ') ||
    text.startsWith('An error occured: ') ||
    text.startsWith('Error: ') ||
    text.startsWith('Failed to ') ||
    text.startsWith('Http response code: ') ||
    text.startsWith('The runner no longer exists') ||
    text.startsWith('The agent no longer exists') ||
    text.startsWith('Runner is not configured') ||
    text.startsWith('Stopping the runner after') ||
    text.includes('is deprecated and cannot receive messages')
  );
}

function afterEither(text: string, a: string, b: string): string | null {
  return after(text, a) ?? after(text, b);
}

/**
 * Records → events. Routes each record to the matcher for its trace source, falls back to
 * exception detection, and otherwise reports it as `unrecognized`. Also folds the few
 * multi-record shapes the runner writes:
 *
 *  - `#####...` (53 `#`) followed by an inner exception re-logged as its own ERR event;
 *  - `Unhandled exception happened in worker:` followed by an ERR event holding the worker's
 *    captured stdout/stderr (spec §2.2);
 *  - `WRITE ERROR (exception):` followed by the exception it announces.
 */
import type { FileContext, Matcher } from './context.js';
import type { RunlogEvent } from './events.js';
import { parseExceptionDump, isQualifiedExceptionLine } from './exception.js';
import { matchHttp } from './matchers/http.js';
import {
  matchExecutionContext,
  matchJobDispatcher,
  matchJobRunner,
  matchJobServerQueue,
  matchProcessChannel,
  matchProcessInvoker,
  matchStepsRunner,
  matchWorker,
} from './matchers/jobs.js';
import {
  matchCommandSettings,
  matchHostContext,
  matchMessageListener,
  matchProgram,
  matchRunner,
  matchSelfUpdater,
  matchServer,
} from './matchers/listener.js';
import { matchConsole, matchTerminal } from './matchers/terminal.js';
import type { LogRecord } from './records.js';
import { matchCheckLine, matchSelfUpdateLine } from './matchers/scripts.js';
import { isNotableInfo } from './notable.js';

/** Which records without a typed event become `unrecognized` events. */
export type UnrecognizedPolicy = 'all' | 'problems' | 'none';

const MATCHERS: Record<string, Matcher> = {
  GitHubActionsService: matchHttp,
  GitHubActionsRunner: matchHttp,
  VisualStudioServices: matchHttp,
  Terminal: matchTerminal,
  Console: matchConsole,
  Listener: matchProgram,
  AgentProcess: matchProgram,
  HostContext: matchHostContext,
  CommandSettings: matchCommandSettings,
  MessageListener: matchMessageListener,
  BrokerMessageListener: matchMessageListener,
  Runner: matchRunner,
  Agent: matchRunner,
  RunnerServer: matchServer,
  AgentServer: matchServer,
  BrokerServer: matchServer,
  RunServer: matchServer,
  ActionsRunServer: matchServer,
  ErrorThrottler: matchServer,
  SelfUpdater: matchSelfUpdater,
  SelfUpdaterV2: matchSelfUpdater,
  AgentUpdater: matchSelfUpdater,
  JobDispatcher: matchJobDispatcher,
  ProcessChannel: matchProcessChannel,
  ProcessInvokerWrapper: matchProcessInvoker,
  Worker: matchWorker,
  JobRunner: matchJobRunner,
  StepsRunner: matchStepsRunner,
  ExecutionContext: matchExecutionContext,
  JobServerQueue: matchJobServerQueue,
};

function isSeparator(r: LogRecord): boolean {
  const m = r.message;
  if (m.length < 20 || m.charCodeAt(0) !== 35) return false;
  for (let i = 0; i < m.length; i++) if (m.charCodeAt(i) !== 35) return false;
  return true;
}

type Pending =
  | { kind: 'separator'; record: LogRecord }
  | { kind: 'worker-output'; record: LogRecord }
  | { kind: 'announced-exception'; record: LogRecord };

export class EventBuilder {
  private pending: Pending | null = null;

  constructor(
    private readonly ctx: FileContext,
    private readonly unrecognized: UnrecognizedPolicy = 'all',
  ) {}

  /** Events for one record, appended to `out`. */
  push(r: LogRecord, out: RunlogEvent[]): void {
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      if (this.resolvePending(pending, r, out)) return;
    }
    if (r.level === 'ERR' || r.level === 'CRIT') {
      if (isSeparator(r)) {
        this.pending = { kind: 'separator', record: r };
        return;
      }
      if (r.message.startsWith('Unhandled exception happened in worker')) {
        this.pending = { kind: 'worker-output', record: r };
        return;
      }
      if (r.component === 'Terminal' && r.message.startsWith('WRITE ERROR (exception)')) {
        this.pending = { kind: 'announced-exception', record: r };
        return;
      }
    }
    const ev = this.match(r);
    if (ev !== null) out.push(ev);
  }

  flush(out: RunlogEvent[]): void {
    const pending = this.pending;
    this.pending = null;
    if (pending === null) return;
    if (pending.kind === 'worker-output') out.push(this.ctx.make('worker.output', pending.record, { lines: [] }));
    else this.emitPlain(pending.record, out);
  }

  /** A held record whose follow-up did not come: it is reported on its own, like any other record. */
  private emitPlain(r: LogRecord, out: RunlogEvent[]): void {
    const ev = this.match(r);
    if (ev !== null) out.push(ev);
  }

  /** Returns true when `r` was consumed by the pending shape. */
  private resolvePending(p: Pending, r: LogRecord, out: RunlogEvent[]): boolean {
    switch (p.kind) {
      case 'separator':
      case 'announced-exception': {
        // The inner exception the runner re-logs after a separator, or the exception a
        // `WRITE ERROR (exception):` line announces: one event spanning both records.
        const dump =
          r.component === p.record.component && isQualifiedExceptionLine(r.message)
            ? parseExceptionDump(r.message, r.continuation)
            : null;
        if (dump === null) {
          this.emitPlain(p.record, out);
          return false;
        }
        const ev = this.ctx.make('exception', r, { ...dump, redump: p.kind === 'separator' });
        ev.source.line = p.record.line;
        out.push(ev);
        return true;
      }
      case 'worker-output': {
        const consumed = (r.level === 'ERR' || r.level === 'CRIT') && r.component === p.record.component;
        const lines = consumed ? [r.message, ...r.continuation] : [];
        out.push(this.ctx.make('worker.output', p.record, { lines }, consumed ? r.endLine : p.record.endLine));
        return consumed;
      }
    }
  }

  private match(r: LogRecord): RunlogEvent | null {
    const ctx = this.ctx;
    if (ctx.fileKind === 'selfupdate') return matchSelfUpdateLine(r, ctx);
    if (ctx.fileKind === 'check') {
      const check = matchCheckLine(r, ctx);
      if (check !== null) return check;
    }
    const matcher = MATCHERS[r.component];
    if (matcher !== undefined) {
      const ev = matcher(r, ctx);
      if (ev !== null) return ev;
    }
    if (isQualifiedExceptionLine(r.message)) {
      const dump = parseExceptionDump(r.message, r.continuation);
      if (dump !== null) return ctx.make('exception', r, { ...dump, redump: false });
    }
    switch (this.unrecognized) {
      case 'all':
        return ctx.make('unrecognized', r, {});
      case 'problems':
        return r.level === 'ERR' || r.level === 'CRIT' || r.level === 'WARN' || isNotableInfo(r.component, r.message) ? ctx.make('unrecognized', r, {}) : null;
      case 'none':
        return null;
    }
  }
}

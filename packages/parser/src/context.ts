/**
 * Per-file state shared by the matchers, and the one function that shapes every event.
 * State is what a reader of the log keeps in mind: the job last dispatched, the names of
 * running jobs, the worker's pid, the step being processed.
 */
import type { EventBase, EventKind, EventOfKind, RunlogEvent } from './events.js';
import type { FileKind, LogRecord, ProcessKind } from './records.js';

/** Longest `text` an event carries; the record itself can be longer. */
export const MAX_EVENT_TEXT = 2000;

export interface StartupFacts {
  os: string | null;
  arch: string | null;
  platform: string | null;
  package: string | null;
}

export class FileContext {
  readonly startup: StartupFacts = { os: null, arch: null, platform: null, package: null };
  /** jobId → display name (`Running job: <name>` follows `Job request ... job <id> received.`). */
  readonly jobNames = new Map<string, string>();
  /** requestId → jobId, from `Job request <r> for plan <p> job <j> received.` */
  readonly requestJobs = new Map<string, string>();
  lastJobId: string | null = null;
  /**
   * What the `File name:` line of the process block being logged named: the Runner.Worker
   * binary, something else, or nothing yet (then the next `Process started` decides).
   */
  spawnTarget: 'worker' | 'other' | null = null;
  /** A job was received and its worker has not been seen starting yet. */
  dispatchPending = false;
  workerPids = new Set<number>();
  currentStep: string | null = null;
  /** The last `Terminal` WRITE line: its console copy (stdout form) is an echo, not a second statement. */
  lastTerminal: { text: string; line: number } | null = null;
  /** The last `finish job request` line, so the console echo of it is not a second completion. */
  lastCompletion: { jobId: string | null; result: string; line: number } | null = null;
  /** The last exit code stated, so the host script's restatement of it is not a second exit. */
  lastExit: { code: number; line: number } | null = null;
  /** Epoch ms of the time in the file name, when it has one. */
  nameTimeMs: number | null = null;
  /** UTC offset of local-time files (SelfUpdate logs), once known. */
  localOffsetMs: number | null = null;
  /** UTC time of the last SelfUpdate entry placed in UTC: the time of the script's outcome. */
  lastScriptTime: string | null = null;

  constructor(
    readonly file: string,
    readonly fileKind: FileKind,
    readonly defaultProcess: ProcessKind,
  ) {}

  make<K extends EventKind>(
    kind: K,
    r: LogRecord,
    fields: Omit<EventOfKind<K>, keyof EventBase<K>>,
    endLine = r.endLine,
  ): EventOfKind<K> {
    const text = r.message.length > MAX_EVENT_TEXT ? r.message.slice(0, MAX_EVENT_TEXT) : r.message;
    const base: EventBase<K> = {
      kind,
      time: r.time,
      source: { file: this.file, line: r.line, endLine },
      process: this.processOf(r),
      level: r.level,
      component: r.component,
      text,
    };
    return Object.assign(base, fields) as EventOfKind<K>;
  }

  /** A `runner.exited` event, remembered for `lastExit`. */
  exited(r: LogRecord, code: number, cancelled = false): EventOfKind<'runner.exited'> {
    this.lastExit = { code, line: r.line };
    return this.make('runner.exited', r, { code, cancelled });
  }

  private processOf(r: LogRecord): ProcessKind {
    // The stdout form names the process on every line; `docker logs` saved under a Runner_
    // name still holds the Worker's lines, and they are the Worker's.
    switch (r.host) {
      case 'RUNNER':
        return 'runner';
      case 'WORKER':
        return 'worker';
      case 'AGENT':
        return 'agent';
      case null:
        if (this.defaultProcess !== 'unknown') return this.defaultProcess;
        return WORKER_COMPONENTS.has(r.component) ? 'worker' : 'runner';
    }
  }
}

/** Trace sources only the Worker process has (spec §2.11). */
const WORKER_COMPONENTS = new Set([
  'Worker',
  'JobRunner',
  'JobServer',
  'JobServerQueue',
  'ResultsServer',
  'LaunchServer',
  'ExecutionContext',
  'JobExtension',
  'ActionManager',
  'ActionRunner',
  'StepsRunner',
  'ContainerOperationProvider',
  'DockerCommandManager',
  'ScriptHandler',
  'NodeScriptActionHandler',
  'ContainerActionHandler',
  'CompositeActionHandler',
  'RunnerPluginHandler',
  'ActionCommandManager',
  'FileCommandManager',
  'TempDirectoryManager',
  'DiagnosticLogManager',
]);

export type Matcher = (r: LogRecord, ctx: FileContext) => RunlogEvent | null;

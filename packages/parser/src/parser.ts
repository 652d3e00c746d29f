/**
 * The parser core: pure and synchronous. Push lines in, take typed events out.
 *
 *   const p = new LogParser({ file: 'Runner_20241121-140548-utc.log' });
 *   for (const line of lines) for (const e of p.push(line)) use(e);
 *   for (const e of p.flush()) use(e);
 *
 * Content never throws: any line, including binary garbage, ends up in some record, and any
 * record without a typed meaning becomes an `unrecognized` event.
 */
import { RecordAssembler } from './assembler.js';
import { EventBuilder, type UnrecognizedPolicy } from './builder.js';
import { FileContext } from './context.js';
import type { LogFileEvent, RunlogEvent } from './events.js';
import { classifyFileName, processOfKind } from './file-kind.js';
import type { FileKind, LogRecord } from './records.js';
import { startsSelfUpdateEntry } from './matchers/scripts.js';

export interface ParserOptions {
  /** Display name of the input; its base name decides the file kind. Default `<input>`. */
  file?: string;
  /** Overrides the kind the file name implies. */
  fileKind?: FileKind;
  /** Which records without a typed event are reported as `unrecognized` (default `all`). */
  unrecognized?: UnrecognizedPolicy;
  /** Continuation lines kept per record (default 200 000, and at most 8 Mi characters of text). */
  maxContinuationLines?: number;
  /** Whether to start with a `log.file` event (default true). */
  fileEvent?: boolean;
  /** Encoding the bytes were decoded from, reported in `log.file`. */
  encoding?: string;
  /**
   * Places the file among the process runs of the input, once the parser knows whether the
   * file starts a process. Default: run 1, role `start` or `unknown`.
   */
  placeRun?: (startsProcess: boolean) => { run: number; role: LogFileEvent['role'] };
}

export interface ParserInfo {
  lines: number;
  records: number;
  events: number;
}

/** Records inspected before deciding whether a file starts a process or continues one. */
const ROLE_WINDOW = 20;

const NO_EVENTS: RunlogEvent[] = [];

export class LogParser {
  readonly info: ParserInfo = { lines: 0, records: 0, events: 0 };
  private readonly assembler: RecordAssembler;
  private readonly builder: EventBuilder;
  private readonly ctx: FileContext;
  private readonly options: ParserOptions;
  private readonly updateOutcome: string | null;
  private readonly nameTime: string | null;
  /** Events held back until the file's role is known; null once `log.file` went out. */
  private head: RunlogEvent[] | null;
  private headRecords: LogRecord[] = [];
  private lastRecord: LogRecord | null = null;

  constructor(options: ParserOptions = {}) {
    this.options = options;
    const file = options.file ?? '<input>';
    const cls = classifyFileName(file);
    const kind = options.fileKind ?? cls.kind;
    this.ctx = new FileContext(file, kind, processOfKind(kind));
    this.ctx.nameTimeMs = cls.nameTimeMs;
    this.nameTime = cls.nameTime;
    this.updateOutcome = kind === 'selfupdate' ? cls.updateOutcome : null;
    this.assembler = new RecordAssembler({
      ...(options.maxContinuationLines === undefined ? {} : { maxContinuationLines: options.maxContinuationLines }),
      ...(kind === 'selfupdate' ? { startsEntry: startsSelfUpdateEntry } : {}),
    });
    this.builder = new EventBuilder(this.ctx, options.unrecognized ?? 'all');
    this.head = options.fileEvent === false ? null : [];
  }

  /** Feeds one line (without its newline); returns the events it completed. */
  push(line: string): RunlogEvent[] {
    const out: RunlogEvent[] = [];
    this.pushInto(line, out);
    return out.length === 0 ? NO_EVENTS : out;
  }

  /** Hot-path variant of `push` that appends to a caller-owned array. */
  pushInto(line: string, out: RunlogEvent[]): void {
    const record = this.assembler.push(line, ++this.info.lines);
    if (record !== null) this.emit(record, out);
  }

  /** Ends the input; returns the remaining events. */
  flush(): RunlogEvent[] {
    const out: RunlogEvent[] = [];
    this.flushInto(out);
    return out;
  }

  flushInto(out: RunlogEvent[]): void {
    const record = this.assembler.flush();
    if (record !== null) this.emit(record, out);
    const tail: RunlogEvent[] = [];
    this.builder.flush(tail);
    if (this.updateOutcome !== null && this.lastRecord !== null) {
      const last = this.lastRecord;
      const result = this.ctx.make('update.script_result', { ...last, line: last.endLine }, { result: this.updateOutcome });
      result.time ??= this.ctx.lastScriptTime;
      tail.push(result);
    }
    this.deliver(tail, out);
    if (this.head !== null) this.releaseHead(out);
  }

  private emit(record: LogRecord, out: RunlogEvent[]): void {
    this.info.records++;
    this.lastRecord = record;
    if (this.head === null) {
      const before = out.length;
      this.builder.push(record, out);
      this.info.events += out.length - before;
      return;
    }
    this.headRecords.push(record);
    this.builder.push(record, this.head);
    if (this.headRecords.length >= ROLE_WINDOW) this.releaseHead(out);
  }

  private deliver(events: RunlogEvent[], out: RunlogEvent[]): void {
    if (this.head !== null) {
      for (const e of events) this.head.push(e);
      return;
    }
    for (const e of events) out.push(e);
    this.info.events += events.length;
  }

  /** Decides the file's role from its first records and emits `log.file` before them. */
  private releaseHead(out: RunlogEvent[]): void {
    const head = this.head ?? [];
    this.head = null;
    const first = this.headRecords[0];
    const starts = this.startsProcess();
    const { run, role } = this.options.placeRun?.(starts) ?? { run: 1, role: starts ? 'start' : 'unknown' };
    const fileEvent: LogFileEvent = {
      kind: 'log.file',
      time: this.nameTime ?? first?.time ?? null,
      source: { file: this.ctx.file, line: first?.line ?? 1, endLine: first?.line ?? 1 },
      process: this.ctx.defaultProcess,
      level: 'INFO',
      component: '',
      text: '',
      fileKind: this.ctx.fileKind,
      role,
      nameTime: this.nameTime,
      run,
      envelope: this.assembler.detectedEnvelope,
      encoding: this.options.encoding ?? 'utf-8',
    };
    out.push(fileEvent);
    for (const e of head) out.push(e);
    this.info.events += head.length + 1;
    this.headRecords = [];
  }

  private startsProcess(): boolean {
    switch (this.ctx.fileKind) {
      case 'selfupdate':
      case 'check':
        return true;
      case 'page':
      case 'unknown':
      case 'runner':
      case 'worker':
      case 'agent':
        return this.headRecords.some((r, i) => isStartMarker(r, i));
    }
  }
}

/**
 * A process writes these in its first lines and never again (spec §6.1): a `HostContext` line
 * as the file's first record, or a Listener/CommandSettings/Worker startup line among its first
 * records. Not every line of these sources qualifies: `HostContext` also logs `Well known
 * directory` at each worker spawn and `Runner will be shutdown for ...` at the end, and
 * `Listener` logs the exit line and the exception that ends the process, so a rollover page
 * can hold them in its first records.
 */
function isStartMarker(r: LogRecord, index: number): boolean {
  const m = r.message;
  switch (r.component) {
    case 'HostContext':
      return (
        (index === 0 && !m.includes(' will be shutdown for ') && !m.includes('auth migration')) ||
        // Written while the host context is built, before anything else.
        m.startsWith('No proxy settings') ||
        m.startsWith('Configuring ') ||
        m.startsWith('Http trace is enabled') ||
        m.includes('is running under insecure mode')
      );
    case 'Listener':
    case 'AgentProcess':
      // Everything but the way out: the exit line and the exception that ends the process.
      return r.level !== 'ERR' && !(m.startsWith('Runner execution ') || m.startsWith('Agent execution '));
    case 'CommandSettings':
      return true;
    case 'Worker':
      return m.startsWith('Version: ') || m.startsWith('Waiting to receive the job message');
    default:
      return false;
  }
}

/** Parses a whole input synchronously: for tests and small inputs. */
export function parseLines(lines: Iterable<string>, options: ParserOptions = {}): RunlogEvent[] {
  const parser = new LogParser(options);
  const out: RunlogEvent[] = [];
  for (const line of lines) parser.pushInto(line, out);
  parser.flushInto(out);
  return out;
}

/** Splits text the way runner files are split: on `\n`, dropping a trailing `\r`. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** `parseLines` over a string. */
export function parseText(text: string, options: ParserOptions = {}): RunlogEvent[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return parseLines(splitLines(body), options);
}

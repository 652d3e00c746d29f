/**
 * Lines → records. A record is a header line plus the continuation lines that follow it
 * (stack traces, JSON dumps, multi-line console text). Pure and synchronous: `push` a line,
 * get back the record it completed (if any); `flush` at the end.
 *
 * Three situations decide what a line without a header is:
 *  - in a plain trace file it continues the previous record (spec §2.2);
 *  - in pasted container/journald/kubectl output, or before the first header, it is console
 *    output (its own record, component `Console`) unless it looks like a continuation
 *    (indented, `--- End of ...`, inside an open JSON dump);
 *  - in the v2.301+ stdout form every line of a multi-line message has its own header; such a
 *    line with the same header as the current record and a continuation shape is re-joined.
 */
import { consoleTimestampLength, parseHeader, TimeCache, type Header } from './header.js';
import { detectEnvelope, JournaldClock, unwrap, type Unwrapped } from './envelope.js';
import type { Envelope, Level, LogRecord } from './records.js';

export interface AssemblerOptions {
  /** Continuation lines kept per record; the rest are counted in `droppedLines`. */
  maxContinuationLines?: number;
  /**
   * For files that are not trace logs but have their own entry stamp (SelfUpdate scripts,
   * spec §2.10): does this headerless line begin an entry? A line that does not continues the
   * entry above it (raw command output under the script's own lines).
   */
  startsEntry?: (line: string) => boolean;
}

/**
 * Continuation lines kept per record. High on purpose: a Worker's `Job message:` dump carries
 * the whole webhook event in `contextData.github` and runs to tens of thousands of lines, with
 * `repository` and `run_id` after it. Memory is bounded by MAX_CONTINUATION_CHARS instead.
 */
export const DEFAULT_MAX_CONTINUATION_LINES = 200_000;
/** Text kept per record (UTF-16 code units) whatever its line count: bounds a runaway record. */
export const MAX_CONTINUATION_CHARS = 8 * 1024 * 1024;

interface Building {
  record: LogRecord;
  /** Open brace depth of a JSON dump being continued, or -1 when the record is not JSON. */
  jsonDepth: number;
  /** Characters kept in `record.continuation`. */
  chars: number;
}

const NO_LINES: string[] = [];

export class RecordAssembler {
  private readonly maxContinuation: number;
  private readonly startsEntry: ((line: string) => boolean) | null;
  private readonly times = new TimeCache();
  private readonly journaldClock = new JournaldClock();
  private current: Building | null = null;
  private envelope: Envelope | null = null;
  /** Container stdout form or an envelope seen: headerless lines are console output. */
  private consoleContext = false;
  private sawHeader = false;
  private lastTimeMs: number | null = null;

  constructor(options: AssemblerOptions = {}) {
    this.maxContinuation = options.maxContinuationLines ?? DEFAULT_MAX_CONTINUATION_LINES;
    this.startsEntry = options.startsEntry ?? null;
  }

  /** The envelope decided for this input so far (`none` until one is recognised). */
  get detectedEnvelope(): Envelope {
    return this.envelope ?? 'none';
  }

  push(line: string, lineNo: number): LogRecord | null {
    let payload = line;
    let wrapped: Unwrapped | null = null;
    if (this.envelope === null && line.length > 0) {
      this.envelope = detectEnvelope(line);
      if (this.envelope === 'journald' || this.envelope === 'kubectl') this.consoleContext = true;
    }
    if (this.envelope === 'journald' || this.envelope === 'kubectl') {
      wrapped = unwrap(this.envelope, line);
      if (wrapped !== null) payload = wrapped.payload;
    }

    const header = parseHeader(payload);
    const cur = this.current;
    if (header !== null) {
      if (header.host !== null) this.consoleContext = true;
      // Cheapest test first: only a continuation-shaped message can re-join the record above.
      if (cur !== null && this.rejoins(header, cur) && this.sameHeader(cur.record, header)) {
        this.append(cur, header.message, lineNo);
        return null;
      }
      this.sawHeader = true;
      return this.start(this.fromHeader(header, lineNo, wrapped));
    }
    if (cur === null) return this.start(this.consoleRecord(payload, lineNo, wrapped));
    if (this.startsEntry !== null && !this.sawHeader) {
      if (this.startsEntry(payload)) return this.start(this.consoleRecord(payload, lineNo, wrapped));
      this.append(cur, payload, lineNo);
      return null;
    }
    const enveloped = this.envelope === 'journald' || this.envelope === 'kubectl';
    const continuation =
      // Plain trace file: every headerless line continues the record above it (spec §2.2).
      (this.sawHeader && !this.consoleContext) ||
      // Enveloped output where this line lacks the envelope: the tool wrapped a long message.
      (enveloped && wrapped === null) ||
      // Otherwise only a continuation shape continues. An empty line does not: it is console
      // output of its own (the runner prints blank lines around `√ Connected to GitHub`)...
      this.continues(payload, cur) ||
      // ...but a run of them is one record: a file of newlines must not become an event each.
      // (A timestamped empty entry, as in check logs, still stands on its own.)
      (payload.length === 0 && wrapped === null && cur.record.component === 'Console' && cur.record.message.length === 0);
    if (continuation) {
      this.append(cur, payload, lineNo);
      return null;
    }
    return this.start(this.consoleRecord(payload, lineNo, wrapped));
  }

  flush(): LogRecord | null {
    const cur = this.current;
    this.current = null;
    return cur === null ? null : cur.record;
  }

  private start(next: Building): LogRecord | null {
    const done = this.current;
    this.current = next;
    return done === null ? null : done.record;
  }

  private fromHeader(h: Header, lineNo: number, wrapped: Unwrapped | null): Building {
    let time: string | null = null;
    let timeMs: number | null = null;
    if (h.rawTime !== null) {
      const t = this.times.convert(h.rawTime);
      time = t.iso;
      timeMs = t.ms;
      if (wrapped?.local) this.journaldClock.calibrate(wrapped.local, t.ms);
    } else if (wrapped !== null) {
      timeMs = this.envelopeTime(wrapped);
      time = timeMs === null ? null : isoSeconds(timeMs);
    }
    if (timeMs !== null) this.lastTimeMs = timeMs;
    const record: LogRecord = {
      line: lineNo,
      endLine: lineNo,
      time,
      timeMs,
      level: h.level,
      component: h.component,
      host: h.host,
      message: h.message,
      continuation: NO_LINES,
      droppedLines: 0,
    };
    return { record, jsonDepth: opensJson(h.message) ? jsonDelta(h.message) : -1, chars: 0 };
  }

  private consoleRecord(text: string, lineNo: number, wrapped: Unwrapped | null): Building {
    let timeMs: number | null = null;
    const tsLen = consoleTimestampLength(text);
    if (tsLen > 0) {
      timeMs = this.times.convert(text.slice(0, 20)).ms;
      if (wrapped?.local) this.journaldClock.calibrate(wrapped.local, timeMs);
    } else if (wrapped !== null) {
      timeMs = this.envelopeTime(wrapped);
    }
    if (timeMs !== null) this.lastTimeMs = timeMs;
    const level: Level = 'OTHER';
    const record: LogRecord = {
      line: lineNo,
      endLine: lineNo,
      time: timeMs === null ? null : isoSeconds(timeMs),
      timeMs,
      level,
      component: 'Console',
      host: null,
      message: text,
      continuation: NO_LINES,
      droppedLines: 0,
    };
    return { record, jsonDepth: opensJson(text) ? jsonDelta(text) : -1, chars: 0 };
  }

  private envelopeTime(w: Unwrapped): number | null {
    if (w.timeMs !== null) return w.timeMs;
    if (w.local !== null) return this.journaldClock.toUtc(w.local);
    return null;
  }

  private sameHeader(r: LogRecord, h: Header): boolean {
    if (r.component !== h.component || r.level !== h.level || r.host !== h.host) return false;
    if (h.rawTime === null) return r.time === null;
    return r.time !== null && r.time.startsWith(h.rawTime.slice(0, 10)) && r.time.slice(11) === h.rawTime.slice(11);
  }

  /**
   * In the stdout form (v2.301+) every line of a multi-line message carries the header again.
   * With the host token present, any continuation shape re-joins; once a ticket has stripped the
   * token only stack-trace shapes do, since the runner also logs single indented lines
   * (`  File name: '...'`) as records of their own.
   */
  private rejoins(h: Header, b: Building): boolean {
    if (h.host !== null) return this.continues(h.message, b);
    const c = h.message.charCodeAt(0);
    if (c !== 32 && c !== 9 && c !== 45) return false; // not indented, not `---`: a new message
    const t = h.message.trimStart();
    return (
      t.length < h.message.length &&
      (t.startsWith('at ') || t.startsWith('---> ') || t.startsWith('--- End of'))
    ) || h.message.startsWith('--- End of');
  }

  /** Does `text` read as the next line of the record being built, rather than a new message? */
  private continues(text: string, b: Building): boolean {
    if (b.jsonDepth > 0) return true;
    const c = text.charCodeAt(0);
    if (c === 32 || c === 9) return true; // indented: stack frames, ` ---> Inner`, JSON bodies
    if (text.startsWith('---')) return true; // `--- End of stack trace ...`
    if (c === 125 || c === 93) return b.jsonDepth === 0; // closing `}` / `]` of a dump
    return false;
  }

  private append(b: Building, text: string, lineNo: number): void {
    const r = b.record;
    r.endLine = lineNo;
    // Once a line is dropped, all later ones are too: what is kept stays one contiguous head.
    // Most records have no continuation: they share one empty array until their first line.
    if (r.continuation === NO_LINES) r.continuation = [];
    if (r.droppedLines === 0 && r.continuation.length < this.maxContinuation && b.chars + text.length <= MAX_CONTINUATION_CHARS) {
      r.continuation.push(text);
      b.chars += text.length;
    } else {
      r.droppedLines++;
    }
    // Depth only matters where headerless lines could also be console output.
    if (b.jsonDepth >= 0 && (this.consoleContext || !this.sawHeader)) b.jsonDepth += jsonDelta(text);
  }

  /** Time of the most recent timestamped record: used to order records that have none. */
  get lastKnownTimeMs(): number | null {
    return this.lastTimeMs;
  }
}

/** A message that starts a JSON dump: `{`, `Job message:`, `... step {`, `Details: {`. */
function opensJson(text: string): boolean {
  // Runs on every record: look at the last non-blank character before allocating anything.
  let i = text.length - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < 0) return false;
  const c = text.charCodeAt(i);
  if (c === 123 || c === 91) return true; // { [
  return c === 58 && text.trimEnd() === 'Job message:';
}

/** Net change of bracket depth across a line, ignoring brackets inside JSON strings. */
function jsonDelta(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escapes the next char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Header recognition for trace lines (spec §2.1, §2.8):
 *
 *   [2024-11-21 14:05:48Z ERR  MessageListener] message
 *   [RUNNER 2024-05-06 19:27:36Z INFO Terminal] message      (container stdout form)
 *   [ERR  MessageListener] message                           (timestamp cut off in a ticket)
 *
 * Written with char codes instead of a regex: this runs on every line of every file, and most
 * lines are rejected at the first character.
 */
import type { Level } from './records.js';

export interface Header {
  /** The raw `yyyy-MM-dd HH:mm:ssZ` timestamp, or null. */
  rawTime: string | null;
  level: Level;
  component: string;
  host: 'RUNNER' | 'WORKER' | 'AGENT' | null;
  message: string;
}

const OPEN = 91; // [
const CLOSE = 93; // ]
const SPACE = 32;
const TAB = 9;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** True when `s[at..at+20)` is `yyyy-MM-dd HH:mm:ssZ`. */
export function isTraceTimestampAt(s: string, at: number): boolean {
  if (s.length < at + 20) return false;
  for (let i = 0; i < 20; i++) {
    const c = s.charCodeAt(at + i);
    switch (i) {
      case 4:
      case 7:
        if (c !== 45) return false; // -
        break;
      case 10:
        if (c !== SPACE) return false;
        break;
      case 13:
      case 16:
        if (c !== 58) return false; // :
        break;
      case 19:
        if (c !== 90) return false; // Z
        break;
      default:
        if (!isDigit(c)) return false;
    }
  }
  return true;
}

function hostAt(line: string): 'RUNNER' | 'WORKER' | 'AGENT' | null {
  // `[RUNNER `, `[WORKER `, `[AGENT `
  const c = line.charCodeAt(1);
  if (c === 82 && line.startsWith('RUNNER ', 1)) return 'RUNNER';
  if (c === 87 && line.startsWith('WORKER ', 1)) return 'WORKER';
  if (c === 65 && line.startsWith('AGENT ', 1)) return 'AGENT';
  return null;
}

/** Reads the level token at `at`; returns [level, index after the token] or null. */
function levelAt(line: string, at: number): [Level, number] | null {
  const c0 = line.charCodeAt(at);
  if (!isUpper(c0)) return null;
  // The fixed four-character tokens (`ERR ` is padded with a space).
  if (line.startsWith('INFO', at)) return ['INFO', at + 4];
  if (line.startsWith('ERR ', at)) return ['ERR', at + 4];
  if (line.startsWith('WARN', at)) return ['WARN', at + 4];
  if (line.startsWith('VERB', at)) return ['VERB', at + 4];
  if (line.startsWith('CRIT', at)) return ['CRIT', at + 4];
  // Any other TraceEventType name (`Start`, `Stop`, `Transfer`): [A-Z][a-z]+
  let i = at + 1;
  while (i < line.length && isLower(line.charCodeAt(i))) i++;
  if (i === at + 1 || i - at > 16) return null;
  return ['OTHER', i];
}

/**
 * Parses a trace header, or returns null when the line is not one. Only the full shape counts
 * as a header: a line inside a stack trace or docker output that merely starts with `[` stays a
 * continuation line.
 */
export function parseHeader(line: string): Header | null {
  if (line.charCodeAt(0) !== OPEN) return null;
  let pos = 1;
  const host = hostAt(line);
  if (host !== null) pos += host.length + 1;
  let rawTime: string | null = null;
  if (isTraceTimestampAt(line, pos)) {
    rawTime = line.slice(pos, pos + 20);
    pos += 20;
    if (line.charCodeAt(pos) !== SPACE) return null;
    pos += 1;
  } else if (host !== null && !isUpper(line.charCodeAt(pos))) {
    return null;
  }
  const lv = levelAt(line, pos);
  if (lv === null) return null;
  const [level, afterLevel] = lv;
  pos = afterLevel;
  if (line.charCodeAt(pos) !== SPACE) return null;
  pos += 1;
  const sourceStart = pos;
  // Source names never contain `]` or white space.
  while (pos < line.length) {
    const c = line.charCodeAt(pos);
    if (c === CLOSE) break;
    if (c === SPACE || c === TAB) return null;
    pos++;
  }
  if (pos === sourceStart || pos >= line.length) return null;
  // Without a timestamp the shape is weaker, so demand a class-like source name.
  if (rawTime === null && !isUpper(line.charCodeAt(sourceStart))) return null;
  const component = line.slice(sourceStart, pos);
  pos += 1; // ]
  if (line.charCodeAt(pos) === SPACE) pos += 1;
  return { rawTime, level, component, host, message: line.slice(pos) };
}

/** `2024-11-21 14:05:48Z` → `2024-11-21T14:05:48Z`, with the epoch milliseconds. */
export class TimeCache {
  private lastRaw = '';
  /** The ISO form and epoch ms of the last `convert` (fields, not a fresh object per line). */
  iso = '';
  ms = 0;
  private lastIso = '';
  private lastMs = 0;
  private dayRaw = '\u0000';
  private dayMs = 0;

  convert(raw: string): this {
    if (raw !== this.lastRaw) {
      this.lastRaw = raw;
      // Consecutive lines share the day: reuse its epoch and only add the time of day.
      if (!raw.startsWith(this.dayRaw)) {
        this.dayRaw = raw.slice(0, 10);
        this.dayMs = Date.UTC(num(raw, 0, 4), num(raw, 5, 7) - 1, num(raw, 8, 10));
      }
      this.lastIso = `${this.dayRaw}T${raw.slice(11)}`;
      this.lastMs = this.dayMs + num(raw, 11, 13) * 3_600_000 + num(raw, 14, 16) * 60_000 + num(raw, 17, 19) * 1000;
    }
    this.iso = this.lastIso;
    this.ms = this.lastMs;
    return this;
  }
}

function num(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/**
 * The `yyyy-MM-dd HH:mm:ssZ: ` prefix the runner puts on some console lines
 * (`Runner connect error`, `Listening for Jobs`, `Running job`). Returns its length or 0.
 */
export function consoleTimestampLength(text: string): number {
  if (isTraceTimestampAt(text, 0) && text.charCodeAt(20) === 58 && text.charCodeAt(21) === SPACE) return 22;
  return 0;
}

/**
 * The two non-trace grammars in `_diag` (spec §2.10):
 *  - `SelfUpdate-*.log[.succeed|.failed]`, written by the update shell script:
 *    `[2026-08-06 16:40:02-1234] text` in local time, with raw command output between;
 *  - `*Check_*-utc.log` from `run.sh --check`: `<ISO-8601 O> text` lines in `****` boxes.
 */
import type { FileContext } from '../context.js';
import type { RunlogEvent } from '../events.js';
import type { LogRecord } from '../records.js';

/** Where the `]` of a script stamp is (`[2026-08-06 16:40:02-1234]`, `[Thu 08/06/2026 16:40:02.12]`), or -1. */
function stampEnd(line: string): number {
  if (line.charCodeAt(0) !== 91) return -1;
  const close = line.indexOf(']');
  return close < 20 || close > 40 ? -1 : close;
}

/**
 * Does a SelfUpdate log line start an entry of the script (bracketed stamp), rather than
 * carry raw output of a command it ran (`whoami`, `mv -v`)? Raw lines belong to the entry above.
 */
export function startsSelfUpdateEntry(line: string): boolean {
  return stampEnd(line) > 0;
}

/** `[YYYY-MM-DD HH:MM:SS...] ` at the start of a self-update line: [local epoch-as-UTC ms, text]. */
function selfUpdateStamp(line: string): [number, string] | null {
  const close = stampEnd(line);
  if (close < 0) return null;
  const stamp = line.slice(1, close);
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(stamp);
  if (m === null) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return [ms, line.slice(close + 1).trimStart()];
}

const QUARTER_HOUR = 15 * 60 * 1000;

export function matchSelfUpdateLine(r: LogRecord, ctx: FileContext): RunlogEvent {
  const output = r.continuation.slice();
  const stamped = selfUpdateStamp(r.message);
  if (stamped === null) return ctx.make('update.script', r, { message: r.message, output });
  const [localMs, text] = stamped;
  // The script writes local time; the file name is UTC and was taken at the script's first
  // line, so their difference (to the nearest quarter hour) is the machine's UTC offset.
  if (ctx.localOffsetMs === null && ctx.nameTimeMs !== null) {
    ctx.localOffsetMs = Math.round((ctx.nameTimeMs - localMs) / QUARTER_HOUR) * QUARTER_HOUR;
  }
  const ev = ctx.make('update.script', r, { message: text, output });
  if (ctx.localOffsetMs !== null) ev.time = new Date(localMs + ctx.localOffsetMs).toISOString().replace('.000Z', 'Z');
  if (ev.time !== null) ctx.lastScriptTime = ev.time;
  return ev;
}

export function matchCheckLine(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const failedAt = m.indexOf(' failed with error: ');
  if (m.startsWith('****') && failedAt > 0) {
    return ctx.make('check.result', r, { check: m.slice(4, failedAt).trim(), passed: false });
  }
  if (m.startsWith('Resolved DNS for ') && !m.includes(' failed')) {
    return ctx.make('check.result', r, { check: m.slice(0, m.indexOf(' to ') > 0 ? m.indexOf(' to ') : m.length), passed: true });
  }
  // `Ping api.github.com (192.0.2.10) succeed within to '3 ms'`
  if (m.startsWith('Ping ') && m.includes(' succeed')) {
    const end = m.indexOf(' (');
    return ctx.make('check.result', r, { check: m.slice(0, end > 0 ? end : m.indexOf(' succeed')), passed: true });
  }
  // `Http request 'GET' to https://api.github.com succeed` (the failure banner says `Https request`)
  if ((m.startsWith('Http request ') || m.startsWith('Https request ')) && m.endsWith(' succeed')) {
    return ctx.make('check.result', r, { check: m.slice(0, -8), passed: true });
  }
  return null;
}

/**
 * Line envelopes: the prefixes other tools put in front of runner output before it reaches a
 * ticket. `journalctl` (syslog and short-iso forms) and `kubectl logs --timestamps`.
 *
 * Every regex here is anchored and made of character classes separated by literal delimiters
 * the classes cannot match, so matching is linear in the line length.
 */
import type { Envelope } from './records.js';

export interface Unwrapped {
  payload: string;
  /** Epoch ms carried by the envelope itself, when it is absolute (kubectl, short-iso). */
  timeMs: number | null;
  /** For syslog-style journald lines: month (0-11), day and seconds of day, local time, no year. */
  local: { month: number; day: number; secondOfDay: number } | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// `Nov 27 18:43:15 build-01 runsvc.sh[2127]: payload`
const JOURNALD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ [^\s:]+: ?/;
// `2024-11-27T18:43:15+0000 build-01 runsvc.sh[2127]: payload` (journalctl -o short-iso)
const JOURNALD_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) \S+ [^\s:]+: ?/;
// `2024-04-12T10:43:32.123456789Z payload` (kubectl logs --timestamps, docker logs -t)
const KUBECTL = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) /;

function isoToMs(iso: string): number | null {
  // Normalise `+0000` to `+00:00` and drop sub-millisecond digits Date.parse may reject.
  const m = /^(.{19})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  if (m === null) return null;
  const zone = m[3] === 'Z' ? 'Z' : m[3]!.length === 5 ? `${m[3]!.slice(0, 3)}:${m[3]!.slice(3)}` : m[3]!;
  const ms = Date.parse(`${m[1]}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

/** Cheap pre-checks before any regex: the first characters decide which envelope can apply. */
function maybeJournald(line: string): boolean {
  const c = line.charCodeAt(0);
  return c >= 65 && c <= 90 && line.charCodeAt(3) === 32;
}
function maybeIso(line: string): boolean {
  const c = line.charCodeAt(0);
  return c >= 48 && c <= 57 && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84; // yyyy-..T
}

export function unwrapJournald(line: string): Unwrapped | null {
  if (maybeJournald(line)) {
    const m = JOURNALD.exec(line);
    if (m === null) return null;
    const month = MONTHS.indexOf(m[1]!);
    if (month < 0) return null;
    return {
      payload: line.slice(m[0].length),
      timeMs: null,
      local: { month, day: Number(m[2]), secondOfDay: Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]) },
    };
  }
  if (maybeIso(line)) {
    const m = JOURNALD_ISO.exec(line);
    if (m === null) return null;
    return { payload: line.slice(m[0].length), timeMs: isoToMs(m[1]!), local: null };
  }
  return null;
}

export function unwrapKubectl(line: string): Unwrapped | null {
  if (!maybeIso(line)) return null;
  const m = KUBECTL.exec(line);
  if (m === null) return null;
  return { payload: line.slice(m[0].length), timeMs: isoToMs(m[1]!), local: null };
}

/** Decides a file's envelope from one line, or returns null when the line does not tell. */
export function detectEnvelope(line: string): Envelope | null {
  if (line.charCodeAt(0) === 91) return 'none'; // [ — a bare trace header or stdout form
  if (unwrapJournald(line) !== null) return 'journald';
  if (unwrapKubectl(line) !== null) return 'kubectl';
  return null;
}

export function unwrap(envelope: Envelope, line: string): Unwrapped | null {
  switch (envelope) {
    case 'journald':
      return unwrapJournald(line);
    case 'kubectl':
      return unwrapKubectl(line);
    case 'none':
      return null;
  }
}

/**
 * Journald's syslog form has local time and no year. Once one line also carries a UTC
 * timestamp of the runner's own, the offset between the two is known and the remaining lines
 * can be placed in UTC too.
 */
export class JournaldClock {
  private offsetMs: number | null = null;
  private year: number | null = null;
  /** UTC of the last line placed, to carry the year over New Year. */
  private lastMs: number | null = null;

  /** Calibrates from a line that has both the journald stamp and a runner UTC timestamp. */
  calibrate(local: NonNullable<Unwrapped['local']>, utcMs: number): void {
    if (this.offsetMs !== null) return;
    const utcYear = new Date(utcMs).getUTCFullYear();
    // The local date can be in the neighbouring year around New Year.
    let best: { offset: number; year: number } | null = null;
    for (const year of [utcYear - 1, utcYear, utcYear + 1]) {
      const asUtc = Date.UTC(year, local.month, local.day) + local.secondOfDay * 1000;
      const offset = utcMs - asUtc;
      if (best === null || Math.abs(offset) < Math.abs(best.offset)) best = { offset, year };
    }
    if (best !== null && Math.abs(best.offset) <= 15 * 3600 * 1000) {
      this.offsetMs = best.offset;
      this.year = best.year;
      this.lastMs = utcMs;
    }
  }

  toUtc(local: NonNullable<Unwrapped['local']>): number | null {
    if (this.offsetMs === null || this.year === null) return null;
    const inYear = (year: number): number => Date.UTC(year, local.month, local.day) + local.secondOfDay * 1000 + this.offsetMs!;
    const ms = inYear(this.year);
    // The stamp has no year: `Jan  1` after `Dec 31` is in the next one. Journal lines are
    // in time order, so a date more than half a year back from the last line wraps forward.
    if (this.lastMs !== null && this.lastMs - ms > HALF_YEAR_MS) {
      this.year++;
      return this.remember(inYear(this.year));
    }
    return this.remember(ms);
  }

  private remember(ms: number): number {
    this.lastMs = ms;
    return ms;
  }
}

const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;

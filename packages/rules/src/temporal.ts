/**
 * Temporal building blocks the rules share instead of re-implementing (spec §4 "streak",
 * §4.F correlation skeletons):
 *
 *  - `Episodes`: consecutive failures without a success marker in between, with start, end,
 *    duration, count and whether the problem recovered by itself or was still present when the
 *    log ended;
 *  - `Deadlines`: "A not followed by B within N";
 *  - `RetryLoop`: a retry loop (sleeps between failures) and the exit code it ended in;
 *  - `Gaps`: silent stretches of the log.
 */
import type { RunlogEvent } from '@runlog/parser';
import type { Episode } from './types.js';

export function timeMs(e: RunlogEvent): number | null {
  if (e.time === null) return null;
  const ms = Date.parse(e.time);
  return Number.isNaN(ms) ? null : ms;
}

function seconds(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  return Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
}

interface Open {
  start: string | null;
  last: string | null;
  lastMs: number | null;
  count: number;
}

export class Episodes {
  private open: Open | null = null;
  private readonly closed: Episode[] = [];

  /**
   * @param splitAfterMs a failure this long after the previous one (with no success marker
   *   seen) starts a new episode: the log may simply not show the recovery.
   */
  constructor(private readonly splitAfterMs = 6 * 3600 * 1000) {}

  fail(e: RunlogEvent): void {
    const ms = timeMs(e);
    const o = this.open;
    if (o !== null && ms !== null && o.lastMs !== null && ms - o.lastMs > this.splitAfterMs) {
      this.close('ended', o.last);
    }
    if (this.open === null) this.open = { start: e.time, last: e.time, lastMs: ms, count: 0 };
    const cur = this.open;
    cur.count++;
    if (e.time !== null) {
      cur.last = e.time;
      cur.lastMs = ms;
      cur.start ??= e.time;
    }
  }

  /** A success marker: closes the open episode as recovered. */
  ok(e: RunlogEvent): void {
    if (this.open !== null) this.close('recovered', e.time ?? this.open.last);
  }

  get active(): boolean {
    return this.open !== null;
  }

  /**
   * All episodes; one still open is `ongoing`. Call once, at the end. Given the time the log
   * ends, an open episode whose last failure is longer ago than the split interval `ended`
   * instead: the log went on without it (a machine powered off for weeks and started again is
   * not still failing the way it failed before).
   */
  finish(logEnd: string | null = null): Episode[] {
    const o = this.open;
    if (o !== null) {
      const endMs = logEnd === null ? null : Date.parse(logEnd);
      const longAgo = endMs !== null && o.lastMs !== null && endMs - o.lastMs > this.splitAfterMs;
      this.close(longAgo ? 'ended' : 'ongoing', o.last);
    }
    return this.closed;
  }

  private close(outcome: Episode['outcome'], end: string | null): void {
    const o = this.open!;
    this.open = null;
    this.closed.push({ start: o.start, end, durationSeconds: seconds(o.start, end), count: o.count, outcome });
  }
}

/** Summary numbers of a list of episodes for messages: total failing time, last outcome. */
export function episodeSummary(episodes: readonly Episode[]): { totalSeconds: number; ongoing: boolean; recovered: number } {
  let totalSeconds = 0;
  let recovered = 0;
  for (const ep of episodes) {
    totalSeconds += ep.durationSeconds ?? 0;
    if (ep.outcome === 'recovered') recovered++;
  }
  return { totalSeconds, ongoing: episodes.at(-1)?.outcome === 'ongoing', recovered };
}

/** "A not followed by B within N": register expectations, fulfil them, collect the misses. */
export class Deadlines<T> {
  private pending: { key: string; item: T; dueMs: number }[] = [];
  private readonly missed: T[] = [];

  expect(key: string, item: T, atMs: number, withinMs: number): void {
    this.pending.push({ key, item, dueMs: atMs + withinMs });
  }

  fulfil(key: string): T | null {
    const i = this.pending.findIndex((p) => p.key === key);
    if (i < 0) return null;
    return this.pending.splice(i, 1)[0]!.item;
  }

  /** Moves expectations due before `nowMs` to the missed list. */
  tick(nowMs: number): void {
    if (this.pending.length === 0) return;
    const still = [];
    for (const p of this.pending) {
      if (p.dueMs < nowMs) this.missed.push(p.item);
      else still.push(p);
    }
    this.pending = still;
  }

  /** At the end of the log: misses, and expectations the log ended too early to judge. */
  finish(lastMs: number | null): { missed: T[]; undecided: T[] } {
    if (lastMs !== null) this.tick(lastMs);
    const undecided = this.pending.map((p) => p.item);
    this.pending = [];
    return { missed: this.missed, undecided };
  }
}

/** A retry loop: failures separated by sleeps, ending in recovery, an exit code, or the end of the log. */
export class RetryLoop {
  failures = 0;
  sleeps = 0;
  sleptSeconds = 0;
  exitCode: number | null = null;

  fail(): void {
    this.failures++;
  }
  sleep(secondsSlept: number): void {
    this.sleeps++;
    this.sleptSeconds += secondsSlept;
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  reset(): void {
    this.failures = 0;
    this.sleeps = 0;
    this.sleptSeconds = 0;
    this.exitCode = null;
  }
}

export interface Gap {
  start: string;
  end: string;
  seconds: number;
}

/** Silent stretches longer than a threshold between consecutive timed events. */
export class Gaps {
  private lastIso: string | null = null;
  private lastMs: number | null = null;
  readonly gaps: Gap[] = [];

  constructor(private readonly thresholdMs: number) {}

  observe(e: RunlogEvent): void {
    const ms = timeMs(e);
    if (ms === null) return;
    if (this.lastMs !== null && this.lastIso !== null && ms - this.lastMs > this.thresholdMs) {
      this.gaps.push({ start: this.lastIso, end: e.time!, seconds: Math.round((ms - this.lastMs) / 1000) });
    }
    if (this.lastMs === null || ms >= this.lastMs) {
      this.lastMs = ms;
      this.lastIso = e.time;
    }
  }
}

/** `3725` → `1h 2m 5s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  // The largest unit and the one below it: `19d 0h`, `2h 5m`, `47s`.
  const units: [number, string][] = [
    [d, 'd'],
    [h, 'h'],
    [m, 'm'],
    [sec, 's'],
  ];
  const first = units.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  const parts = [`${units[first]![0]}${units[first]![1]}`];
  const next = units[first + 1];
  if (next !== undefined && (next[0] > 0 || first < 2)) parts.push(`${next[0]}${next[1]}`);
  return parts.join(' ');
}

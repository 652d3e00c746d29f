/**
 * K-way merge of per-file event streams into one time-ordered stream.
 *
 * Order: event time, then file order, then order within the file (a file is never reordered).
 * An event without a time sorts with the last timed event before it in its file.
 *
 * Files are opened lazily: one whose name time is later than everything emitted so far stays
 * closed. A `_diag` of thousands of Worker logs, most of them one job long and in sequence,
 * therefore has only a few files open at once.
 */
import type { RunlogEvent } from './events.js';

export interface MergeSource {
  /** File order: ties between equal times go to the lower index. */
  index: number;
  /** Time the file's first event cannot precede (its name time), or -Infinity when unknown. */
  startMs: number;
  /** Opens the file and returns its events in batches. */
  open(): AsyncIterator<RunlogEvent[]>;
}

export interface MergeHooks {
  /**
   * Called for each event as it takes its place in the merged order; a returned event follows
   * it. Runs in step with `onEnd`, so state built here is complete when a file ends.
   */
  onEvent?(e: RunlogEvent): RunlogEvent | null;
  /** Called when a file's events are exhausted; returned events follow at that point. */
  onEnd?(index: number): RunlogEvent[];
}

interface Cursor {
  index: number;
  it: AsyncIterator<RunlogEvent[]>;
  batch: RunlogEvent[];
  keys: Float64Array;
  pos: number;
  lastKey: number;
}

/** Epoch ms of an ISO time, remembering the last conversion (consecutive events share seconds). */
class TimeKeys {
  private lastIso = '';
  private lastMs = 0;
  of(iso: string): number {
    if (iso !== this.lastIso) {
      this.lastIso = iso;
      this.lastMs = Date.parse(iso);
    }
    return this.lastMs;
  }
}

const OUT_BATCH = 256;

export async function* mergeByTime(sources: readonly MergeSource[], hooks: MergeHooks = {}): AsyncGenerator<RunlogEvent[]> {
  const pending = [...sources].sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  const active: Cursor[] = [];
  const times = new TimeKeys();
  const onEvent = hooks.onEvent;
  let next = 0;
  let out: RunlogEvent[] = [];

  const load = async (c: Cursor): Promise<boolean> => {
    for (;;) {
      const r = await c.it.next();
      if (r.done === true) return false;
      if (r.value.length === 0) continue;
      c.batch = r.value;
      c.pos = 0;
      c.keys = new Float64Array(r.value.length);
      let last = c.lastKey;
      for (let i = 0; i < r.value.length; i++) {
        const t = r.value[i]!.time;
        if (t !== null) {
          const ms = times.of(t);
          if (!Number.isNaN(ms)) last = ms;
        }
        c.keys[i] = last;
      }
      c.lastKey = last;
      return true;
    }
  };
  const finish = (c: Cursor): void => {
    const extra = hooks.onEnd?.(c.index);
    if (extra !== undefined) for (const e of extra) out.push(e);
  };
  /** Smallest (key, index) among active cursors other than `skip`. */
  const minOf = (skip: Cursor | null): Cursor | null => {
    let best: Cursor | null = null;
    for (const c of active) {
      if (c === skip) continue;
      if (best === null || before(c, best)) best = c;
    }
    return best;
  };

  for (;;) {
    // Open every file that could hold the next event.
    let head = minOf(null);
    while (next < pending.length && (head === null || pending[next]!.startMs <= head.keys[head.pos]!)) {
      const src = pending[next++]!;
      const c: Cursor = { index: src.index, it: src.open(), batch: [], keys: new Float64Array(0), pos: 0, lastKey: src.startMs };
      if (await load(c)) active.push(c);
      else finish(c);
      head = minOf(null);
    }
    if (head === null) break;

    // Emit from the head cursor while it stays ahead of every other file and of closed ones.
    const rival = minOf(head);
    const rivalKey = rival === null ? Infinity : rival.keys[rival.pos]!;
    const pendingKey = next < pending.length ? pending[next]!.startMs : Infinity;
    const c = head;
    while (c.pos < c.batch.length) {
      const k = c.keys[c.pos]!;
      if (k > rivalKey || (k === rivalKey && rival !== null && rival.index < c.index)) break;
      if (k >= pendingKey) break; // a closed file may start here: open it first
      const e = c.batch[c.pos++]!;
      out.push(e);
      if (onEvent !== undefined) {
        const extra = onEvent(e);
        if (extra !== null) out.push(extra);
      }
    }
    if (c.pos >= c.batch.length) {
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
      if (!(await load(c))) {
        active.splice(active.indexOf(c), 1);
        finish(c);
      }
    } else if (out.length >= OUT_BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

function before(a: Cursor, b: Cursor): boolean {
  const ka = a.keys[a.pos]!;
  const kb = b.keys[b.pos]!;
  return ka < kb || (ka === kb && a.index < b.index);
}

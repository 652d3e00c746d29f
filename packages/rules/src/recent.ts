/**
 * Bounded memory for rules. A rule reads a month of logs in one pass, but the lines it ties
 * together are close: a job's Runner and Worker lines all fall within hours of each other, and
 * jobs run one after another. Remembering every job id, name or Worker file until the end only
 * costs memory that grows with the input, so lookups keep their recent entries, and what the
 * rule will report is kept on purpose (`keep`).
 */

/**
 * How many jobs (or Worker files) a rule remembers for correlation. Jobs run one at a time on a
 * runner; a few hundred covers several runners' logs mixed in one folder.
 */
export const RECENT_JOBS = 512;

/**
 * A `Map` that forgets its oldest entries beyond `capacity`, like a FIFO cache: iteration and
 * `set` on a known key behave as in a `Map` (insertion order, the key keeps its place), so a
 * rule sees the same answers as long as what it looks up is recent. `keep(key)` exempts a key
 * from eviction, now or whenever it is set later: use it for what the rule will report, whose
 * entries are read again in `end`.
 */
export class RecentMap<K, V> {
  /** Every retained entry, in insertion order. */
  private readonly entries = new Map<K, V>();
  /** The entries that may be evicted, with the stamp of their place in `order`. */
  private readonly queued = new Map<K, number>();
  /**
   * Eviction order, oldest first from `head`. A key deleted or kept stays behind as a stale slot
   * (its stamp no longer matches) and is skipped: evicting from the front of a `Set` instead
   * would walk over the holes its deletions leave, on every eviction.
   */
  private orderKeys: K[] = [];
  private orderStamps: number[] = [];
  private head = 0;
  private stamp = 0;
  private readonly kept = new Set<K>();

  /**
   * @param capacity how many entries that are not kept to remember.
   * @param onEvict called with an entry as it is forgotten (to drop it from other indexes).
   */
  constructor(
    private readonly capacity = RECENT_JOBS,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    const before = this.entries.size;
    this.entries.set(key, value);
    // A new key queues (a known one keeps its place, as in a `Map`).
    if (this.entries.size !== before && !this.kept.has(key)) this.enqueue(key);
    return this;
  }

  /** Forgets `key` entirely, kept or not. */
  delete(key: K): boolean {
    this.queued.delete(key);
    this.kept.delete(key);
    return this.entries.delete(key);
  }

  /** Keeps `key` until the end (or until `release`), whether it is set yet or not. */
  keep(key: K): void {
    this.kept.add(key);
    this.queued.delete(key);
  }

  isKept(key: K): boolean {
    return this.kept.has(key);
  }

  /** Makes a kept key evictable again: it queues as the newest entry. */
  release(key: K): void {
    if (!this.kept.delete(key)) return;
    if (this.entries.has(key)) this.enqueue(key);
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries[Symbol.iterator]();
  }

  private enqueue(key: K): void {
    const stamp = this.stamp++;
    this.queued.set(key, stamp);
    this.orderKeys.push(key);
    this.orderStamps.push(stamp);
    if (this.queued.size > this.capacity) {
      for (;;) {
        const oldest = this.orderKeys[this.head]!;
        const valid = this.queued.get(oldest) === this.orderStamps[this.head];
        this.head++;
        if (!valid) continue;
        this.queued.delete(oldest);
        const evicted = this.entries.get(oldest) as V;
        this.entries.delete(oldest);
        this.onEvict?.(oldest, evicted);
        break;
      }
    }
    // Drops the slots before `head` and the stale ones once they outnumber the live ones.
    const slots = this.orderKeys.length - this.head;
    if (slots > 64 && slots > 2 * this.queued.size) {
      const keys: K[] = [];
      const stamps: number[] = [];
      for (let i = this.head; i < this.orderKeys.length; i++) {
        const k = this.orderKeys[i]!;
        if (this.queued.get(k) !== this.orderStamps[i]) continue;
        keys.push(k);
        stamps.push(this.orderStamps[i]!);
      }
      this.orderKeys = keys;
      this.orderStamps = stamps;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.orderKeys.length) {
      this.orderKeys = this.orderKeys.slice(this.head);
      this.orderStamps = this.orderStamps.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * A copy of a short string that does not share memory with the line it was cut from. V8 keeps a
 * `slice` of a long string as a view into it, so an id kept to the end would keep its whole line.
 */
export function detached(s: string): string;
export function detached(s: string | null): string | null;
export function detached(s: string | null): string | null {
  return s === null ? null : (' ' + s).slice(1);
}

/**
 * Evidence from events, and `Occurrences`: the tracker most rules use to count what they saw
 * and keep a few representative lines (the first ones, where it started, and the last ones,
 * where it stood when the log ended).
 */
import type { RunlogEvent } from '@runlog/parser';
import type { Evidence, NonEmpty, RuleContext } from './types.js';

const MAX_EXCERPT = 400;

/** The log line as it was written: `[2024-11-21 14:05:48Z ERR  MessageListener] ...`. */
export function excerptOf(e: RunlogEvent): string {
  let text: string;
  if (e.component === 'Console' || e.component === '') {
    text = e.text;
  } else {
    const time = e.time === null ? '' : `${e.time.slice(0, 10)} ${e.time.slice(11)} `;
    const level = e.level === 'ERR' ? 'ERR ' : e.level === 'OTHER' ? '' : e.level;
    text = `[${time}${level} ${e.component}] ${e.text}`.replace('[ ', '[');
  }
  // Long lines (URLs with query strings) keep their head and their tail, where the status
  // or the reason usually is.
  if (text.length <= MAX_EXCERPT) return text;
  return `${cutAtWord(text.slice(0, MAX_EXCERPT - 161), 'end')} … ${cutAtWord(text.slice(-158), 'start')}`;
}

/** Trims a cut piece back to a word boundary (within 24 chars), so tokens are not halved. */
function cutAtWord(piece: string, side: 'start' | 'end'): string {
  if (side === 'end') {
    const at = piece.lastIndexOf(' ');
    return at >= piece.length - 24 ? piece.slice(0, at) : piece;
  }
  const at = piece.indexOf(' ');
  return at >= 0 && at < 24 ? piece.slice(at + 1) : piece;
}

export function evidenceOf(e: RunlogEvent, role: Evidence['role'] = 'trigger'): Evidence {
  return {
    file: e.source.file,
    line: e.source.line,
    endLine: e.source.endLine,
    time: e.time,
    excerpt: excerptOf(e),
    role,
  };
}

export interface OccurrenceSummary {
  evidence: NonEmpty<Evidence>;
  evidenceOmitted: number;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

/**
 * Counts occurrences and keeps the first `head` and the last `tail` as evidence, plus context
 * lines attached to them. Every event added is marked explained.
 */
export class Occurrences {
  count = 0;
  firstSeen: string | null = null;
  lastSeen: string | null = null;
  private readonly head: Evidence[] = [];
  private tailRing: Evidence[] = [];
  private readonly contextLines: Evidence[] = [];
  private dropped = 0;

  constructor(
    private readonly ctx: Pick<RuleContext<string>, 'explain'>,
    private readonly keepHead = 3,
    private readonly keepTail = 2,
    private readonly keepContext = 4,
  ) {}

  add(e: RunlogEvent): void {
    this.ctx.explain(e);
    this.count++;
    if (e.time !== null) {
      if (this.firstSeen === null) this.firstSeen = e.time;
      this.lastSeen = e.time;
    }
    const ev = evidenceOf(e, 'trigger');
    if (this.head.length < this.keepHead) {
      this.head.push(ev);
      return;
    }
    this.tailRing.push(ev);
    if (this.tailRing.length > this.keepTail) {
      this.tailRing.shift();
      this.dropped++;
    }
  }

  /** A line that explains the occurrences (a proxy setting, the exception behind an error). */
  context(e: RunlogEvent): void {
    this.ctx.explain(e);
    if (this.contextLines.some((c) => c.file === e.source.file && c.line === e.source.line)) return;
    if (this.contextLines.length < this.keepContext) this.contextLines.push(evidenceOf(e, 'context'));
    else this.dropped++;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Evidence in log order (file, then line); null when nothing was added. */
  summary(): OccurrenceSummary | null {
    const all = [...this.head, ...this.tailRing, ...this.contextLines].sort(compareEvidence);
    if (all.length === 0) return null;
    return {
      evidence: all as unknown as NonEmpty<Evidence>,
      evidenceOmitted: this.dropped,
      count: this.count,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
    };
  }
}

export function compareEvidence(a: Evidence, b: Evidence): number {
  if (a.time !== null && b.time !== null && a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line;
}

/** Joins several summaries (e.g. triggers from two signatures) into one, in log order. */
export function mergeSummaries(...parts: (OccurrenceSummary | null)[]): OccurrenceSummary | null {
  const present = parts.filter((p): p is OccurrenceSummary => p !== null);
  if (present.length === 0) return null;
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const p of present) {
    for (const ev of p.evidence) {
      const key = `${ev.file}:${ev.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      evidence.push(ev);
    }
  }
  evidence.sort(compareEvidence);
  const times = present.flatMap((p) => [p.firstSeen, p.lastSeen]).filter((t): t is string => t !== null).sort();
  return {
    evidence: evidence as unknown as NonEmpty<Evidence>,
    evidenceOmitted: present.reduce((n, p) => n + p.evidenceOmitted, 0),
    count: present.reduce((n, p) => n + p.count, 0),
    firstSeen: times[0] ?? null,
    lastSeen: times[times.length - 1] ?? null,
  };
}

/** The first `max` lines of `all` as a finding's evidence, with the rest counted; null when empty. */
export function capEvidence(all: readonly Evidence[], max: number): { evidence: NonEmpty<Evidence>; evidenceOmitted: number } | null {
  if (all.length === 0) return null;
  return { evidence: all.slice(0, max) as unknown as NonEmpty<Evidence>, evidenceOmitted: Math.max(0, all.length - max) };
}

/** First and last of a set of ISO times (nulls ignored). */
export function timeSpan(times: readonly (string | null)[]): { firstSeen: string | null; lastSeen: string | null } {
  const known = times.filter((t): t is string => t !== null).sort();
  return { firstSeen: known[0] ?? null, lastSeen: known[known.length - 1] ?? null };
}

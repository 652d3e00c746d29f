/**
 * `--since` / `--until`: an ISO-8601 time, or a duration (`90s`, `30m`, `6h`, `2d`, `1w`) counted
 * back from the END of the logs — not from now: an old _diag folder has no "now", and the same
 * command must give the same report tomorrow.
 */
import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export type Bound = { kind: 'absolute'; iso: string } | { kind: 'relative'; ms: number };

export function parseBound(option: string, value: string): Bound {
  const m = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (m !== null) return { kind: 'relative', ms: Number(m[1]) * UNIT_MS[m[2]!]! };
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    throw new UsageError(`--${option} '${value}' is neither an ISO time (2024-11-21T14:00:00Z) nor a duration (6h, 30m, 2d)`);
  }
  return { kind: 'absolute', iso: new Date(ms).toISOString() };
}

export function resolveBound(bound: Bound | null, logEnd: string | null): string | null {
  if (bound === null) return null;
  if (bound.kind === 'absolute') return bound.iso;
  if (logEnd === null) return null;
  return new Date(Date.parse(logEnd) - bound.ms).toISOString();
}

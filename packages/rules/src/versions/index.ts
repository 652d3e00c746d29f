/**
 * Version awareness (spec §5, F05/F06): how old a runner version was when the log was written.
 *
 * GitHub expects self-hosted runners to update within 30 days of a new release; a runner
 * version refused as deprecated is expected when it has been superseded for longer than that,
 * and suspicious (a service-side incident) when it was current or only recently superseded.
 */
import { RUNNER_RELEASES } from './releases.js';

export const UPDATE_POLICY_DAYS = 30;
const DAY_MS = 86_400_000;

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10));
  const pb = b.split('.').map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface VersionStanding {
  version: string;
  /** Release date of this version, when the bundled table knows it. */
  released: string | null;
  /** The first release after it (which started its 30-day clock), as of `at`. */
  supersededBy: { version: string; date: string } | null;
  /** Latest release the table knows as of `at`. */
  latestAt: { version: string; date: string } | null;
  /** Days between the first newer release and `at` (negative or null: not superseded). */
  daysSuperseded: number | null;
  /**
   * `current`: latest known at that time; `grace`: superseded for fewer than 30 days;
   * `outdated`: superseded for longer; `unknown`: the version or the time is beyond the table.
   */
  standing: 'current' | 'grace' | 'outdated' | 'unknown';
}

/** Where `version` stood on `atIso` (the time of the log). */
export function versionStanding(version: string, atIso: string | null): VersionStanding {
  const at = atIso === null ? null : Date.parse(atIso);
  const released = RUNNER_RELEASES.find(([v]) => v === version)?.[1] ?? null;
  const result: VersionStanding = { version, released, supersededBy: null, latestAt: null, daysSuperseded: null, standing: 'unknown' };
  if (at === null || Number.isNaN(at)) return result;
  const known = RUNNER_RELEASES.filter(([, d]) => Date.parse(d) <= at);
  const latest = known.at(-1);
  if (latest !== undefined) result.latestAt = { version: latest[0], date: latest[1] };
  const newestKnown = RUNNER_RELEASES.at(-1)!;
  if (compareVersions(version, newestKnown[0]) > 0) return result; // newer than the table
  // The first release with a higher version, published before the log time.
  const next = known.find(([v]) => compareVersions(v, version) > 0);
  if (next === undefined) {
    result.standing = released !== null || compareVersions(version, latest?.[0] ?? '0.0.0') >= 0 ? 'current' : 'unknown';
    return result;
  }
  result.supersededBy = { version: next[0], date: next[1] };
  const days = Math.floor((at - Date.parse(next[1])) / DAY_MS);
  result.daysSuperseded = days;
  result.standing = days > UPDATE_POLICY_DAYS ? 'outdated' : 'grace';
  return result;
}

export { RUNNER_RELEASES };

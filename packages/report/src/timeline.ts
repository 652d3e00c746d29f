/**
 * The timeline every report draws: when the runner was connected, when it was failing (per
 * cause), and when jobs ran. Derived from the analysis result alone, so every format shows the
 * same picture and the output stays deterministic.
 */
import type { AnalysisResult, CauseId } from '@runlog/rules';

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'job-ok' | 'job-fail' | 'job-other';

export interface Segment {
  start: number;
  end: number;
  label: string;
  tone: Tone;
}

export interface Lane {
  id: string;
  label: string;
  segments: Segment[];
}

export interface Timeline {
  start: number;
  end: number;
  lanes: Lane[];
}

/** Causes during which the runner is not connected to the service. */
const DISCONNECTING: ReadonlySet<CauseId> = new Set<CauseId>([
  'session_conflict',
  'oauth_registration_not_found',
  'runner_deleted_on_server',
  'runner_version_deprecated',
  'token_expired_or_unauthorized',
  'clock_skew',
  'runner_group_not_found',
  'broker_session_not_found',
  'service_unavailable',
  'dns_or_network_unreachable',
  'connection_timeout',
  'tls_certificate_error',
  'proxy_error',
  'runner_not_configured',
]);

const MAX_JOB_SEGMENTS = 200;

function ms(iso: string | null): number | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Returns null when the result has no time window to draw. */
export function buildTimeline(result: AnalysisResult): Timeline | null {
  const start = ms(result.window.start);
  const end = ms(result.window.end);
  if (start === null || end === null || end < start) return null;
  const span = Math.max(end - start, 1000);
  const last = start + span;
  const minWidth = span / 400; // keep point events visible
  // At least `minWidth` wide and inside the window: a point at the very end is drawn just before it.
  const place = (s: number, e: number): { start: number; end: number } => {
    const width = Math.max(e - s, minWidth);
    const to = Math.min(s + width, last);
    return { start: Math.max(start, to - width), end: to };
  };
  const lanes: Lane[] = [];
  const outages: Segment[] = [];

  for (const cause of result.diagnosis.causes) {
    const tone: Tone = cause.severity === 'error' ? 'bad' : cause.severity === 'warning' ? 'warn' : 'info';
    const segments: Segment[] = [];
    const episodes = cause.episodes.length > 0 ? cause.episodes : [{ start: cause.firstSeen, end: cause.lastSeen, outcome: 'ended' as const }];
    for (const ep of episodes) {
      const s = ms(ep.start) ?? ms(cause.firstSeen);
      const e = ms(ep.end) ?? s;
      if (s === null || e === null) continue;
      segments.push({ ...place(s, e), label: cause.id, tone });
    }
    if (segments.length === 0) continue;
    lanes.push({ id: cause.id, label: cause.title, segments });
    if (DISCONNECTING.has(cause.id) && cause.severity !== 'info') outages.push(...segments);
  }

  // Connected = the log window minus the failing stretches of causes that disconnect the runner.
  const merged = mergeSegments(outages);
  const state: Segment[] = [];
  let cursor = start;
  for (const o of merged) {
    if (o.start > cursor) state.push({ start: cursor, end: o.start, label: 'connected', tone: 'ok' });
    state.push({ start: Math.max(o.start, cursor), end: o.end, label: 'not connected', tone: 'bad' });
    cursor = Math.max(cursor, o.end);
  }
  if (cursor < end) state.push({ start: cursor, end, label: 'connected', tone: 'ok' });
  lanes.unshift({ id: 'runner', label: 'Runner', segments: state });

  const jobs: Segment[] = [];
  for (const j of result.jobs) {
    const s = ms(j.start);
    if (s === null) continue;
    const e = ms(j.end) ?? s;
    const tone: Tone = j.result === 'Succeeded' || j.result === 'SucceededWithIssues' ? 'job-ok' : j.result === null ? 'job-other' : 'job-fail';
    jobs.push({ ...place(s, e), label: j.name ?? j.jobId ?? 'job', tone });
  }
  if (jobs.length > 0) {
    const shown = jobs.length > MAX_JOB_SEGMENTS ? jobs.slice(-MAX_JOB_SEGMENTS) : jobs;
    lanes.push({ id: 'jobs', label: jobs.length > MAX_JOB_SEGMENTS ? `Jobs (last ${MAX_JOB_SEGMENTS})` : 'Jobs', segments: shown });
  }
  return { start, end: last, lanes };
}

function mergeSegments(segments: Segment[]): Segment[] {
  const sorted = [...segments].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Segment[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function isoMinute(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

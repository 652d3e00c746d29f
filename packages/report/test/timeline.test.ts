/**
 * The timeline every format draws, from the analysis result alone.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { analyzeDiag, type AnalysisResult } from '@runlog/rules';
import { buildTimeline, isoMinute, type Timeline } from '../src/index.js';
import { FULL_SESSION } from './fixtures.js';

const t = (iso: string): number => Date.parse(iso);

let result: AnalysisResult;
let timeline: Timeline;

beforeAll(async () => {
  result = await analyzeDiag([FULL_SESSION]);
  timeline = buildTimeline(result)!;
});

describe('buildTimeline on the full session', () => {
  it('spans the log window', () => {
    expect(timeline.start).toBe(t('2025-12-09T06:58:12Z'));
    expect(timeline.end).toBe(t('2025-12-09T16:20:04Z'));
  });

  it('has the runner lane first, then one lane per cause, then the jobs', () => {
    expect(timeline.lanes.map((l) => l.id)).toEqual(['runner', ...result.diagnosis.causes.map((c) => c.id), 'jobs']);
    expect(timeline.lanes.map((l) => l.id)).toContain('service_unavailable');
  });

  it('the runner is connected, not connected during the 503 outage, then connected again', () => {
    const runner = timeline.lanes[0]!;
    expect(runner.segments.map((s) => [s.label, s.tone])).toEqual([
      ['connected', 'ok'],
      ['not connected', 'bad'],
      ['connected', 'ok'],
    ]);
    const [a, b, c] = runner.segments;
    expect(a!.start).toBe(timeline.start);
    expect(b!.start).toBe(t('2025-12-09T13:05:02Z'));
    expect(b!.end).toBe(t('2025-12-09T13:12:49Z'));
    expect(a!.end).toBe(b!.start);
    expect(c!.start).toBe(b!.end);
    expect(c!.end).toBe(timeline.end);
  });

  it('the outage lane is a warning from the first to the last failure', () => {
    const lane = timeline.lanes.find((l) => l.id === 'service_unavailable')!;
    expect(lane.label).toBe('The GitHub Actions service answered with server errors (5xx)');
    expect(lane.segments).toEqual([{ start: t('2025-12-09T13:05:02Z'), end: t('2025-12-09T13:12:49Z'), label: 'service_unavailable', tone: 'warn' }]);
  });

  it('the job is one successful segment', () => {
    expect(timeline.lanes.at(-1)!.segments).toEqual([{ start: t('2025-12-09T09:41:07Z'), end: t('2025-12-09T09:44:40Z'), label: 'build (20.x)', tone: 'job-ok' }]);
  });

  it('every segment lies inside the window and has a positive width', () => {
    for (const lane of timeline.lanes) {
      for (const s of lane.segments) {
        expect(s.start).toBeGreaterThanOrEqual(timeline.start);
        expect(s.end).toBeLessThanOrEqual(timeline.end);
        expect(s.end).toBeGreaterThan(s.start);
      }
    }
  });
});

describe('buildTimeline edge cases', () => {
  it('is null without a time window', () => {
    const r = structuredClone(result);
    r.window = { start: null, end: null };
    expect(buildTimeline(r)).toBeNull();
    r.window = { start: '2025-12-09T10:00:00Z', end: '2025-12-09T09:00:00Z' };
    expect(buildTimeline(r)).toBeNull();
  });

  it('a point-in-time cause still gets a visible width, and an info cause does not disconnect', () => {
    const r = structuredClone(result);
    r.diagnosis.causes = r.diagnosis.causes.filter((c) => c.id === 'service_unavailable');
    const cause = r.diagnosis.causes[0]!;
    cause.severity = 'info';
    cause.episodes = [];
    cause.firstSeen = '2025-12-09T13:05:02Z';
    cause.lastSeen = '2025-12-09T13:05:02Z';
    const tl = buildTimeline(r)!;
    const seg = tl.lanes[1]!.segments[0]!;
    expect(seg.tone).toBe('info');
    expect(seg.end - seg.start).toBeGreaterThan(0);
    expect(tl.lanes[0]!.segments).toEqual([{ start: tl.start, end: tl.end, label: 'connected', tone: 'ok' }]);
  });

  it('a point at the very end of the logs is drawn inside the window', () => {
    const r = structuredClone(result);
    r.diagnosis.causes = r.diagnosis.causes.filter((c) => c.id === 'service_unavailable');
    const cause = r.diagnosis.causes[0]!;
    cause.episodes = [];
    cause.firstSeen = r.window.end;
    cause.lastSeen = r.window.end;
    const tl = buildTimeline(r)!;
    const seg = tl.lanes[1]!.segments[0]!;
    expect(seg.end).toBe(tl.end);
    expect(seg.start).toBeLessThan(seg.end);
    expect(seg.start).toBeGreaterThanOrEqual(tl.start);
  });

  it('shows the last 200 jobs of many, and colours failed and unfinished jobs', () => {
    const r = structuredClone(result);
    const job = r.jobs[0]!;
    r.jobs = Array.from({ length: 250 }, (_, i) => ({ ...job, jobId: `j${i}`, name: `job ${i}`, result: i % 2 === 0 ? 'Failed' : null }));
    const lane = buildTimeline(r)!.lanes.at(-1)!;
    expect(lane.label).toBe('Jobs (last 200)');
    expect(lane.segments).toHaveLength(200);
    expect(lane.segments[0]!.label).toBe('job 50');
    expect(lane.segments.map((s) => s.tone)).toEqual(expect.arrayContaining(['job-fail', 'job-other']));
  });

  it('overlapping outages of two causes merge into one "not connected" stretch', () => {
    const r = structuredClone(result);
    r.diagnosis.causes = r.diagnosis.causes.filter((c) => c.id === 'service_unavailable');
    const second = structuredClone(r.diagnosis.causes[0]!);
    second.id = 'dns_or_network_unreachable';
    second.severity = 'error';
    second.episodes = [{ start: '2025-12-09T13:10:00Z', end: '2025-12-09T13:20:00Z', durationSeconds: 600, count: 3, outcome: 'recovered' }];
    r.diagnosis.causes.push(second);
    const runner = buildTimeline(r)!.lanes[0]!;
    const down = runner.segments.filter((s) => s.tone === 'bad');
    expect(down).toEqual([{ start: t('2025-12-09T13:05:02Z'), end: t('2025-12-09T13:20:00Z'), label: 'not connected', tone: 'bad' }]);
  });
});

describe('isoMinute', () => {
  it('formats a time as UTC minutes', () => {
    expect(isoMinute(t('2025-12-09T13:05:59.999Z'))).toBe('2025-12-09 13:05');
  });
});

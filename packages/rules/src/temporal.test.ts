/**
 * The shared temporal building blocks.
 */
import { describe, expect, it } from '@jest/globals';
import { parseText, type RunlogEvent } from '@runlog/parser';
import { Deadlines, Episodes, Gaps, RetryLoop, episodeSummary, formatDuration } from './temporal.js';

function at(time: string): RunlogEvent {
  const [e] = parseText(`[${time.replace('T', ' ')} INFO MessageListener] Session created.\n`, { fileEvent: false });
  return e!;
}

describe('Episodes', () => {
  it('a streak closed by a success marker is recovered, with its duration and count', () => {
    const ep = new Episodes();
    ep.fail(at('2024-01-01T10:00:00Z'));
    ep.fail(at('2024-01-01T10:01:00Z'));
    ep.ok(at('2024-01-01T10:05:00Z'));
    expect(ep.finish()).toEqual([{ start: '2024-01-01T10:00:00Z', end: '2024-01-01T10:05:00Z', durationSeconds: 300, count: 2, outcome: 'recovered' }]);
  });

  it('a streak still open at the end of the log is ongoing', () => {
    const ep = new Episodes();
    ep.fail(at('2024-01-01T10:00:00Z'));
    ep.fail(at('2024-01-01T10:02:00Z'));
    const [e] = ep.finish();
    expect(e?.outcome).toBe('ongoing');
    expect(episodeSummary(ep.finish()).ongoing).toBe(true);
  });

  it('a long silence between failures splits the streak (the recovery may not be in the log)', () => {
    const ep = new Episodes(3600_000);
    ep.fail(at('2024-01-01T10:00:00Z'));
    ep.fail(at('2024-01-01T12:00:00Z'));
    expect(ep.finish().map((e) => e.outcome)).toEqual(['ended', 'ongoing']);
  });

  it('a streak the log outlived by more than the split interval ended; within it, it is ongoing', () => {
    const streak = (): Episodes => {
      const ep = new Episodes(3600_000);
      ep.fail(at('2024-01-01T10:00:00Z'));
      ep.fail(at('2024-01-01T10:02:00Z'));
      return ep;
    };
    expect(streak().finish('2024-01-01T12:00:00Z').map((e) => [e.outcome, e.end])).toEqual([['ended', '2024-01-01T10:02:00Z']]);
    expect(streak().finish('2024-01-01T10:30:00Z').map((e) => e.outcome)).toEqual(['ongoing']);
    expect(streak().finish(null).map((e) => e.outcome)).toEqual(['ongoing']);
  });
});

describe('Deadlines ("A not followed by B within N")', () => {
  it('reports expectations that passed their deadline, fulfils the others', () => {
    const d = new Deadlines<string>();
    d.expect('a', 'first', 0, 1000);
    d.expect('b', 'second', 0, 1000);
    expect(d.fulfil('b')).toBe('second');
    d.tick(2000);
    expect(d.finish(2000)).toEqual({ missed: ['first'], undecided: [] });
  });

  it('leaves undecided what the log ended too early to judge', () => {
    const d = new Deadlines<string>();
    d.expect('a', 'late', 0, 10_000);
    expect(d.finish(5000)).toEqual({ missed: [], undecided: ['late'] });
  });
});

describe('RetryLoop', () => {
  it('counts failures and sleeps and keeps the exit code the loop ended in', () => {
    const loop = new RetryLoop();
    loop.fail();
    loop.sleep(30);
    loop.fail();
    loop.exit(5);
    expect({ failures: loop.failures, sleeps: loop.sleeps, slept: loop.sleptSeconds, exit: loop.exitCode }).toEqual({ failures: 2, sleeps: 1, slept: 30, exit: 5 });
    loop.reset();
    expect(loop.failures + loop.sleeps + loop.sleptSeconds).toBe(0);
    expect(loop.exitCode).toBeNull();
  });
});

describe('Gaps', () => {
  it('finds silent stretches longer than the threshold', () => {
    const g = new Gaps(60_000);
    for (const t of ['2024-01-01T10:00:00Z', '2024-01-01T10:00:30Z', '2024-01-01T10:05:30Z']) g.observe(at(t));
    expect(g.gaps).toEqual([{ start: '2024-01-01T10:00:30Z', end: '2024-01-01T10:05:30Z', seconds: 300 }]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [47, '47s'],
    [125, '2m 5s'],
    [3600, '1h 0m'],
    [7325, '2h 2m'],
    [19 * 86400 + 1, '19d 0h'],
  ])('%d s → %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

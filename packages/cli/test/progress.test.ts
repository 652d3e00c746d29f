/**
 * The progress line: only on a terminal, only for inputs of 50 MB or more, throttled, and
 * erased when done.
 */
import { describe, expect, it } from '@jest/globals';
import { Progress, PROGRESS_THRESHOLD_BYTES } from '../src/progress.js';
import { fakeIO } from './helpers.js';

const MB = 1024 * 1024;

function setup(isTTY: boolean) {
  const io = fakeIO({ stderrTTY: isTTY });
  let now = 0;
  const progress = new Progress(io, () => now);
  return {
    io,
    progress,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('Progress', () => {
  it('the threshold is 50 MB', () => {
    expect(PROGRESS_THRESHOLD_BYTES).toBe(50 * MB);
  });

  it('writes nothing when stderr is not a terminal, however large the input', () => {
    const { io, progress, advance } = setup(false);
    expect(progress.enabled).toBe(false);
    for (let i = 0; i <= 10; i++) {
      advance(1000);
      progress.update({ filesDone: i, filesTotal: 10, bytesRead: i * 100 * MB, bytesTotal: 1000 * MB });
    }
    progress.done();
    expect(io.stderr.text).toBe('');
    expect(io.stdout.text).toBe('');
  });

  it('writes nothing on a terminal for inputs under 50 MB', () => {
    const { io, progress, advance } = setup(true);
    expect(progress.enabled).toBe(true);
    for (let i = 0; i <= 4; i++) {
      advance(1000);
      progress.update({ filesDone: i, filesTotal: 4, bytesRead: i * 12 * MB, bytesTotal: 50 * MB - 1 });
    }
    progress.done();
    expect(io.stderr.text).toBe('');
  });

  it('draws a bar on a terminal for 50 MB and more, then erases it', () => {
    const { io, progress, advance } = setup(true);
    advance(1000);
    progress.update({ filesDone: 1, filesTotal: 4, bytesRead: 25 * MB, bytesTotal: 100 * MB });
    // 100 columns: a 40-character bar, a quarter full.
    expect(io.stderr.text).toBe(`\r[${'#'.repeat(10)}${'.'.repeat(30)}] 1/4 files, 25/100 MB`);
    advance(1000);
    progress.update({ filesDone: 4, filesTotal: 4, bytesRead: 100 * MB, bytesTotal: 100 * MB });
    expect(io.stderr.text).toMatch(/\r\[#+\] 4\/4 files, 100\/100 MB$/);
    progress.done();
    expect(io.stderr.text.endsWith('\r\u001b[K')).toBe(true);
    expect(io.stdout.text).toBe('');
  });

  it('redraws at most every 100 ms, except for the last file', () => {
    const { io, progress, advance } = setup(true);
    advance(1000);
    progress.update({ filesDone: 1, filesTotal: 3, bytesRead: 40 * MB, bytesTotal: 120 * MB });
    const once = io.stderr.text;
    advance(50);
    progress.update({ filesDone: 1, filesTotal: 3, bytesRead: 50 * MB, bytesTotal: 120 * MB });
    expect(io.stderr.text).toBe(once);
    advance(10);
    progress.update({ filesDone: 3, filesTotal: 3, bytesRead: 120 * MB, bytesTotal: 120 * MB });
    expect(io.stderr.text.length).toBeGreaterThan(once.length);
  });

  it('done() writes nothing when nothing was drawn', () => {
    const { io, progress } = setup(true);
    progress.done();
    expect(io.stderr.text).toBe('');
  });

  it('fits the bar to narrow and wide terminals', () => {
    const narrow = fakeIO({ stderrTTY: true });
    Object.assign(narrow.stderr, { columns: 40 });
    const p = new Progress(narrow, () => 1000);
    p.update({ filesDone: 0, filesTotal: 1, bytesRead: 0, bytesTotal: 60 * MB });
    expect(narrow.stderr.text).toBe(`\r[${'.'.repeat(10)}] 0/1 files, 0/60 MB`);
    const wide = fakeIO({ stderrTTY: true });
    Object.assign(wide.stderr, { columns: 300 });
    new Progress(wide, () => 1000).update({ filesDone: 0, filesTotal: 1, bytesRead: 60 * MB, bytesTotal: 60 * MB });
    expect(wide.stderr.text).toBe(`\r[${'#'.repeat(40)}] 0/1 files, 60/60 MB`);
  });
});

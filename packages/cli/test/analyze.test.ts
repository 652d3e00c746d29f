/**
 * `runlog analyze`: every format on every fixture, --output, --since/--until, --rule and
 * --disable-rule, determinism across file orders, and progress on large inputs.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error -- a plain .mjs script without type declarations
import { generate } from '../../../scripts/bench/generate.mjs';
import { assertGithubSafe, assertHtmlSafe, assertMarkdownSafe, assertResultShape, assertTerminalSafe } from '../../report/test/checks.js';
import { fixtureInputs, tempDir } from '../../report/test/fixtures.js';
import { FULL_SESSION, runlog, runlogAsync, runMain, SESSION_CONFLICT } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

const FORMATS = ['terminal', 'json', 'markdown', 'html', 'github'] as const;

interface Json {
  diagnosis: { verdict: string; causes: { id: string; severity: string; count: number }[] };
  stats: { rules: number; files: number };
  window: { start: string | null; end: string | null };
}
const causeIds = (stdout: string): string[] => (JSON.parse(stdout) as Json).diagnosis.causes.map((c) => c.id);

describe('every format on every fixture (in process)', () => {
  const inputs = fixtureInputs();

  it('covers the corpus, the full session, the grammar cases and the examples', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(26);
  });

  it.each(inputs.flatMap((i) => FORMATS.map((f) => [i.name, f, i.paths] as const)))('%s --format %s', async (_name, format, paths) => {
    const r = await runMain(['analyze', ...paths, '--format', format]);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    switch (format) {
      case 'json': {
        const parsed = JSON.parse(r.stdout) as Json;
        assertResultShape(parsed);
        expect(r.code).toBe(parsed.diagnosis.causes.some((c) => c.severity === 'error') ? 1 : 0);
        break;
      }
      case 'markdown':
        expect(r.stdout.length).toBeLessThanOrEqual(65_536);
        assertMarkdownSafe(r.stdout);
        break;
      case 'html':
        assertHtmlSafe(r.stdout);
        break;
      case 'github':
        assertGithubSafe(r.stdout, r.stdout.trimEnd().split('\n').length);
        break;
      case 'terminal':
        assertTerminalSafe(r.stdout, false);
        expect(r.stdout).toMatch(/^(FAULT FOUND|HEALTHY|INCONCLUSIVE): /);
        break;
    }
  });
});

describe('every format end to end on the full session and a session conflict', () => {
  it.each(FORMATS.flatMap((f) => [[f, FULL_SESSION, 0] as const, [f, SESSION_CONFLICT, 1] as const]))('--format %s %s', async (format, dir, code) => {
    const r = await runlogAsync(['analyze', dir, '--format', format]);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBeGreaterThan(0);
    if (format === 'json') assertResultShape(JSON.parse(r.stdout));
  });
});

describe('--output', () => {
  const dir = tempDir('output');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(FORMATS)('writes the %s report to the file, not to stdout', (format) => {
    const file = join(dir, `report.${format}`);
    const r = runlog(['analyze', FULL_SESSION, '--format', format, '--output', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`runlog: wrote the ${format} report to ${file}\n`);
    const written = readFileSync(file, 'utf8');
    expect(written.length).toBeGreaterThan(0);
    if (format !== 'terminal') expect(written).toBe(runlog(['analyze', FULL_SESSION, '--format', format]).stdout);
  });

  it('-o is the short form, and the exit code still follows --fail-on', () => {
    const file = join(dir, 'short.json');
    expect(runlog(['analyze', FULL_SESSION, '-f', 'json', '-o', file, '--fail-on', 'warning']).code).toBe(1);
    assertResultShape(JSON.parse(readFileSync(file, 'utf8')));
  });
});

describe('--since and --until', () => {
  // The full session ends at 16:20:04Z; the 503 outage runs 13:05:02Z → 13:12:49Z.
  it.each([
    [['--since', '2025-12-09T13:00:00Z'], true],
    [['--since', '2025-12-09T13:30:00Z'], false],
    [['--until', '2025-12-09T12:00:00Z'], false],
    [['--until', '2025-12-09T13:06:00Z'], true],
    [['--since', '2025-12-09T13:00:00Z', '--until', '2025-12-09T13:20:00Z'], true],
    [['--since', '4h'], true], // from 12:20:04
    [['--since', '3h'], false], // from 13:20:04
    [['--since', '200m'], true], // from 13:00:04
    [['--until', '4h'], false], // until 12:20:04
    [['--until', '3h'], true], // until 13:20:04
    [['--since', '1d'], true],
  ])('%j: the outage is reported: %s', (flags, present) => {
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', ...flags]);
    // An outage still going where the window ends is an error (exit 1), a recovered one a warning.
    expect(r.code).toBe((JSON.parse(r.stdout) as Json).diagnosis.causes.some((c) => c.severity === 'error') ? 1 : 0);
    expect(causeIds(r.stdout).includes('service_unavailable')).toBe(present);
  });

  it('durations count back from the end of the logs, not from now (the logs are from 2025)', () => {
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', '--since', '6h']);
    const json = JSON.parse(r.stdout) as Json;
    expect(json.window.end).toBe('2025-12-09T16:20:04Z');
    expect(json.window.start! >= '2025-12-09T10:20:04Z').toBe(true);
    expect(causeIds(r.stdout)).toContain('service_unavailable');
  });

  it('a window cuts the causes of a session conflict too', () => {
    expect(causeIds(runlog(['analyze', SESSION_CONFLICT, '--format', 'json']).stdout)).toContain('session_conflict');
    const before = runlog(['analyze', SESSION_CONFLICT, '--format', 'json', '--until', '2024-11-01T00:00:00Z']);
    expect(causeIds(before.stdout)).not.toContain('session_conflict');
    expect(before.code).toBe(0);
  });

  it('durations need files: standard input takes ISO times only', () => {
    const log = readFileSync(join(FULL_SESSION, 'Runner_20251209-094440-utc.log'), 'utf8');
    const r = runlog(['analyze', '-', '--since', '3h'], { input: log });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^runlog: --since\/--until durations need files/);
    const iso = runlog(['analyze', '-', '--format', 'json', '--since', '2025-12-09T13:00:00Z'], { input: log });
    expect(iso.code).toBe(0);
    expect(causeIds(iso.stdout)).toContain('service_unavailable');
  });
});

describe('standard input', () => {
  const log = (): string => readFileSync(join(FULL_SESSION, 'Runner_20251209-094440-utc.log'), 'utf8');

  it('`-` reads the log from stdin, alone or with other paths', () => {
    const alone = runlog(['analyze', '-', '--format', 'json'], { input: log() });
    expect(alone.stderr).toBe('');
    expect(causeIds(alone.stdout)).toContain('service_unavailable');
    const mixed = runlog(['analyze', join(FULL_SESSION, 'Runner_20251209-065812-utc.log'), '-', '--format', 'json'], { input: log() });
    expect((JSON.parse(mixed.stdout) as Json).stats.files).toBe(2);
  });

  it('events - prints the events of stdin', () => {
    const r = runlog(['events', '-', '--kind', 'connection.restored'], { input: log() });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(events.map((e) => e.kind)).toEqual(['connection.restored']);
  });
});

describe('--rule and --disable-rule', () => {
  it.each(['service-unavailable', 'service_unavailable'])('--rule %s runs that rule alone', (id) => {
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', '--rule', id]);
    const json = JSON.parse(r.stdout) as Json;
    expect(json.stats.rules).toBe(1);
    expect(causeIds(r.stdout)).toEqual(['service_unavailable']);
  });

  it.each(['service-unavailable', 'service_unavailable'])('--disable-rule %s drops that cause', (id) => {
    const all = JSON.parse(runlog(['analyze', FULL_SESSION, '--format', 'json']).stdout) as Json;
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', '--disable-rule', id]);
    const json = JSON.parse(r.stdout) as Json;
    expect(json.stats.rules).toBe(all.stats.rules - 1);
    expect(causeIds(r.stdout)).not.toContain('service_unavailable');
  });

  it('the option comes before or after the paths, and repeats', () => {
    const r = runlog(['analyze', '--rule', 'session-conflict', '--rule', 'service_unavailable', FULL_SESSION, SESSION_CONFLICT, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as Json).stats.rules).toBe(2);
    expect(causeIds(r.stdout).sort()).toEqual(['service_unavailable', 'session_conflict']);
  });

  it('a rule that is selected and disabled does not run', () => {
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', '--rule', 'service-unavailable', '--disable-rule', 'service_unavailable']);
    expect((JSON.parse(r.stdout) as Json).stats.rules).toBe(0);
    expect(causeIds(r.stdout)).toEqual([]);
  });
});

describe('determinism end to end', () => {
  const files = readdirSync(FULL_SESSION).sort().map((f) => join(FULL_SESSION, f));

  it.each(['json', 'markdown'])('%s: byte-identical for the files in two orders, and for the folder', (format) => {
    expect(files).toHaveLength(3);
    const a = runlog(['analyze', ...files, '--format', format]).stdout;
    const b = runlog(['analyze', ...[...files].reverse(), '--format', format]).stdout;
    const c = runlog(['analyze', files[2]!, files[0]!, files[1]!, '--format', format]).stdout;
    expect(a.length).toBeGreaterThan(0);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(runlog(['analyze', FULL_SESSION, '--format', format]).stdout).toBe(a);
  });
});

describe('progress on large inputs', () => {
  let large: string;
  beforeAll(() => {
    large = join(tempDir('progress'), '_diag');
    generate({ size: 52, seed: 3, out: large, page: 8 });
  });
  afterAll(() => rmSync(join(large, '..'), { recursive: true, force: true }));

  it('piped stderr gets no progress line, even for more than 50 MB', async () => {
    const r = await runlogAsync(['analyze', large, '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe('');
  }, 60_000);

  it('a terminal on stderr gets a progress line that is erased at the end; stdout is untouched', async () => {
    const r = await runMain(['analyze', large, '--format', 'json'], { stderrTTY: true });
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toMatch(/^\r\[[#.]+\] \d+\/\d+ files, \d+\/\d+ MB/);
    expect(r.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(r.stdout).not.toContain('\r');
    assertResultShape(JSON.parse(r.stdout));
  }, 60_000);

  it('a small input on a terminal gets none', async () => {
    const r = await runMain(['analyze', FULL_SESSION, '--format', 'json'], { stderrTTY: true });
    expect(r.stderr).toBe('');
  });
});

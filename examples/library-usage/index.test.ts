/**
 * The library example runs as an npm user would run it: `node index.mjs <_diag>` from its own
 * folder, resolving `@runlog/parser` through its package.json (the workspace link to the
 * built package). Build first: `npx tsc -b`.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EXAMPLE = fileURLToPath(new URL('.', import.meta.url));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['index.mjs', ...args], { cwd: EXAMPLE, encoding: 'utf8', timeout: 60_000 });
}

describe('examples/library-usage', () => {
  it('its `start` script points at the bundled example _diag', () => {
    const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe('node index.mjs ../diag/full-session/_diag');
  });

  it('summarises the bundled full-session _diag: event counts, runner name and version', () => {
    const r = run(['../diag/full-session/_diag']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const counts = new Map(lines.filter((l) => l.includes('\t')).map((l) => l.split('\t') as [string, string]));
    expect(counts.get('log.file')).toBe('3');
    expect(counts.get('http.failure')).toBe('20');
    expect(counts.get('poll.heartbeat')).toBe('17');
    expect(counts.get('job.linked')).toBe('1');
    expect(counts.get('step.completed')).toBe('6');
    expect(lines).toContain('runner build-01 version 2.330.0: 3 files, 866 lines');
    expect(lines[lines.length - 1]).toBe('parseText: session.created at 2024-11-21T14:05:48Z');
  });

  it('bundles a byte-exact copy of test-logs/full-session/_diag', () => {
    for (const name of ['Runner_20251209-065812-utc.log', 'Runner_20251209-094440-utc.log', 'Worker_20251209-094108-utc.log']) {
      const copy = readFileSync(new URL(`../diag/full-session/_diag/${name}`, import.meta.url));
      const original = readFileSync(new URL(`../../test-logs/full-session/_diag/${name}`, import.meta.url));
      expect(copy.equals(original)).toBe(true);
    }
  });

  it('reads the test fixture it was copied from the same way', () => {
    const bundled = run(['../diag/full-session/_diag']).stdout;
    expect(run(['../../test-logs/full-session/_diag']).stdout).toBe(bundled);
  });

  it('prints its usage and exits 2 without arguments', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: node index\.mjs/);
  });
});

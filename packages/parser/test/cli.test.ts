/**
 * `runlog events <paths..>` end to end: the built CLI (packages/cli/dist/bin.js, which imports
 * @runlog/parser from its dist) spawned with node. Build first: `npx tsc -b`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RunlogEvent } from '../src/index.js';
import { collect, FULL, ROOT, RUNNER_2, tempDir, WORKER_1 } from './helpers.js';

const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');

function runlog(args: string[], options: { input?: string | Buffer; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', RUNLOG_DEBUG: '' },
    timeout: 60_000,
  });
}

function ndjson(stdout: string): RunlogEvent[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as RunlogEvent);
}

let tmp: { dir: string; cleanup(): void };
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first with \`npx tsc -b\``);
  tmp = tempDir();
});
afterAll(() => tmp?.cleanup());

describe('runlog events', () => {
  it('prints one JSON event per line, the events readDiag gives, and exits 0', async () => {
    const r = runlog(['events', FULL]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const events = ndjson(r.stdout);
    expect(events).toEqual((await collect(FULL, { cwd: ROOT })).events);
  });

  it('--kind keeps only the named kinds, and can be repeated', () => {
    const failures = ndjson(runlog(['events', FULL, '--kind', 'http.failure']).stdout);
    expect(failures).toHaveLength(20);
    expect(failures.every((e) => e.kind === 'http.failure')).toBe(true);
    expect(failures[0]).toMatchObject({ method: 'GET', status: 503, statusText: 'ServiceUnavailable', attempt: 1 });
    const two = ndjson(runlog(['events', FULL, '--kind', 'http.failure', '--kind', 'job.linked']).stdout);
    expect(new Set(two.map((e) => e.kind))).toEqual(new Set(['http.failure', 'job.linked']));
    const none = runlog(['events', FULL, '--kind', 'no.such.kind']);
    expect([none.status, none.stdout]).toEqual([0, '']);
  });

  it('reads a glob relative to the working directory', () => {
    const glob = runlog(['events', 'full-session/_diag/Worker_*.log', '--kind', 'log.file'], { cwd: join(ROOT, 'test-logs') });
    expect(glob.status).toBe(0);
    // Relative patterns resolve against the working directory the CLI passes as `cwd`.
    expect(ndjson(glob.stdout).map((e) => e.source.file)).toEqual([join(ROOT, 'test-logs', 'full-session', '_diag', WORKER_1)]);
  });

  // yargs drops a lone `-` from positional arrays; the CLI carries it through as `<stdin>`.
  it('reads `-` from stdin next to files', () => {
    const stdin = runlog(['events', '-', join(FULL, WORKER_1), '--kind', 'log.file'], { input: readFileSync(join(FULL, RUNNER_2)) });
    expect(stdin.status).toBe(0);
    expect(ndjson(stdin.stdout).map((e) => e.source.file).sort()).toEqual(['<stdin>', join(FULL, WORKER_1)].sort());
  });

  it('reports non-fatal input problems as warnings on stderr and still exits 0', () => {
    const gz = join(tmp.dir, 'Runner_20251209-094440-utc.log.gz');
    const bytes = gzipSync(readFileSync(join(FULL, RUNNER_2)));
    writeFileSync(gz, bytes.subarray(0, bytes.length - 40));
    const r = runlog(['events', gz, '--kind', 'log.file']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^runlog: warning: ${gz.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: gzip data is damaged or truncated`));
    expect(ndjson(r.stdout)).toHaveLength(1);
  });
});

describe('errors: exit 2, one line, no stack trace', () => {
  it('an unreadable path: `runlog: cannot read <path>: <reason>`', () => {
    const path = join(tmp.dir, 'missing', '_diag');
    const r = runlog(['events', path]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`runlog: cannot read ${path}: no such file or directory\n`);
  });

  it('a directory without runner logs', () => {
    const dir = join(tmp.dir, 'no-logs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const r = runlog(['events', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^runlog: cannot read .*: no runner logs here \(expected Runner_\*\.log.*\)\n$/);
  });

  it('a glob that matches nothing, after a readable path (nothing is printed before the error)', () => {
    const r = runlog(['events', FULL, join(tmp.dir, '*.log')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`runlog: cannot read ${join(tmp.dir, '*.log')}: no files match this pattern\n`);
  });

  it.each([
    ['no paths', ['events']],
    ['an unknown command', ['bogus']],
    ['no command', []],
  ])('a usage error (%s) exits 2 with a `runlog:` message', (_name, args) => {
    const r = runlog(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^runlog: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unknown option exits 2 with a `runlog:` message naming it', () => {
    const r = runlog(['events', join(FULL, WORKER_1), '--bogus', '--kind', 'log.file']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^runlog: Unknown argument: bogus \(see 'runlog --help'\)\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

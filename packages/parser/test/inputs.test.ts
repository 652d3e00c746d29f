/**
 * Input forms of `readDiag`: a _diag directory, files, several paths, globs, `-` (stdin),
 * `.gz`, `.zip` (a zipped _diag, and a job-log archive with zips inside), and the errors a
 * user gets for inputs that cannot be read. Binary inputs are built here in a temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { readDiag, RunlogInputError, type RunlogEvent } from '../src/index.js';
import { describeFsError } from '../src/errors.js';
import { collect, FULL, ofKind, readableOf, RUNNER_1, RUNNER_2, tempDir, WORKER_1 } from './helpers.js';

const fullBytes = (name: string): Buffer => readFileSync(join(FULL, name));

/** An event without its file path: what must not change when the same log arrives another way. */
function content(e: RunlogEvent): unknown {
  const { source, ...rest } = e;
  const copy: Record<string, unknown> = { ...rest, line: source.line, endLine: source.endLine };
  delete copy['workerFile'];
  delete copy['runnerFile'];
  return copy;
}

let tmp: { dir: string; cleanup(): void };
let plain: RunlogEvent[];

beforeAll(async () => {
  tmp = tempDir();
  plain = (await collect(FULL)).events;
});
afterAll(() => tmp.cleanup());

async function expectInputError(paths: string | string[], code: string, options = {}): Promise<RunlogInputError> {
  try {
    await collect(paths, options);
  } catch (err) {
    expect(err).toBeInstanceOf(RunlogInputError);
    const e = err as RunlogInputError;
    expect(e.code).toBe(code);
    expect(e.message).toBe(`${e.path}: ${e.reason}`);
    return e;
  }
  throw new Error(`expected a RunlogInputError (${code})`);
}

describe('paths', () => {
  it('reads a _diag directory: the Runner, Worker and SelfUpdate/check logs it holds, sorted by name time', async () => {
    const { stats } = await collect(FULL);
    expect(stats.files.map((f) => f.path)).toEqual([join(FULL, RUNNER_1), join(FULL, WORKER_1), join(FULL, RUNNER_2)]);
  });

  it('reads a single file', async () => {
    const { events, stats } = await collect(join(FULL, WORKER_1));
    expect(stats.files).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'log.file', fileKind: 'worker' });
  });

  it('reads several paths at once, each file once even when named twice', async () => {
    const { events, stats } = await collect([join(FULL, RUNNER_1), FULL, join(FULL, WORKER_1), join(FULL, RUNNER_2)]);
    expect(stats.files).toHaveLength(3);
    expect(events.map(content)).toEqual(plain.map(content));
  });

  it('reads files whatever their name when named explicitly (a pasted log as `unknown`)', async () => {
    const path = join(tmp.dir, 'ticket-paste.txt');
    writeFileSync(path, '[2024-11-21 14:05:48Z INFO MessageListener] Session created.\n');
    const { events } = await collect(path);
    expect(events.map((e) => e.kind)).toEqual(['log.file', 'session.created']);
    expect(events[0]).toMatchObject({ fileKind: 'unknown', process: 'unknown' });
  });

  it('finds logs in sub-directories of a named directory (an unpacked support bundle)', async () => {
    const root = join(tmp.dir, 'bundle');
    mkdirSync(join(root, 'host-a', '_diag'), { recursive: true });
    copyFileSync(join(FULL, WORKER_1), join(root, 'host-a', '_diag', WORKER_1));
    writeFileSync(join(root, 'README.txt'), 'not a log');
    const { stats } = await collect(root);
    expect(stats.files.map((f) => f.path)).toEqual([join(root, 'host-a', '_diag', WORKER_1)]);
  });
});

describe('globs (fast-glob)', () => {
  it('expands an absolute glob', async () => {
    const { stats } = await collect(join(FULL, 'Runner_*.log'));
    expect(stats.files.map((f) => f.path)).toEqual([join(FULL, RUNNER_1), join(FULL, RUNNER_2)]);
  });

  it('expands a relative glob against the cwd option', async () => {
    const { stats } = await collect('_diag/{Runner,Worker}_2025*.log', { cwd: join(FULL, '..') });
    expect(stats.files.map((f) => f.path)).toEqual([RUNNER_1, WORKER_1, RUNNER_2].map((n) => join(FULL, '..', '_diag', n)));
  });

  it('keeps an absolute glob absolute when a cwd is given too (the CLI always passes one)', async () => {
    const { stats } = await collect(join(FULL, 'Worker_*.log'), { cwd: tmp.dir });
    expect(stats.files.map((f) => f.path)).toEqual([join(FULL, WORKER_1)]);
  });

  it('fails with no-match, naming the pattern, when nothing matches', async () => {
    const pattern = join(tmp.dir, 'nothing-*.log');
    const e = await expectInputError(pattern, 'no-match');
    expect(e.path).toBe(pattern);
  });
});

describe('stdin (`-`)', () => {
  it('reads `-` from the stdin option, in any chunking', async () => {
    const text = fullBytes(RUNNER_2);
    const stdin = readableOf(text.subarray(0, 1000), text.subarray(1000, 1001), text.subarray(1001));
    const { events, stats } = await collect('-', { stdin });
    expect(stats.files).toMatchObject([{ path: '<stdin>', kind: 'unknown', lines: 91 }]);
    expect(ofKind(events, 'http.failure')).toHaveLength(20);
    expect(events.every((e) => e.source.file === '<stdin>')).toBe(true);
  });

  it('mixes `-` with files', async () => {
    const { stats } = await collect(['-', join(FULL, WORKER_1)], { stdin: readableOf('[2024-11-21 14:05:48Z INFO MessageListener] Session created.\n') });
    expect(stats.files.map((f) => f.path).sort()).toEqual(['<stdin>', join(FULL, WORKER_1)].sort());
  });

  it('fails with stdin-unavailable when no stdin stream is given', async () => {
    const e = await expectInputError('-', 'stdin-unavailable');
    expect(e.path).toBe('-');
  });
});

describe('.gz files', () => {
  it('reads a gzipped log like the plain one (kind from the name without .gz)', async () => {
    const dir = join(tmp.dir, 'gz');
    mkdirSync(dir);
    for (const name of [RUNNER_1, WORKER_1, RUNNER_2]) writeFileSync(join(dir, `${name}.gz`), gzipSync(fullBytes(name)));
    const { events, stats } = await collect(dir);
    expect(stats.files.map((f) => [f.path, f.kind])).toEqual([
      [join(dir, `${RUNNER_1}.gz`), 'runner'],
      [join(dir, `${WORKER_1}.gz`), 'worker'],
      [join(dir, `${RUNNER_2}.gz`), 'runner'],
    ]);
    expect(events.map(content)).toEqual(plain.map(content));
  });

  it('keeps the lines before the damage of a truncated .gz and warns', async () => {
    const gz = gzipSync(fullBytes(RUNNER_1));
    const path = join(tmp.dir, 'Runner_20251209-065812-utc.log.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const { events, stats } = await collect(path);
    expect(stats.warnings.map((w) => [w.path, w.code])).toEqual([[path, 'decompress-failed']]);
    expect(events[0]).toMatchObject({ kind: 'log.file', fileKind: 'runner' });
    expect(events.length).toBeGreaterThan(10);
  });

  it('stops a gzip bomb at the size limit with a warning', async () => {
    const path = join(tmp.dir, 'Worker_20240101-000000-utc.log.gz');
    writeFileSync(path, gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x0a)));
    const { stats } = await collect(path, { limits: { maxUncompressedBytes: 64 * 1024 } });
    expect(stats.warnings.map((w) => w.code)).toEqual(['archive-limit']);
    expect(stats.files[0]!.bytes).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('.zip archives, read in memory', () => {
  const zipOf = (entries: Record<string, Uint8Array>): Buffer => Buffer.from(zipSync(entries));

  it('reads a zipped _diag: members named `archive.zip!_diag/<file>`, same events as the folder', async () => {
    const path = join(tmp.dir, 'diag.zip');
    writeFileSync(
      path,
      zipOf({
        [`_diag/${RUNNER_1}`]: fullBytes(RUNNER_1),
        [`_diag/${WORKER_1}`]: fullBytes(WORKER_1),
        [`_diag/${RUNNER_2}`]: fullBytes(RUNNER_2),
        '_diag/pages/5e0a7b3c_7a41c0de_1.log': Buffer.from('2025-12-09T09:41:11.0000000Z ##[group]Run actions/checkout@v4\n'),
        'README.md': Buffer.from('# notes\n'),
      }),
    );
    const { events, stats } = await collect(path);
    expect(stats.files.map((f) => f.path)).toEqual([`${path}!_diag/${RUNNER_1}`, `${path}!_diag/${WORKER_1}`, `${path}!_diag/${RUNNER_2}`]);
    expect(events.map(content)).toEqual(plain.map(content));
    expect(only1(events, 'job.linked').workerFile).toBe(`${path}!_diag/${WORKER_1}`);
  });

  it('reads a job-log archive whose runner-diagnostic-logs/*.zip holds the _diag (zip inside zip)', async () => {
    const inner = zipOf({ [`_diag/${RUNNER_1}`]: fullBytes(RUNNER_1), [`_diag/${WORKER_1}`]: fullBytes(WORKER_1) });
    const path = join(tmp.dir, 'logs_12873649021.zip');
    writeFileSync(
      path,
      zipOf({
        'build/1_Set up job.txt': Buffer.from('2025-12-09T09:41:09.0000000Z Current runner version: 2.330.0\n'),
        '1_build.txt': Buffer.from('2025-12-09T09:41:09.0000000Z Requested labels: self-hosted\n'),
        'runner-diagnostic-logs/build-01-20251209-094435.zip': inner,
      }),
    );
    const { events, stats } = await collect(path);
    const prefix = `${path}!runner-diagnostic-logs/build-01-20251209-094435.zip!_diag/`;
    expect(stats.files.map((f) => f.path)).toEqual([prefix + RUNNER_1, prefix + WORKER_1]);
    expect(only1(events, 'job.linked')).toMatchObject({ by: 'jobId', runnerFile: prefix + RUNNER_1 });
  });

  it('reads a Windows-made zip (backslash member names) holding a .gz member', async () => {
    const path = join(tmp.dir, 'windows.zip');
    writeFileSync(path, zipOf({ [`_diag\\${RUNNER_2}.gz`]: gzipSync(fullBytes(RUNNER_2)) }));
    const { events, stats } = await collect(path);
    expect(stats.files.map((f) => [f.path, f.kind, f.lines])).toEqual([[`${path}!_diag/${RUNNER_2}.gz`, 'runner', 91]]);
    expect(ofKind(events, 'http.failure')).toHaveLength(20);
  });

  it('finds zips inside a named directory', async () => {
    const dir = join(tmp.dir, 'dir-with-zip');
    mkdirSync(dir);
    writeFileSync(join(dir, 'diag.zip'), zipOf({ [WORKER_1]: fullBytes(WORKER_1) }));
    const { stats } = await collect(dir);
    expect(stats.files.map((f) => f.path)).toEqual([`${join(dir, 'diag.zip')}!${WORKER_1}`]);
  });

  it('never extracts: a hostile member name stays a label and no file is written', async () => {
    const dir = join(tmp.dir, 'hostile');
    mkdirSync(dir);
    const path = join(dir, 'evil.zip');
    writeFileSync(path, zipOf({ '../../escaped/Worker_20240101-000000-utc.log': Buffer.from('[2024-01-01 00:00:00Z INFO Worker] Version: 2.320.0\n') }));
    const before = readdirSync(tmp.dir).sort();
    const { stats } = await collect(path);
    expect(stats.files.map((f) => f.path)).toEqual([`${path}!../../escaped/Worker_20240101-000000-utc.log`]);
    expect(readdirSync(tmp.dir).sort()).toEqual(before);
    expect(readdirSync(dir)).toEqual(['evil.zip']);
  });

  it('reads on past a damaged member: a warning names it, the other members are read', async () => {
    const name = 'Worker_20240101-000000-utc.log';
    const bytes = Buffer.from(zipSync({ [name]: Buffer.from('[2024-01-01 00:00:00Z INFO Worker] Version: 2.320.0\n'.repeat(50)), [RUNNER_1]: fullBytes(RUNNER_1) }));
    // Deflate data starting with 0xFF (a reserved block type) cannot be inflated.
    const dataAt = 30 + name.length;
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    bytes.fill(0xff, dataAt, dataAt + 8);
    const path = join(tmp.dir, 'damaged.zip');
    writeFileSync(path, bytes);
    const { events, stats } = await collect(path);
    expect(stats.warnings).toEqual([expect.objectContaining({ path: `${path}!${name}`, code: 'unreadable' })]);
    expect(stats.warnings[0]!.message).toMatch(/^reading stopped: /);
    expect(stats.files.map((f) => f.path).sort()).toEqual([`${path}!${RUNNER_1}`, `${path}!${name}`].sort());
    expect(only1(events, 'runner.started').version).toBe('2.330.0');
  });

  it('fails with no-logs, naming the archive, for a zip without runner logs', async () => {
    const path = join(tmp.dir, 'empty.zip');
    writeFileSync(path, zipOf({ 'notes.txt': Buffer.from('nothing') }));
    const e = await expectInputError(path, 'no-logs');
    expect(e.path).toBe(path);
  });

  it('fails with corrupt-archive for a file named .zip that is not one', async () => {
    const path = join(tmp.dir, 'broken.zip');
    writeFileSync(path, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    const e = await expectInputError(path, 'corrupt-archive');
    expect(e.reason).toMatch(/^not a readable zip archive/);
  });

  it('skips zips nested deeper than the limit, with a warning', async () => {
    const inner = zipOf({ [WORKER_1]: fullBytes(WORKER_1) });
    const path = join(tmp.dir, 'nested-limit.zip');
    writeFileSync(path, zipOf({ [RUNNER_1]: fullBytes(RUNNER_1), 'inner.zip': inner }));
    const { stats } = await collect(path, { limits: { maxArchiveDepth: 1 } });
    expect(stats.files.map((f) => f.path)).toEqual([`${path}!${RUNNER_1}`]);
    expect(stats.warnings).toEqual([expect.objectContaining({ path: `${path}!inner.zip`, code: 'archive-limit' })]);
  });

  it('skips a member over the size limit (zip bomb guard), with a warning', async () => {
    const path = join(tmp.dir, 'bomb.zip');
    writeFileSync(path, zipOf({ [RUNNER_1]: fullBytes(RUNNER_1), 'Worker_20240101-000000-utc.log': Buffer.alloc(512 * 1024, 0x0a) }));
    const { stats } = await collect(path, { limits: { maxUncompressedBytes: 256 * 1024 } });
    expect(stats.files.map((f) => f.path)).toEqual([`${path}!${RUNNER_1}`]);
    expect(stats.warnings.map((w) => [w.path, w.code])).toEqual([[`${path}!Worker_20240101-000000-utc.log`, 'archive-limit']]);
  });
});

describe('inputs that cannot be read', () => {
  it('a missing path: RunlogInputError naming the path and the reason', async () => {
    const path = join(tmp.dir, 'no-such-dir', '_diag');
    const e = await expectInputError(path, 'not-found');
    expect(e.path).toBe(path);
    expect(e.reason).toBe('no such file or directory');
  });

  it('a path below a regular file', async () => {
    const file = join(tmp.dir, 'a-file.txt');
    writeFileSync(file, 'x');
    const e = await expectInputError(join(file, 'Runner_20240101-000000-utc.log'), 'not-found');
    expect(e.reason).toBe('a parent of this path is not a directory');
  });

  it('an empty directory: no-logs with a reason that says what was expected', async () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir);
    const e = await expectInputError(dir, 'no-logs');
    expect(e.path).toBe(dir);
    expect(e.reason).toMatch(/no runner logs here \(expected Runner_\*\.log, Worker_\*\.log/);
  });

  it('a directory without runner logs (only notes and pages): no-logs', async () => {
    const dir = join(tmp.dir, 'no-runner-logs');
    mkdirSync(join(dir, 'pages'), { recursive: true });
    writeFileSync(join(dir, 'NOTES.md'), '# x');
    writeFileSync(join(dir, 'pages', 'a_b_1.log'), '2025-12-09T09:41:11.0000000Z hello\n');
    await expectInputError(dir, 'no-logs');
  });

  it('the first unreadable path stops the run before any event', async () => {
    const diag = readDiag([FULL, join(tmp.dir, 'missing.log')]);
    const seen: RunlogEvent[] = [];
    await expect(
      (async () => {
        for await (const e of diag) seen.push(e);
      })(),
    ).rejects.toBeInstanceOf(RunlogInputError);
    expect(seen).toEqual([]);
  });

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (isRoot ? it.skip : it)('a file without read permission: permission-denied', async () => {
    const path = join(tmp.dir, 'Runner_20240101-000000-utc.log');
    writeFileSync(path, 'x\n');
    chmodSync(path, 0o000);
    const e = await expectInputError(path, 'permission-denied');
    expect(e.reason).toBe('permission denied');
  });

  it.each([
    ['ENOENT', 'not-found', 'no such file or directory'],
    ['EACCES', 'permission-denied', 'permission denied'],
    ['EPERM', 'permission-denied', 'permission denied'],
    ['ELOOP', 'unreadable', 'too many levels of symbolic links'],
    ['EISDIR', 'unreadable', 'is a directory'],
    ['EMFILE', 'unreadable', 'too many open files'],
  ])('turns %s into the reason a user reads', (code, expected, reason) => {
    expect(describeFsError(Object.assign(new Error(`${code}: boom`), { code }))).toEqual({ code: expected, reason });
  });
});

describe('the reader', () => {
  it('reports encoding, truncated lines and NUL bytes per file, with warnings', async () => {
    const dir = join(tmp.dir, 'odd');
    mkdirSync(dir);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[2024-01-01 00:00:00Z INFO Worker] Version: 2.320.0\r\n', 'utf16le')]);
    writeFileSync(join(dir, 'Worker_20240101-000000-utc.log'), utf16);
    writeFileSync(join(dir, 'Runner_20240101-000000-utc.log'), `[2024-01-01 00:00:00Z INFO Runner] ${'x'.repeat(300)}\n[2024-01-01 00:00:01Z INFO Runner] a\0b\n`);
    const { events, stats } = await collect(dir, { maxLineBytes: 256 });
    expect(stats.files.map((f) => [f.kind, f.encoding, f.truncatedLines, f.nulLines])).toEqual([
      ['runner', 'utf-8', 1, 1],
      ['worker', 'utf-16le', 0, 0],
    ]);
    expect(stats.truncatedLines).toBe(1);
    expect(stats.warnings.map((w) => w.code).sort()).toEqual(['nul-bytes', 'truncated-lines']);
    expect(ofKind(events, 'log.file').map((e) => e.encoding)).toEqual(['utf-8', 'utf-16le']);
    expect(only1(events, 'worker.started').version).toBe('2.320.0');
  });

  it('passes warnings to onWarning', async () => {
    const warnings: string[] = [];
    const gz = join(tmp.dir, 'Runner_20240102-000000-utc.log.gz');
    writeFileSync(gz, gzipSync(fullBytes(RUNNER_2)).subarray(0, 200));
    await collect([gz, join(FULL, WORKER_1)], { onWarning: (w) => warnings.push(w.code) });
    expect(warnings).toEqual(['decompress-failed']);
  });

  it('reports progress as it reads, in decoded bytes against the decoded total (.gz and .zip included)', async () => {
    const dir = join(tmp.dir, 'progress');
    mkdirSync(dir);
    writeFileSync(join(dir, `${RUNNER_1}.gz`), gzipSync(fullBytes(RUNNER_1)));
    writeFileSync(join(dir, 'worker.zip'), Buffer.from(zipSync({ [WORKER_1]: fullBytes(WORKER_1) })));
    writeFileSync(join(dir, RUNNER_2), fullBytes(RUNNER_2));
    const seen: { filesDone: number; bytesRead: number; bytesTotal: number }[] = [];
    const { stats } = await collect([dir, '-'], {
      stdin: readableOf('[2024-11-21 14:05:48Z INFO MessageListener] Session created.\n'),
      onProgress: (p) => seen.push({ ...p }),
    });
    const total = [RUNNER_1, WORKER_1, RUNNER_2].reduce((n, f) => n + fullBytes(f).length, 0);
    expect(stats.files).toHaveLength(4);
    expect(seen.every((p) => p.bytesTotal === total && p.bytesRead <= p.bytesTotal)).toBe(true);
    expect(seen.map((p) => p.bytesRead)).toEqual([...seen.map((p) => p.bytesRead)].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toEqual({ filesDone: 4, filesTotal: 4, bytesRead: total, bytesTotal: total });
    expect(seen.length).toBeGreaterThan(4); // during files, not only at their end
  });

  it('can be iterated once', async () => {
    const diag = readDiag(join(FULL, WORKER_1));
    for await (const _ of diag) void _;
    await expect(
      (async () => {
        for await (const _ of diag) void _;
      })(),
    ).rejects.toThrow(/iterated once/);
  });

  it('yields the same events in batches()', async () => {
    const out: RunlogEvent[] = [];
    for await (const batch of readDiag(FULL).batches()) out.push(...batch);
    expect(out).toEqual(plain);
  });
});

function only1<K extends RunlogEvent['kind']>(events: readonly RunlogEvent[], kind: K): Extract<RunlogEvent, { kind: K }> {
  const found = ofKind(events, kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

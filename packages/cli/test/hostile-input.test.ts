/**
 * Hostile and broken inputs, end to end (`node packages/cli/dist/bin.js analyze|events ...`):
 * every one ends promptly with exit code 0, 1 or 2, names the file in a one-line error or in a
 * warning, prints no stack trace, and stays within bounded memory (peak RSS measured with
 * `/usr/bin/time -f %M` where memory is the point). And re-encoded copies of real logs
 * (UTF-16LE/BE with BOM, CRLF, gzip, zip, zip in zip) give the same diagnosis as the originals.
 *
 * Every input is built here, in a temp dir, and the large ones are written streaming (the 64 MB
 * line, the 300 MB zip and gzip bombs): the test process itself stays small. Nothing is committed.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { FORBIDDEN_CONTROLS } from '../../report/test/checks.js';
import { tempDir } from '../../report/test/fixtures.js';
import { seeded } from '../../parser/test/helpers.js';
import { assertBuilt, BIN, FULL_SESSION, ROOT } from './helpers.js';

// Each test starts one or more node processes (and some write hundreds of MB of input first)
// on a 2-core machine shared with other work.
jest.setTimeout(180_000);

/** The time one runlog process gets: "promptly" means well inside it. */
const RUN_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;

const SESSION_CONFLICT = join(ROOT, 'examples', 'diag', 'session-conflict', '_diag');
const CONFLICT_LOG = 'Runner_20250304-101500-utc.log';
const conflictBytes = (): Buffer => readFileSync(join(SESSION_CONFLICT, CONFLICT_LOG));

const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME) && spawnSync(TIME, ['-f', '%M', 'true']).status === 0;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size in MB (null without GNU time). */
  rssMB: number | null;
}

let dir: string;
let baselineMB: number | null = null;

beforeAll(() => {
  assertBuilt();
  dir = tempDir('hostile-input');
  // The peak RSS of a run on a small, ordinary log: what node, the CLI and the rules cost.
  baselineMB = run(['analyze', SESSION_CONFLICT, '--format', 'json'], { measure: true }).rssMB;
});
afterAll(() => {
  // chmod 000 leftovers cannot stop rmSync as root, but can as a user.
  spawnSync('chmod', ['-R', 'u+rwx', dir]);
  rmSync(dir, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'RUNLOG_DEBUG', 'NODE_OPTIONS']) delete e[k];
  return e;
}

/** `runlog <args>` with a hard timeout; with `measure`, under `/usr/bin/time -f %M`. */
function run(args: readonly string[], options: { cwd?: string; measure?: boolean } = {}): Result {
  const rssFile = join(dir ?? tmpdir(), `rss-${process.pid}-${Date.now()}.txt`);
  const measure = options.measure === true && HAS_TIME;
  const [cmd, argv] = measure
    ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const started = Date.now();
  const r = spawnSync(cmd, argv, {
    cwd: options.cwd ?? dir,
    env: env(),
    input: '',
    encoding: 'utf8',
    maxBuffer: 512 * MB,
    timeout: RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const ms = Date.now() - started;
  if (r.error) throw new Error(`runlog ${args.join(' ')}: ${r.error.message} after ${ms} ms (a hang?)`);
  let rssMB: number | null = null;
  if (measure) {
    // GNU time prints "Command exited with non-zero status N" before the number when N ≠ 0.
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    rssMB = Number(lines[lines.length - 1]) / 1024;
    rmSync(rssFile, { force: true });
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms, rssMB };
}

/** A Node stack frame (`    at fn (file:line:col)`), which a report quoting .NET frames never has. */
const NODE_FRAME = /^\s+at .*(?:\(|\s)(?:node:|file:|\/)[^\s)]*:\d+:\d+\)?$/m;

/**
 * What every run must show: a known exit code, no stack trace, no internal error. Exit 2
 * means one `runlog: cannot read <path>: <reason>` line naming `names[0]`.
 */
function expectClean(r: Result, ...names: string[]): void {
  expect([0, 1, 2]).toContain(r.code);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error|RangeError|TypeError|ReferenceError|heap out of memory/);
  expect(r.stdout).not.toMatch(NODE_FRAME);
  expect(r.stdout).not.toContain('internal error');
  if (r.code === 2) {
    const lines = r.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('runlog: warning: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^runlog: cannot read /);
    if (names.length > 0) expect(lines[0]).toContain(names[0]);
    expect(r.stdout).toBe('');
  }
}

/** The `runlog: warning: <path>: <message>` lines on stderr. */
function warnings(r: Result): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('runlog: warning: '));
}

interface Report {
  inputs: { files: { path: string; kind: string; encoding: string; lines: number }[]; warnings: { path: string; code: string; message: string }[] };
  diagnosis: {
    verdict: string;
    causes: { id: string; severity: string; count: number; firstSeen: string | null; lastSeen: string | null; evidence: { line: number; endLine: number; excerpt: string }[] }[];
  };
  stats: { files: number; lines: number; truncatedLines: number };
}

function report(r: Result): Report {
  expect(r.code === 0 || r.code === 1).toBe(true);
  return JSON.parse(r.stdout) as Report;
}

/** The diagnosis without file names: what must not change when the same log arrives another way. */
function diagnosisOf(r: Result): unknown {
  const { diagnosis } = report(r);
  return {
    verdict: diagnosis.verdict,
    causes: diagnosis.causes.map((c) => ({
      id: c.id,
      severity: c.severity,
      count: c.count,
      firstSeen: c.firstSeen,
      lastSeen: c.lastSeen,
      evidence: c.evidence.map((e) => [e.line, e.endLine, e.excerpt]),
    })),
  };
}

/** Peak RSS must stay within `extraMB` of the baseline run (and under `capMB` whatever the baseline). */
function expectMemory(r: Result, extraMB: number, capMB = 200): void {
  if (r.rssMB === null || baselineMB === null) return; // no GNU time here: memory is not measured
  expect(r.rssMB).toBeLessThan(capMB);
  expect(r.rssMB - baselineMB).toBeLessThan(extraMB);
}

function mkdir(...parts: string[]): string {
  const d = join(dir, ...parts);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Writes `total` bytes of `fill` (after `head`) to `path` in 1 MB pieces: never in memory at once. */
function writeStreaming(path: string, head: string, total: number, fill: number, tail = ''): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    const piece = Buffer.alloc(MB, fill);
    for (let sent = 0; sent < total; sent += MB) writeSync(fd, piece, 0, Math.min(MB, total - sent));
    writeSync(fd, tail);
  } finally {
    closeSync(fd);
  }
}

/** A zip of one member of `total` bytes of `fill`, deflated streaming by fflate: a zip bomb. */
function writeZipBomb(path: string, member: string, total: number, fill: number): void {
  const fd = openSync(path, 'w');
  try {
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      writeSync(fd, chunk);
    });
    const entry = new ZipDeflate(member, { level: 1 });
    zip.add(entry);
    const piece = new Uint8Array(MB).fill(fill);
    for (let sent = 0; sent < total; sent += MB) entry.push(piece, false);
    entry.push(new Uint8Array(0), true);
    zip.end();
  } finally {
    closeSync(fd);
  }
}

/** The same, as one gzip stream (node's zlib, streaming). */
async function writeGzipBomb(path: string, total: number, fill: number): Promise<void> {
  const gz = createGzip({ level: 9 });
  const fd = openSync(path, 'w');
  const done = new Promise<void>((resolve, reject) => {
    gz.on('data', (c: Buffer) => writeSync(fd, c));
    gz.on('end', resolve);
    gz.on('error', reject);
  });
  const piece = Buffer.alloc(MB, fill);
  for (let sent = 0; sent < total; sent += MB) {
    if (!gz.write(piece)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  closeSync(fd);
}

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const a = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = a;
  }
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
}
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** Every path under `root` (files, directories, links), relative: to prove nothing was written. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      out.push(join(rel, e.name));
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
    }
  };
  walk(root, '');
  return out.sort();
}

// ── broken content ───────────────────────────────────────────────────────────────────────

describe('broken content', () => {
  it('binary garbage named like a runner log: read as text, warned about, no cause invented', () => {
    const d = mkdir('garbage');
    const random = seeded(5);
    const bytes = Buffer.alloc(2 * MB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    bytes[0] = 0x41; // not a BOM by chance
    const file = join(d, 'Runner_20240101-000000-utc.log');
    writeFileSync(file, bytes);
    // Garbage inside otherwise valid ERR records too: it reaches the report's text.
    const mixed = join(d, 'Runner_20240101-000100-utc.log');
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      parts.push(Buffer.from(`[2024-01-01 00:01:${String(i % 60).padStart(2, '0')}Z ERR Runner] `), bytes.subarray(i * 300, i * 300 + 300), Buffer.from('\n'));
    }
    writeFileSync(mixed, Buffer.concat(parts));

    for (const format of ['terminal', 'markdown', 'json']) {
      const r = run(['analyze', file, mixed, '--format', format]);
      expectClean(r);
      expect(r.code).toBe(0);
      expect(warnings(r).some((w) => w.includes(file) && /NUL bytes/.test(w))).toBe(true);
      if (format !== 'json') expect(r.stdout).not.toMatch(FORBIDDEN_CONTROLS);
    }
    const json = report(run(['analyze', file, '--format', 'json']));
    expect(json.diagnosis.causes).toEqual([]);
    expect(json.inputs.files.map((f) => basename(f.path))).toEqual([basename(file)]);

    const events = run(['events', file, mixed]);
    expectClean(events);
    expect(events.code).toBe(0);
    const lines = events.stdout.trimEnd().split('\n');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(events.stdout).not.toMatch(FORBIDDEN_CONTROLS);
  });

  it('a 64 MB line without a newline: truncated with a warning, never held in memory', () => {
    const file = join(mkdir('long-line'), 'Runner_20240101-000000-utc.log');
    writeStreaming(
      file,
      '[2024-01-01 00:00:00Z INFO Runner] before the long line\n[2024-01-01 00:00:01Z INFO Runner] ',
      64 * MB,
      0x61,
    );
    expect(statSync(file).size).toBeGreaterThan(64 * MB);
    const r = run(['analyze', file, '--format', 'json'], { measure: true });
    expectClean(r);
    expect(r.code).toBe(0);
    expect(warnings(r)).toEqual([`runlog: warning: ${file}: 1 line(s) longer than the line cap were truncated`]);
    const json = report(r);
    expect(json.stats).toMatchObject({ lines: 2, truncatedLines: 1 });
    expect(json.inputs.warnings).toEqual([expect.objectContaining({ path: file, code: 'truncated-lines' })]);
    expectMemory(r, 60);

    const events = run(['events', file], { measure: true });
    expectClean(events);
    expect(events.code).toBe(0);
    expect(warnings(events)).toEqual([`runlog: warning: ${file}: 1 line(s) longer than the line cap were truncated`]);
    expectMemory(events, 60);
  });

  it('NUL bytes (a preallocated region, and inside lines): removed with a warning, the diagnosis survives', () => {
    const text = conflictBytes().toString('utf8');
    const lines = text.split('\n');
    const half = Math.floor(lines.length / 2);
    const nulled = Buffer.concat([
      Buffer.from(lines.slice(0, half).join('\n').replace(/INFO /g, 'INFO\0 ') + '\n'),
      Buffer.alloc(MB, 0), // what a crash leaves in a preallocated log: a run of NULs, no newline
      Buffer.from('\n' + lines.slice(half).join('\n')),
    ]);
    const d = mkdir('nul', '_diag');
    writeFileSync(join(d, CONFLICT_LOG), nulled);
    const r = run(['analyze', d, '--format', 'json']);
    expectClean(r);
    expect(r.code).toBe(1);
    expect(warnings(r).some((w) => w.includes(join(d, CONFLICT_LOG)) && /held NUL bytes/.test(w))).toBe(true);
    const json = report(r);
    expect(json.inputs.warnings.map((w) => w.code).sort()).toEqual(['nul-bytes', 'truncated-lines']);
    expect(json.diagnosis.causes.map((c) => [c.id, c.count])).toEqual([['session_conflict', 8]]);
  });

  it('a UTF-16LE log without BOM, and a log mixing CRLF and LF line ends', () => {
    const text = conflictBytes().toString('utf8');
    const d16 = mkdir('utf16-nobom', '_diag');
    writeFileSync(join(d16, CONFLICT_LOG), Buffer.from(text, 'utf16le'));
    const dMixed = mkdir('mixed-eol', '_diag');
    writeFileSync(join(dMixed, CONFLICT_LOG), text.split('\n').map((l, i) => (i % 3 === 0 ? `${l}\r` : l)).join('\n'));
    const original = diagnosisOf(run(['analyze', SESSION_CONFLICT, '--format', 'json']));
    for (const d of [d16, dMixed]) {
      const r = run(['analyze', d, '--format', 'json']);
      expectClean(r);
      expect(diagnosisOf(r)).toEqual(original);
    }
    expect(report(run(['analyze', d16, '--format', 'json'])).inputs.files[0]!.encoding).toBe('utf-16le');
  });
});

// ── directories ──────────────────────────────────────────────────────────────────────────

describe('directories', () => {
  it('an empty directory: exit 2, naming it', () => {
    const d = mkdir('empty');
    for (const cmd of ['analyze', 'events']) {
      const r = run([cmd, d]);
      expectClean(r, d);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no runner logs here/);
    }
  });

  it('a directory with no runner logs (look-alike names, pages, a folder named like a log): exit 2', () => {
    const d = mkdir('no-runner-logs');
    writeFileSync(join(d, 'runner.log'), '[2024-01-01 00:00:00Z INFO Runner] x\n');
    writeFileSync(join(d, 'Runner_20240101-000000-utc.txt'), '[2024-01-01 00:00:00Z INFO Runner] x\n');
    writeFileSync(join(d, 'Runner_.log.bak'), 'x\n');
    mkdirSync(join(d, 'Worker_20240101-000000-utc.log'));
    mkdirSync(join(d, 'pages'));
    writeFileSync(join(d, 'pages', 'a_b_1.log'), '2024-01-01T00:00:00.0000000Z hello\n');
    for (const cmd of ['analyze', 'events']) {
      const r = run([cmd, d]);
      expectClean(r, d);
      expect(r.code).toBe(2);
    }
  });

  it('symbolic-link loops: each log read once, promptly, and the diagnosis is the original one', () => {
    const d = mkdir('loop');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(d, CONFLICT_LOG));
    symlinkSync('.', join(d, 'self'));
    symlinkSync('.', join(d, 'again'));
    symlinkSync(join('..', 'loop'), join(d, 'up-and-back'));
    symlinkSync(d, join(d, 'absolute'));
    // Before the fix, k self-links made k^8 directories to walk: 4 links took minutes and 1 GB.
    for (const args of [[d], [join(d, 'self')], [`${d}/**/Runner_*.log`], [d, join(d, 'self', 'again')]]) {
      const r = run(['analyze', ...args, '--format', 'json'], { measure: true });
      expectClean(r);
      expect(r.code).toBe(1);
      expect(r.ms).toBeLessThan(15_000);
      expectMemory(r, 40);
      const json = report(r);
      expect(json.inputs.files).toHaveLength(1);
      expect(json.diagnosis.causes.map((c) => [c.id, c.count])).toEqual([['session_conflict', 8]]);
      // Not "two Runner processes wrote to this folder": the one file was not read twice.
      expect(JSON.stringify(json.diagnosis)).not.toMatch(/Two Runner processes/);
    }
  });

  it('the same directory named twice is read once (not "no runner logs")', () => {
    const r = run(['analyze', SESSION_CONFLICT, SESSION_CONFLICT, '--format', 'json']);
    expectClean(r);
    expect(r.code).toBe(1);
    expect(report(r).inputs.files).toHaveLength(1);
  });

  it('100,000 files in one directory, a few hundred of them tiny Worker logs: finishes in reasonable time', () => {
    const d = mkdir('many');
    for (let i = 0; i < 99_700; i++) writeFileSync(join(d, `f${i}.txt`), 'x');
    for (let i = 0; i < 300; i++) {
      const hhmmss = `${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00`;
      writeFileSync(
        join(d, `Worker_20240101-${hhmmss}-utc.log`),
        `[2024-01-01 ${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:00Z INFO Worker] Version: 2.320.0\n[2024-01-01 ${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:01Z INFO Worker] Job ${i} completed.\n`,
      );
    }
    expect(readdirSync(d)).toHaveLength(100_000);
    const r = run(['analyze', d, '--format', 'json'], { measure: true });
    expectClean(r);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    // fast-glob's `stats` used to stat all 100,000 entries at once: 370 MB.
    expectMemory(r, 150, 300);
    const json = report(r);
    expect(json.inputs.files).toHaveLength(300);
    expect(json.inputs.files.every((f) => f.kind === 'worker')).toBe(true);
    const events = run(['events', d]);
    expectClean(events);
    expect(events.code).toBe(0);
    rmSync(d, { recursive: true, force: true });
  });
});

// ── unreadable paths ─────────────────────────────────────────────────────────────────────

describe('unreadable paths', () => {
  // root reads a chmod 000 file anyway, so this variant means nothing there; the other ways a
  // path cannot be read as a file (a directory, a dangling link, a FIFO) are covered for all.
  const isRoot = process.getuid?.() === 0;
  (isRoot ? it.skip : it)('a file without read permission: exit 2 when named, a warning inside a directory', () => {
    const d = mkdir('no-permission', '_diag');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(d, CONFLICT_LOG));
    const locked = join(d, 'Worker_20250304-101600-utc.log');
    writeFileSync(locked, '[2025-03-04 10:16:00Z INFO Worker] Version: 2.320.0\n');
    chmodSync(locked, 0o000);
    const named = run(['analyze', locked]);
    expectClean(named, locked);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/permission denied/);
    const inDir = run(['analyze', d, '--format', 'json']);
    expectClean(inDir);
    expect(inDir.code).toBe(1);
    expect(warnings(inDir).some((w) => w.includes(locked) && /permission denied/.test(w))).toBe(true);
  });

  it('a directory where a log file should be: exit 2 when named, skipped inside a directory', () => {
    const d = mkdir('dir-as-file', '_diag');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(d, CONFLICT_LOG));
    const fake = join(d, 'Worker_20250304-101600-utc.log');
    mkdirSync(fake);
    const named = run(['analyze', fake]);
    expectClean(named, fake);
    expect(named.code).toBe(2);
    const inDir = run(['analyze', d, '--format', 'json']);
    expectClean(inDir);
    expect(inDir.code).toBe(1);
    expect(report(inDir).inputs.files.map((f) => basename(f.path))).toEqual([CONFLICT_LOG]);
  });

  it('a dangling symbolic link: exit 2 when named, skipped inside a directory', () => {
    const d = mkdir('dangling', '_diag');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(d, CONFLICT_LOG));
    const link = join(d, 'Worker_20250304-101600-utc.log');
    symlinkSync(join(dir, 'nowhere', 'Worker.log'), link);
    for (const cmd of ['analyze', 'events']) {
      const named = run([cmd, link]);
      expectClean(named, link);
      expect(named.code).toBe(2);
      expect(named.stderr).toMatch(/no such file or directory/);
    }
    const inDir = run(['analyze', d, '--format', 'json']);
    expectClean(inDir);
    expect(inDir.code).toBe(1);
    expect(report(inDir).inputs.files).toHaveLength(1);
  });

  it('a FIFO named like a log (opening it would block forever): refused when named, skipped in a directory', () => {
    const d = mkdir('fifo', '_diag');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(d, CONFLICT_LOG));
    const fifo = join(d, 'Worker_20250304-101600-utc.log');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo on this platform
    const named = run(['analyze', fifo]);
    expectClean(named, fifo);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/not a regular file/);
    const inDir = run(['analyze', d, '--format', 'json']);
    expectClean(inDir);
    expect(inDir.code).toBe(1);
    expect(report(inDir).inputs.files).toHaveLength(1);
  });
});

// ── a log still being written ────────────────────────────────────────────────────────────

describe('a file still being appended to while it is read', () => {
  let writer: ChildProcess | null = null;
  afterAll(() => {
    writer?.kill('SIGKILL');
  });

  it('finishes and reports what it read', async () => {
    const d = mkdir('growing', '_diag');
    const file = join(d, CONFLICT_LOG);
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), file);
    const before = readFileSync(file, 'utf8').split('\n').length - 1;
    // A line every 2 ms, for at most 60 s (killed when the test ends).
    const script = `
      const fs = require('fs');
      const fd = fs.openSync(process.argv[1], 'a');
      let i = 0;
      const t = setInterval(() => {
        const s = String(i % 60).padStart(2, '0');
        fs.writeSync(fd, '[2025-03-04 10:19:' + s + 'Z INFO Runner] appended line ' + i++ + ' ' + 'y'.repeat(100) + '\\n');
      }, 2);
      setTimeout(() => clearInterval(t), 60000).unref();
    `;
    writer = spawn(process.execPath, ['-e', script, file], { stdio: 'ignore' });
    // Wait until the writer is under way.
    for (let i = 0; i < 200 && statSync(file).size < conflictBytes().length + 10_000; i++) await new Promise((r) => setTimeout(r, 25));
    expect(statSync(file).size).toBeGreaterThan(conflictBytes().length);

    const r = run(['analyze', d, '--format', 'json']);
    const events = run(['events', d]);
    writer.kill('SIGKILL');
    expectClean(r);
    expect(r.code).toBe(1);
    const json = report(r);
    expect(json.stats.lines).toBeGreaterThan(before);
    expect(json.diagnosis.causes.map((c) => c.id)).toContain('session_conflict');
    expectClean(events);
    expect(events.code).toBe(0);
    const lines = events.stdout.trimEnd().split('\n');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.some((l) => l.includes('appended line'))).toBe(true);
  });
});

// ── archives ─────────────────────────────────────────────────────────────────────────────

describe('archives', () => {
  it('a truncated .gz, and a .gz that is not gzip: the lines before the damage, and a warning', () => {
    const d = mkdir('gz', '_diag');
    const gz = gzipSync(conflictBytes());
    const cut = join(d, `${CONFLICT_LOG}.gz`);
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const fake = join(d, 'Worker_20250304-101600-utc.log.gz');
    writeFileSync(fake, 'this is not gzip data at all\n');
    const r = run(['analyze', d, '--format', 'json']);
    expectClean(r);
    const w = warnings(r);
    expect(w.some((l) => l.includes(cut) && /damaged or truncated/.test(l))).toBe(true);
    expect(w.some((l) => l.includes(fake) && /damaged or truncated/.test(l))).toBe(true);
    const json = report(r);
    expect(json.inputs.files.find((f) => f.path === cut)!.lines).toBeGreaterThan(50);
    const named = run(['events', cut]);
    expectClean(named);
    expect(named.code).toBe(0);
    expect(warnings(named)).toEqual([expect.stringContaining(cut)]);
  });

  it('corrupt .zip files: exit 2 naming the archive when named, a warning inside a directory', () => {
    const d = mkdir('corrupt-zip');
    const good = Buffer.from(zipSync({ [`_diag/${CONFLICT_LOG}`]: conflictBytes() }));
    const truncated = join(d, 'truncated.zip');
    writeFileSync(truncated, good.subarray(0, good.length >> 1));
    const random = join(d, 'random.zip');
    const rnd = seeded(9);
    writeFileSync(random, Buffer.from(Array.from({ length: 5000 }, () => Math.floor(rnd() * 256))));
    const badDirectory = join(d, 'bad-directory.zip');
    const copy = Buffer.from(good);
    copy.fill(0x41, copy.lastIndexOf(Buffer.from('PK\u0001\u0002')), copy.lastIndexOf(Buffer.from('PK\u0001\u0002')) + 20);
    writeFileSync(badDirectory, copy);
    for (const zip of [truncated, random, badDirectory]) {
      for (const cmd of ['analyze', 'events']) {
        const r = run([cmd, zip]);
        expectClean(r, zip);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/not a readable zip archive/);
      }
    }
    // A member whose local header is damaged: the archive opens, the member fails with a warning.
    const badMember = join(d, 'bad-member.zip');
    const copy2 = Buffer.from(good);
    copy2.fill(0, 0, 4);
    writeFileSync(badMember, copy2);
    const m = run(['analyze', badMember, '--format', 'json']);
    expectClean(m);
    expect(m.code).toBe(0);
    expect(report(m).inputs.warnings).toEqual([expect.objectContaining({ path: `${badMember}!_diag/${CONFLICT_LOG}`, code: 'unreadable' })]);
    // In a directory next to a good log: a warning for each, the log is read.
    const inDir = mkdir('corrupt-zip-dir');
    copyFileSync(join(SESSION_CONFLICT, CONFLICT_LOG), join(inDir, CONFLICT_LOG));
    copyFileSync(truncated, join(inDir, 'truncated.zip'));
    copyFileSync(random, join(inDir, 'random.zip'));
    const r = run(['analyze', inDir, '--format', 'json']);
    expectClean(r);
    expect(r.code).toBe(1);
    expect(warnings(r).filter((l) => /not a readable zip archive/.test(l))).toHaveLength(2);
  });

  describe('bombs', () => {
    let bomb: string;
    let bombNewlines: string;
    beforeAll(() => {
      const d = mkdir('bombs');
      bomb = join(d, 'bomb.zip');
      writeZipBomb(bomb, '_diag/Worker_20240101-000000-utc.log', 300 * MB, 0x61);
      bombNewlines = join(d, 'bomb-newlines.zip');
      writeZipBomb(bombNewlines, 'Runner_20240101-000000-utc.log', 300 * MB, 0x0a);
      expect(statSync(bomb).size).toBeLessThan(2 * MB);
    });

    it('a zip whose member expands to 300 MB: skipped at the limit, exit 2 naming it, bounded memory', () => {
      for (const zip of [bomb, bombNewlines]) {
        const r = run(['analyze', zip], { measure: true });
        expectClean(r, zip);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/over the size, compression-ratio or nesting limit/);
        expect(warnings(r)).toEqual([expect.stringMatching(/^runlog: warning: .*bomb.*\.zip!.*\.log: compression ratio \d+:1 exceeds the 1000:1 limit/)]);
        expect(r.ms).toBeLessThan(15_000);
        expectMemory(r, 40);
      }
    });

    it('the bomb next to a real log in the same zip: a warning, and the log is read', () => {
      const d = mkdir('bomb-and-log');
      const zip = join(d, 'diag.zip');
      // The bomb's member is copied into a second archive by hand: a zip of the bomb zip would
      // be a nested bomb (tested below), so build one archive with both members streaming.
      const fd = openSync(zip, 'w');
      const z = new Zip((err, chunk) => {
        if (err) throw err;
        writeSync(fd, chunk);
      });
      const log = new ZipDeflate(`_diag/${CONFLICT_LOG}`, { level: 6 });
      z.add(log);
      log.push(conflictBytes(), true);
      const big = new ZipDeflate('_diag/Worker_20250304-101600-utc.log', { level: 1 });
      z.add(big);
      const piece = new Uint8Array(MB).fill(0x61);
      for (let i = 0; i < 300; i++) big.push(piece, false);
      big.push(new Uint8Array(0), true);
      z.end();
      closeSync(fd);
      const r = run(['analyze', zip, '--format', 'json'], { measure: true });
      expectClean(r);
      expect(r.code).toBe(1);
      expect(report(r).diagnosis.causes.map((c) => [c.id, c.count])).toEqual([['session_conflict', 8]]);
      expect(warnings(r)).toEqual([expect.stringMatching(/diag\.zip!_diag\/Worker_20250304-101600-utc\.log: compression ratio/)]);
      expectMemory(r, 40);
    });

    it('nested bombs: the bomb inside a zip, and zips nested deeper than the limit', () => {
      const d = mkdir('nested-bombs');
      const outer = join(d, 'logs_1.zip');
      writeFileSync(outer, zipSync({ 'runner-diagnostic-logs/diag.zip': readFileSync(bomb), '1_build.txt': Buffer.from('x\n') }));
      const r = run(['analyze', outer], { measure: true });
      expectClean(r, outer);
      expect(r.code).toBe(2);
      expect(warnings(r)).toEqual([expect.stringContaining(`${outer}!runner-diagnostic-logs/diag.zip!_diag/Worker_20240101-000000-utc.log: compression ratio`)]);
      expectMemory(r, 40);

      // Five levels of zip, the log at the bottom: read down to the depth limit (3), then skipped.
      let inner: Uint8Array = zipSync({ [CONFLICT_LOG]: conflictBytes() });
      for (let level = 0; level < 4; level++) inner = zipSync({ [`level${level}.zip`]: inner });
      const deep = join(d, 'deep.zip');
      writeFileSync(deep, inner);
      const rd = run(['analyze', deep]);
      expectClean(rd, deep);
      expect(rd.code).toBe(2);
      expect(warnings(rd)).toEqual([expect.stringMatching(/level\d\.zip: archives nested deeper than 3 levels are not read$/)]);
    });

    it('a zip whose directory understates the member size: reading stops at the stated size', () => {
      const liar = join(mkdir('liar'), 'liar.zip');
      const bytes = readFileSync(bomb);
      const at = bytes.lastIndexOf(Buffer.from('PK\u0001\u0002'));
      bytes.writeUInt32LE(MB, at + 24); // uncompressed size: 1 MB, under the ratio floor
      writeFileSync(liar, bytes);
      const r = run(['analyze', liar, '--format', 'json'], { measure: true });
      expectClean(r);
      expect(r.code).toBe(0);
      expect(warnings(r).some((w) => w.includes(`${liar}!_diag/Worker_20240101-000000-utc.log`) && /reading stopped: too many bytes/.test(w))).toBe(true);
      expect(report(r).stats.truncatedLines).toBe(1);
      expectMemory(r, 40);
    });

    it('a 300 MB gzip bomb: stopped at the limit with a warning, promptly', async () => {
      const gz = join(mkdir('gz-bomb'), 'Worker_20240101-000000-utc.log.gz');
      await writeGzipBomb(gz, 300 * MB, 0x61);
      const r = run(['analyze', gz, '--format', 'json'], { measure: true });
      expectClean(r);
      expect(r.code).toBe(0);
      expect(warnings(r).some((w) => w.includes(gz) && /possible gzip bomb/.test(w))).toBe(true);
      // The ratio is judged on bytes inflated, not read ahead: it stops after ~16 MB, not 256 MB.
      const limit = report(r).inputs.warnings.find((w) => w.code === 'archive-limit');
      expect(limit?.message).toMatch(/^stopped after 1\d{7} decompressed bytes/);
      expect(r.ms).toBeLessThan(15_000);
      expectMemory(r, 60);
    });
  });

  it('zip members named ../ and absolute paths are labels only: nothing is written, they are read', () => {
    const d = mkdir('traversal', 'work');
    const escapeTo = join(dir, 'traversal', `escaped-${process.pid}`);
    const absolute = join(tmpdir(), `runlog-absolute-${process.pid}-${Date.now()}`);
    const zip = join(d, 'evil.zip');
    writeFileSync(
      zip,
      zipSync({
        [`../escaped-${process.pid}/${CONFLICT_LOG}`]: conflictBytes(),
        [`${absolute}/Worker_20250304-101600-utc.log`]: Buffer.from('[2025-03-04 10:16:00Z INFO Worker] Version: 2.320.0\n'),
        ['../../../../../../../../../../tmp/Worker_20250304-101700-utc.log']: Buffer.from('[2025-03-04 10:17:00Z INFO Worker] Version: 2.320.0\n'),
        ['C:\\Windows\\Temp\\Worker_20250304-101800-utc.log']: Buffer.from('[2025-03-04 10:18:00Z INFO Worker] Version: 2.320.0\n'),
      }),
    );
    const before = tree(join(dir, 'traversal'));
    const tmpBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('Worker_')).sort();
    for (const cmd of [['analyze', zip, '--format', 'json'], ['events', zip]]) {
      const r = run(cmd, { cwd: d });
      expectClean(r);
      if (cmd[0] === 'analyze') {
        expect(r.code).toBe(1);
        expect(report(r).inputs.files.map((f) => f.path).sort()).toEqual(
          [
            `${zip}!../escaped-${process.pid}/${CONFLICT_LOG}`,
            `${zip}!${absolute}/Worker_20250304-101600-utc.log`,
            `${zip}!../../../../../../../../../../tmp/Worker_20250304-101700-utc.log`,
            `${zip}!C:/Windows/Temp/Worker_20250304-101800-utc.log`,
          ].sort(),
        );
      }
    }
    expect(tree(join(dir, 'traversal'))).toEqual(before);
    expect(existsSync(escapeTo)).toBe(false);
    expect(existsSync(absolute)).toBe(false);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('Worker_')).sort()).toEqual(tmpBefore);
  });
});

// ── the same log, another way ────────────────────────────────────────────────────────────

describe('re-encoded copies give the same diagnosis as the original', () => {
  const ORIGINALS: [string, string][] = [
    ['full-session', FULL_SESSION],
    ['session-conflict', SESSION_CONFLICT],
  ];
  type Variant = (name: string, files: Map<string, Buffer>, out: string) => string[];
  const asFiles = (transform: (b: Buffer) => Buffer): Variant => (_name, files, out) => {
    const d = join(out, '_diag');
    mkdirSync(d, { recursive: true });
    for (const [n, b] of files) writeFileSync(join(d, n), transform(b));
    return [d];
  };
  const zipOf = (files: Map<string, Buffer>): Uint8Array => zipSync(Object.fromEntries([...files].map(([n, b]) => [`_diag/${n}`, b])));
  const VARIANTS: [string, Variant][] = [
    ['UTF-16LE with BOM', asFiles((b) => utf16le(b.toString('utf8')))],
    ['UTF-16BE with BOM', asFiles((b) => utf16be(b.toString('utf8')))],
    ['CRLF', asFiles((b) => Buffer.from(crlf(b.toString('utf8'))))],
    [
      'gzip',
      (_name, files, out) => {
        const d = join(out, '_diag');
        mkdirSync(d, { recursive: true });
        for (const [n, b] of files) writeFileSync(join(d, `${n}.gz`), gzipSync(b));
        return [d];
      },
    ],
    [
      'zip',
      (_name, files, out) => {
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'diag.zip'), zipOf(files));
        return [join(out, 'diag.zip')];
      },
    ],
    [
      'zip in zip',
      (_name, files, out) => {
        mkdirSync(out, { recursive: true });
        const outer = zipSync({ 'runner-diagnostic-logs/runner-01.zip': zipOf(files), '1_build.txt': Buffer.from('2025-01-01T00:00:00.0000000Z hi\n') });
        writeFileSync(join(out, 'logs_1.zip'), outer);
        return [join(out, 'logs_1.zip')];
      },
    ],
  ];

  describe.each(ORIGINALS)('%s', (name, original) => {
    let expected: unknown;
    let files: Map<string, Buffer>;
    beforeAll(() => {
      files = new Map(readdirSync(original).filter((n) => n.endsWith('.log')).sort().map((n) => [n, readFileSync(join(original, n))]));
      expected = diagnosisOf(run(['analyze', original, '--format', 'json']));
    });

    it('the original has a diagnosis worth comparing', () => {
      expect((expected as { causes: unknown[] }).causes.length).toBeGreaterThan(0);
    });

    it.each(VARIANTS)('%s', (variant, make) => {
      const paths = make(name, files, join(dir, 'variants', name, variant.replace(/\W+/g, '-')));
      const r = run(['analyze', ...paths, '--format', 'json']);
      expectClean(r);
      expect(r.stderr).toBe('');
      expect(diagnosisOf(r)).toEqual(expected);
      const encodings = report(r).inputs.files.map((f) => f.encoding);
      expect(new Set(encodings)).toEqual(new Set([variant.startsWith('UTF-16LE') ? 'utf-16le' : variant.startsWith('UTF-16BE') ? 'utf-16be' : 'utf-8']));
    });
  });
});

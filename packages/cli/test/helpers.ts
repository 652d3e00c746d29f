/**
 * Running the CLI in tests: end to end (`node packages/cli/dist/bin.js`, built by `tsc -b`
 * before jest runs) or in process (`main` with a fake io, for the large fixture matrix).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main, type CliIO } from '../src/index.js';
import { ROOT } from '../../report/test/fixtures.js';

export { ROOT };
export const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
export const FULL_SESSION = join(ROOT, 'test-logs', 'full-session', '_diag');
export const SESSION_CONFLICT = join(ROOT, 'test-logs', 'corpus', '001-session-conflict-3526', '_diag');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to (or, with `undefined`, removed from) the environment. */
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

/** The test process's environment without the variables that steer colour or debugging. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'RUNLOG_DEBUG', 'NODE_OPTIONS']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first with \`npx tsc -b\` (pnpm test does)`);
}

/** `node packages/cli/dist/bin.js <args>`, stdout and stderr piped. */
export function runlog(args: readonly string[], options: RunOptions = {}): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: baseEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the test worker (for runs in parallel). */
export function runlogAsync(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: baseEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A writable that keeps what it is given, and says whether it is a terminal. */
export class Capture extends Writable {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

export function fakeIO(options: { env?: Record<string, string | undefined>; stdoutTTY?: boolean; stderrTTY?: boolean; stdin?: string } = {}): CliIO & { stdout: Capture; stderr: Capture } {
  return {
    stdout: new Capture(options.stdoutTTY ?? false),
    stderr: new Capture(options.stderrTTY ?? false),
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? {},
    cwd: ROOT,
  };
}

/** `main(args)` in this process. */
export async function runMain(args: readonly string[], options: Parameters<typeof fakeIO>[0] = {}): Promise<Run> {
  const io = fakeIO(options);
  const code = await main(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** A usage error: exit 2, one line on stderr naming the problem, no stack trace. */
export function expectUsageError(run: Run): string {
  if (run.code !== 2) throw new Error(`expected exit code 2, got ${run.code}: ${run.stderr}`);
  const lines = run.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}: ${JSON.stringify(run.stderr)}`);
  const line = lines[0]!;
  if (!line.startsWith('runlog: ')) throw new Error(`stderr does not start with "runlog: ": ${line}`);
  if (/\bat \S+ \(|\bat file:|\bat node:|internal error/.test(run.stderr)) throw new Error(`stack trace or internal error on stderr: ${run.stderr}`);
  return line;
}

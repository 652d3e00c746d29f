/**
 * Shared helpers for the parser tests: fixture paths, temp directories for binary fixtures
 * built on the fly (never committed), and small collectors over the public API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  LineDecoder,
  RecordAssembler,
  readDiag,
  type EventKind,
  type EventOfKind,
  type LogRecord,
  type ReadDiagOptions,
  type RunlogEvent,
} from '../src/index.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TEST_LOGS = join(ROOT, 'test-logs');
export const FULL = join(TEST_LOGS, 'full-session', '_diag');
export const GRAMMAR = join(TEST_LOGS, 'grammar');

export const RUNNER_1 = 'Runner_20251209-065812-utc.log';
export const RUNNER_2 = 'Runner_20251209-094440-utc.log';
export const WORKER_1 = 'Worker_20251209-094108-utc.log';

/** A fixture file under test-logs/, as bytes. */
export function fixtureBytes(...parts: string[]): Buffer {
  return readFileSync(join(TEST_LOGS, ...parts));
}

/** A fixture file under test-logs/grammar/. */
export function grammarPath(...parts: string[]): string {
  return join(GRAMMAR, ...parts);
}

/** A fresh temp directory; `cleanup()` removes it (call it in afterAll/afterEach). */
export function tempDir(prefix = 'runlog-parser-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bytes → lines with the streaming decoder, fed in the given chunk sizes (whole buffer by default). */
export function decodeLines(
  bytes: Buffer,
  chunkSizes: ((i: number) => number) | null = null,
  options: { maxLineBytes?: number } = {},
): { lines: string[]; decoder: LineDecoder } {
  const decoder = new LineDecoder(options);
  const lines: string[] = [];
  const sink = (l: string): void => {
    lines.push(l);
  };
  if (chunkSizes === null) {
    decoder.push(bytes, sink);
  } else {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = Math.max(1, chunkSizes(i));
      decoder.push(bytes.subarray(at, at + n), sink);
      at += n;
    }
  }
  decoder.end(sink);
  return { lines, decoder };
}

/** Lines → records with the assembler, as the parser does it (line numbers 1-based). */
export function assemble(lines: readonly string[]): { records: LogRecord[]; assembler: RecordAssembler } {
  const assembler = new RecordAssembler();
  const records: LogRecord[] = [];
  lines.forEach((line, i) => {
    const r = assembler.push(line, i + 1);
    if (r !== null) records.push(r);
  });
  const last = assembler.flush();
  if (last !== null) records.push(last);
  return { records, assembler };
}

/** Records of a fixture file, decoded and assembled. */
export function recordsOf(...parts: string[]): LogRecord[] {
  return assemble(decodeLines(fixtureBytes(...parts)).lines).records;
}

/** Everything `readDiag` yields, with its stats. */
export async function collect(
  paths: string | readonly string[],
  options: ReadDiagOptions = {},
): Promise<{ events: RunlogEvent[]; stats: ReturnType<typeof readDiag>['stats'] }> {
  const diag = readDiag(paths, options);
  const events: RunlogEvent[] = [];
  for await (const e of diag) events.push(e);
  return { events, stats: diag.stats };
}

/** Events of one kind, typed. */
export function ofKind<K extends EventKind>(events: readonly RunlogEvent[], kind: K): EventOfKind<K>[] {
  return events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/** The single event of a kind (fails the test when there is not exactly one). */
export function only<K extends EventKind>(events: readonly RunlogEvent[], kind: K): EventOfKind<K> {
  const found = ofKind(events, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} event, got ${found.length}`);
  return found[0]!;
}

/** `file:line` of an event, with the file's base name: compact to compare. */
export function where(e: RunlogEvent): string {
  const base = e.source.file.split(/[/\\!]/).pop();
  return e.source.line === e.source.endLine ? `${base}:${e.source.line}` : `${base}:${e.source.line}-${e.source.endLine}`;
}

/** The event list without `unrecognized` and `log.file`: what typed matching produced. */
export function typed(events: readonly RunlogEvent[]): RunlogEvent[] {
  return events.filter((e) => e.kind !== 'unrecognized' && e.kind !== 'log.file');
}

/** A Readable of the given chunks (for stdin). */
export function readableOf(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

/** A deterministic pseudo-random generator (mulberry32): random chunk sizes that replay. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strips a multi-line template to log lines: common indentation removed, first/last blank line dropped. */
export function log(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.split('\n');
  if (lines[0]!.trim() === '') lines.shift();
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/**
 * `readDiag(paths)`: the streaming entry point. Discovers the files, decodes and parses each
 * one, merges them by time, links Worker logs to their jobs, and yields events.
 *
 *   const diag = readDiag(['./_diag']);
 *   for await (const event of diag) ...
 *   diag.stats   // files, lines, bytes, truncated lines, warnings
 */
import type { Readable } from 'node:stream';
import { JobLinker } from './correlate.js';
import { LineDecoder, type TextEncoding } from './decode.js';
import { describeFsError, type DiagWarning } from './errors.js';
import type { LogFileEvent, RunlogEvent } from './events.js';
import { discoverInputs, type InputFile, type InputLimits } from './inputs.js';
import { mergeByTime, type MergeSource } from './merge.js';
import { LogParser } from './parser.js';
import type { UnrecognizedPolicy } from './builder.js';
import type { FileKind } from './records.js';

export interface ReadDiagOptions {
  /** Which records without a typed event become `unrecognized` events (default `all`). */
  unrecognized?: UnrecognizedPolicy;
  /** Longest line kept, in bytes; longer lines are truncated and counted (default 64 KiB). */
  maxLineBytes?: number;
  limits?: Partial<InputLimits>;
  /** The stream `-` reads (the library never touches `process` itself). */
  stdin?: Readable;
  /** Base directory for relative glob patterns. */
  cwd?: string;
  /** Problems that do not stop the run (also collected in `stats.warnings`). */
  onWarning?: (warning: DiagWarning) => void;
  /** Called as files are read: bytes so far against the known total. */
  onProgress?: (progress: ReadProgress) => void;
  /** Whether to link Worker logs to their jobs (`job.linked` events; default true). */
  linkJobs?: boolean;
}

export interface ReadProgress {
  filesDone: number;
  filesTotal: number;
  /** Decoded bytes read so far, counted only up to each file's known size: never above `bytesTotal`. */
  bytesRead: number;
  /** Decoded (uncompressed) bytes of the files whose size is known beforehand. */
  bytesTotal: number;
}

export interface FileStats {
  path: string;
  kind: FileKind;
  encoding: TextEncoding;
  bytes: number;
  lines: number;
  records: number;
  events: number;
  truncatedLines: number;
  nulLines: number;
}

export interface DiagStats {
  files: FileStats[];
  bytes: number;
  lines: number;
  records: number;
  events: number;
  truncatedLines: number;
  warnings: DiagWarning[];
}

/** Files opened ahead of the merge (each holds at most one read buffer until its turn). */
const PREFETCH_FILES = 4;

export class DiagReader implements AsyncIterable<RunlogEvent> {
  readonly stats: DiagStats = { files: [], bytes: 0, lines: 0, records: 0, events: 0, truncatedLines: 0, warnings: [] };
  private started = false;

  constructor(
    private readonly paths: readonly string[],
    private readonly options: ReadDiagOptions = {},
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RunlogEvent> {
    for await (const batch of this.batches()) for (const e of batch) yield e;
  }

  /** The same events in arrays: cheaper per event for consumers that loop synchronously. */
  async *batches(): AsyncGenerator<RunlogEvent[]> {
    if (this.started) throw new Error('readDiag(): a reader can be iterated once; call readDiag() again');
    this.started = true;
    const warn = (w: DiagWarning): void => {
      this.stats.warnings.push(w);
      this.options.onWarning?.(w);
    };
    const discovery = await discoverInputs(this.paths, {
      ...(this.options.limits === undefined ? {} : { limits: this.options.limits }),
      ...(this.options.stdin === undefined ? {} : { stdin: this.options.stdin }),
      ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
      onWarning: warn,
    });
    const files = discovery.files;
    const progress: ReadProgress = {
      filesDone: 0,
      filesTotal: files.length,
      bytesRead: 0,
      bytesTotal: files.reduce((n, f) => n + (f.size ?? 0), 0),
    };
    const runs = new RunCounter();
    const linker = this.options.linkJobs === false ? null : new JobLinker();
    // Opening a file is a round trip to the thread pool; with thousands of small Worker logs
    // read one after another, the next few are opened (and their first chunk read) ahead.
    const opened = new Map<number, Promise<Readable>>();
    const prefetch = (from: number): void => {
      for (let i = from; i < Math.min(files.length, from + PREFETCH_FILES); i++) {
        if (opened.has(i)) continue;
        const p = files[i]!.open(warn).then((stream) => {
          stream.read(0);
          return stream;
        });
        p.catch(() => undefined); // surfaced when the file's turn comes
        opened.set(i, p);
      }
    };
    const sources: MergeSource[] = files.map((file, index) => ({
      index,
      startMs: file.cls.nameTimeMs ?? -Infinity,
      open: () => {
        prefetch(index + 1);
        const early = opened.get(index);
        opened.delete(index);
        return this.readFile(file, runs, warn, progress, early)[Symbol.asyncIterator]();
      },
    }));
    try {
      // The linker sees events in merged order, in step with the end of each file: the weaker
      // keys (IPC pair, time) are judged when a Worker file ends, so everything before that
      // point must have been observed already.
      const merged = mergeByTime(
        sources,
        linker === null
          ? {}
          : {
              onEvent: (e) => linker.observe(e),
              onEnd: (index) => {
                const linked = linker.endOfFile(files[index]!.path);
                return linked === null ? [] : [linked];
              },
            },
      );
      for await (const batch of merged) {
        this.stats.events += batch.length;
        yield batch;
      }
      // Files finish in merge order; report them in input order, whatever the interleaving.
      const order = new Map(files.map((f, i) => [f.path, i]));
      this.stats.files.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
    } finally {
      discovery.close();
    }
  }

  private async *readFile(
    file: InputFile,
    runs: RunCounter,
    warn: (w: DiagWarning) => void,
    progress: ReadProgress,
    early?: Promise<Readable>,
  ): AsyncGenerator<RunlogEvent[]> {
    const decoder = new LineDecoder(this.options.maxLineBytes === undefined ? {} : { maxLineBytes: this.options.maxLineBytes });
    const parser = new LogParser({
      file: file.path,
      unrecognized: this.options.unrecognized ?? 'all',
      get encoding() {
        return decoder.stats.encoding;
      },
      placeRun: (starts) => runs.place(file.cls.kind, starts),
    });
    let out: RunlogEvent[] = [];
    const sink = (line: string): void => parser.pushInto(line, out);
    let stream: Readable | null = null;
    // Progress is counted against the file's known size only: a file of unknown size (stdin)
    // or one that turns out longer than announced must not push it past the total.
    let counted = 0;
    const size = file.size ?? 0;
    try {
      stream = await (early ?? file.open(warn));
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        decoder.push(buf, sink);
        const grow = Math.min(buf.length, size - counted);
        if (grow > 0) {
          counted += grow;
          progress.bytesRead += grow;
          this.options.onProgress?.({ ...progress });
        }
        if (out.length > 0) {
          yield out;
          out = [];
        }
      }
    } catch (err) {
      // The file became unreadable part-way (deleted, permissions, damaged archive member):
      // keep what was read and say so.
      const { reason } = describeFsError(err);
      warn({ path: file.path, code: 'unreadable', message: `reading stopped: ${reason}` });
      stream?.destroy();
    }
    decoder.end(sink);
    parser.flushInto(out);
    if (out.length > 0) yield out;
    const st = decoder.stats;
    this.stats.files.push({
      path: file.path,
      kind: file.cls.kind,
      encoding: st.encoding,
      bytes: st.bytes,
      lines: st.lines,
      records: parser.info.records,
      events: parser.info.events,
      truncatedLines: st.truncatedLines,
      nulLines: st.nulLines,
    });
    this.stats.bytes += st.bytes;
    this.stats.lines += st.lines;
    this.stats.records += parser.info.records;
    this.stats.truncatedLines += st.truncatedLines;
    if (st.truncatedLines > 0) {
      warn({ path: file.path, code: 'truncated-lines', message: `${st.truncatedLines} line(s) longer than the line cap were truncated` });
    }
    if (st.nulLines > 0) {
      warn({ path: file.path, code: 'nul-bytes', message: `${st.nulLines} line(s) held NUL bytes, which were removed` });
    }
    progress.filesDone++;
    this.options.onProgress?.({ ...progress });
  }
}

/** Numbers process runs per file kind: a file that starts a process opens a new run. */
class RunCounter {
  private readonly counts = new Map<FileKind, number>();

  place(kind: FileKind, starts: boolean): { run: number; role: LogFileEvent['role'] } {
    const current = this.counts.get(kind) ?? 0;
    if (starts || current === 0) {
      this.counts.set(kind, current + 1);
      return { run: current + 1, role: starts ? 'start' : 'unknown' };
    }
    return { run: current, role: 'rollover' };
  }
}

/** Reads runner logs from directories, files, globs, archives or `-` (stdin). */
export function readDiag(paths: string | readonly string[], options: ReadDiagOptions = {}): DiagReader {
  return new DiagReader(typeof paths === 'string' ? [paths] : paths, options);
}

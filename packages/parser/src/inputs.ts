/**
 * Input discovery: what the user named (directories, files, globs, `-`, `.gz`, `.zip`,
 * zips inside zips) → a sorted list of files to read, each able to open a byte stream.
 * Archives are read in memory and never extracted: entry names are only labels here, so a
 * hostile name such as `../../etc/passwd` cannot reach the file system.
 */
import { promises as fsp, readdir as fsReaddir, realpath as fsRealpath, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import fg from 'fast-glob';
import yauzl from 'yauzl';
import { classifyFileName, isDiagnosticKind, type FileClass } from './file-kind.js';
import { describeFsError, RunlogInputError, type DiagWarning } from './errors.js';

export interface InputLimits {
  /** Largest uncompressed size of one archive member or `.gz` stream (bytes). */
  maxUncompressedBytes: number;
  /** Largest zip read into memory when it sits inside another zip (bytes). */
  maxNestedArchiveBytes: number;
  /** Uncompressed:compressed ratio above which a member is treated as a zip bomb. */
  maxCompressionRatio: number;
  /** How deep zips may nest. */
  maxArchiveDepth: number;
  /** Directory depth searched below a named directory. */
  maxDirectoryDepth: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxUncompressedBytes: 8 * 1024 ** 3,
  maxNestedArchiveBytes: 256 * 1024 ** 2,
  maxCompressionRatio: 1000,
  maxArchiveDepth: 3,
  maxDirectoryDepth: 8,
};

/** Ratios are only judged on members big enough to matter. */
const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

export interface InputFile {
  /** Display path: `dir/_diag/Runner_x.log`, `logs.zip!_diag/Worker_y.log`. */
  path: string;
  cls: FileClass;
  /**
   * Bytes the file decodes to (uncompressed: a `.gz` trailer's size, an archive member's
   * uncompressed size), when known: progress counts decoded bytes against it.
   */
  size: number | null;
  /** True when the user named this file explicitly (it is read whatever its name). */
  explicit: boolean;
  open(onWarning: (w: DiagWarning) => void): Promise<Readable>;
}

export interface DiscoverOptions {
  limits?: Partial<InputLimits>;
  /** Directory relative globs are resolved against (default: the process's). */
  cwd?: string;
  stdin?: Readable;
  onWarning?: (w: DiagWarning) => void;
}

export interface Discovery {
  files: InputFile[];
  /** Archives to close when reading is done. */
  close(): void;
}

const GLOB_CHARS = /[*?[\]{}]/;
const DIAG_PATTERNS = [
  '**/{Runner,Worker,Agent}_*-utc.log',
  '**/{Runner,Worker,Agent}_*-utc.log.gz',
  '**/SelfUpdate-*.log*',
  '**/{InternetCheck,ActionsCheck,GitCheck,NodeJsCheck}_*-utc.log',
  '**/*.zip',
];

export async function discoverInputs(paths: readonly string[], options: DiscoverOptions = {}): Promise<Discovery> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const onWarning = options.onWarning ?? (() => undefined);
  /** Members skipped for a size, ratio or depth limit: an archive of nothing else fails with that reason. */
  let limitSkips = 0;
  const warn = (w: DiagWarning): void => {
    if (w.code === 'archive-limit') limitSkips++;
    onWarning(w);
  };
  const zips: yauzl.ZipFile[] = [];
  const files: InputFile[] = [];
  const seen = new Set<string>();
  /** `dev:ino` of the files and archives taken: one file reached by two paths is read once. */
  const identities = new Set<string>();
  const add = (f: InputFile): void => {
    if (seen.has(f.path)) return;
    seen.add(f.path);
    files.push(f);
  };

  for (const p of paths) {
    if (p === '-') {
      const stdin = options.stdin;
      if (stdin === undefined) throw new RunlogInputError('-', 'stdin-unavailable', 'standard input is not available here');
      add({ path: '<stdin>', cls: classifyFileName('<stdin>'), size: null, explicit: true, open: async () => stdin });
      continue;
    }
    let stat: Stats;
    try {
      stat = await fsp.stat(p);
    } catch (err) {
      if (GLOB_CHARS.test(p)) {
        const matches = await glob([p], options.cwd, limits);
        if (matches.length === 0) throw new RunlogInputError(p, 'no-match', 'no files match this pattern');
        for (const m of matches) await addFile(m.path, m.size, true, m.identity);
        continue;
      }
      const { code, reason } = describeFsError(err);
      throw new RunlogInputError(p, code, reason);
    }
    if (stat.isDirectory()) {
      try {
        await fsp.access(p, fsp.constants?.R_OK ?? 4);
        await fsp.readdir(p);
      } catch (err) {
        const { code, reason } = describeFsError(err);
        throw new RunlogInputError(p, code, reason);
      }
      const matches = await glob(DIAG_PATTERNS, p, limits);
      // Counted as found: files read from here, and files already taken from an earlier path
      // (`runlog analyze _diag _diag` is not an error).
      let found = 0;
      const skippedBefore = limitSkips;
      for (const m of matches) if (await addFile(m.path, m.size, false, m.identity)) found++;
      if (found === 0 && limitSkips > skippedBefore) throw new RunlogInputError(p, 'archive-limit', LIMIT_ONLY);
      if (found === 0) {
        throw new RunlogInputError(p, 'no-logs', 'no runner logs here (expected Runner_*.log, Worker_*.log, Agent_*.log, SelfUpdate-*.log or a .zip of them)');
      }
    } else if (stat.isFile()) {
      await addFile(p, stat.size, true, identityOf(stat));
    } else {
      throw new RunlogInputError(p, 'unreadable', 'not a regular file or directory');
    }
  }

  files.sort(compareFiles);
  return {
    files,
    close: () => {
      for (const z of zips) z.close();
    },
  };

  /** Adds a file (or an archive's members); false when it turned out to hold no runner log. */
  async function addFile(path: string, size: number | null, explicit: boolean, identity: string | null): Promise<boolean> {
    // The same file under a second name (a symbolic or hard link, a directory named twice) is
    // read once: under the first name taken, which within one directory is the shortest (glob()).
    if (identity !== null) {
      if (identities.has(identity)) return true;
      identities.add(identity);
    }
    if (path.toLowerCase().endsWith('.zip')) {
      let zip: yauzl.ZipFile;
      try {
        zip = await openZip(path);
      } catch (err) {
        const reason = zipReason(err);
        if (explicit) throw new RunlogInputError(path, reason.code, reason.reason);
        warn({ path, code: reason.code, message: reason.reason });
        return false;
      }
      zips.push(zip);
      return (await addZipEntries(zip, path, 1, explicit)) > 0;
    }
    if (explicit) {
      // Fail early, naming the file, rather than half-way through the analysis.
      try {
        const fh = await fsp.open(path, 'r');
        await fh.close();
      } catch (err) {
        const { code, reason } = describeFsError(err);
        throw new RunlogInputError(path, code, reason);
      }
    }
    const gz = path.endsWith('.gz');
    add({
      path,
      cls: classifyFileName(path),
      size: gz ? await gzipSize(path) : size,
      explicit,
      open: async (onWarning) => {
        const raw = await openFile(path);
        return gz ? gunzip(raw, path, limits, onWarning) : raw;
      },
    });
    return true;
  }

  /** Adds an archive's runner logs (zips inside read in memory); returns how many. */
  async function addZipEntries(zip: yauzl.ZipFile, label: string, depth: number, explicit: boolean): Promise<number> {
    let entries: yauzl.Entry[];
    try {
      entries = await listEntries(zip);
    } catch (err) {
      const reason = zipReason(err);
      if (explicit) throw new RunlogInputError(label, reason.code, reason.reason);
      warn({ path: label, code: reason.code, message: reason.reason });
      return 0;
    }
    let found = 0;
    const skippedBefore = limitSkips;
    for (const entry of entries) {
      const name = entryName(entry);
      if (name.endsWith('/')) continue;
      const path = `${label}!${name}`;
      const lower = name.toLowerCase();
      if (lower.endsWith('.zip')) {
        if (depth >= limits.maxArchiveDepth) {
          warn({ path, code: 'archive-limit', message: `archives nested deeper than ${limits.maxArchiveDepth} levels are not read` });
          continue;
        }
        if (entry.uncompressedSize > limits.maxNestedArchiveBytes) {
          warn({ path, code: 'archive-limit', message: `nested archive of ${entry.uncompressedSize} bytes exceeds the ${limits.maxNestedArchiveBytes}-byte limit` });
          continue;
        }
        try {
          const inner = await fromBuffer(await readEntry(zip, entry, path, limits));
          zips.push(inner);
          found += await addZipEntries(inner, path, depth + 1, false);
        } catch (err) {
          const reason = zipReason(err);
          warn({ path, code: reason.code, message: reason.reason });
        }
        continue;
      }
      const cls = classifyFileName(name);
      if (!isDiagnosticKind(cls.kind)) continue;
      const bomb = ratioProblem(entry.uncompressedSize, entry.compressedSize, limits);
      if (bomb !== null) {
        warn({ path, code: 'archive-limit', message: bomb });
        continue;
      }
      found++;
      const gz = lower.endsWith('.gz');
      add({
        path,
        cls,
        size: gz ? null : entry.uncompressedSize,
        explicit: false,
        open: async (onWarning) => {
          const raw = await entryStream(zip, entry);
          return gz ? gunzip(raw, path, limits, onWarning) : raw;
        },
      });
    }
    if (found === 0 && explicit) {
      if (limitSkips > skippedBefore) throw new RunlogInputError(label, 'archive-limit', LIMIT_ONLY);
      throw new RunlogInputError(label, 'no-logs', 'this archive holds no runner logs (Runner_*.log, Worker_*.log, Agent_*.log, SelfUpdate-*.log)');
    }
    return found;
  }
}

const LIMIT_ONLY = 'its runner logs were all skipped: over the size, compression-ratio or nesting limit for archives (possible zip bomb)';

/** Time in the name first, then kind, then path: the same order whatever order paths were given in. */
function compareFiles(a: InputFile, b: InputFile): number {
  const ta = a.cls.nameTimeMs ?? -Infinity;
  const tb = b.cls.nameTimeMs ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = KIND_ORDER[a.cls.kind];
  const kb = KIND_ORDER[b.cls.kind];
  if (ka !== kb) return ka - kb;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

const KIND_ORDER: Record<FileClass['kind'], number> = {
  agent: 0,
  runner: 1,
  worker: 2,
  selfupdate: 3,
  check: 4,
  page: 5,
  unknown: 6,
};

async function glob(
  patterns: string[],
  cwd: string | undefined,
  limits: InputLimits,
): Promise<{ path: string; size: number | null; identity: string | null }[]> {
  const entries = await fg(patterns, {
    ...(cwd === undefined ? {} : { cwd }),
    absolute: false,
    onlyFiles: true,
    dot: true,
    deep: limits.maxDirectoryDepth,
    followSymbolicLinks: true,
    suppressErrors: true, // unreadable sub-directories are skipped, not fatal
    caseSensitiveMatch: true,
    // No `stats`: fast-glob would stat every entry walked, all at once (a directory of 100,000
    // files took 250 MB); only the matches are stat'ed, below.
    fs: { readdir: cycleSafeReaddir() as never },
  });
  const paths = entries
    // An absolute pattern yields absolute paths, whatever the cwd.
    .map((e) => (cwd === undefined || isAbsolute(e) ? e : joinPath(cwd, e)))
    // Shortest first, then by name: the name a file keeps when links reach it twice.
    .sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: { path: string; size: number | null; identity: string | null }[] = [];
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((p) => fsp.stat(p).catch(() => null)));
    batch.forEach((path, j) => {
      const st = stats[j] ?? null;
      // A file gone since the walk keeps its place: reading it reports the problem.
      out.push({ path, size: st?.size ?? null, identity: st === null ? null : identityOf(st) });
    });
  }
  return out;
}

/** Matches stat'ed at once (bounded: a directory can hold 100,000 of them). */
const STAT_BATCH = 64;

/** A file's identity on this machine (`dev:ino`), or null where the platform gives none. */
function identityOf(st: Stats): string | null {
  return st.ino === 0 ? null : `${st.dev}:${st.ino}`;
}

function depthOf(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path[i] === '/' || path[i] === '\\') n++;
  return n;
}

/**
 * fast-glob follows symbolic links (a `_diag` may be one) but does not notice cycles: a
 * directory holding a link to itself or to a parent is walked again at every level down to
 * `deep`, so k such links make k^deep directories (4 links: minutes, a gigabyte, thousands
 * of copies of each log). This `readdir` lists a directory as empty when its real path is
 * that of a directory above it on the same walk, which is exactly a cycle. Directories
 * reached twice without a cycle (two links to one folder) are still walked; their files are
 * then read once, by identity (`addFile`).
 */
function cycleSafeReaddir(): (...args: unknown[]) => void {
  const real = new Map<string, string>();
  return (...args: unknown[]): void => {
    const dir = args[0] as string;
    const callback = args[args.length - 1] as (err: NodeJS.ErrnoException | null, entries: unknown[]) => void;
    const list = (): void => {
      (fsReaddir as (...a: unknown[]) => void)(...args);
    };
    fsRealpath(dir, (err, resolved) => {
      if (err !== null) return list(); // readdir reports the problem
      real.set(dir, resolved);
      for (let p = parentOf(dir); p !== null && real.has(p); p = parentOf(p)) {
        if (real.get(p) === resolved) return callback(null, []);
      }
      list();
    });
  };
}

function parentOf(path: string): string | null {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at <= 0 ? null : path.slice(0, at);
}

function joinPath(dir: string, rel: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + rel : `${dir}/${rel}`;
}

/** The uncompressed size a gzip file records in its trailer (ISIZE, modulo 4 GiB), or null. */
async function gzipSize(path: string): Promise<number | null> {
  try {
    const fh = await fsp.open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (size < 18) return null;
      const head = Buffer.alloc(2);
      const tail = Buffer.alloc(4);
      await fh.read(head, 0, 2, 0);
      await fh.read(tail, 0, 4, size - 4);
      return head[0] === 0x1f && head[1] === 0x8b ? tail.readUInt32LE(0) : null;
    } finally {
      await fh.close();
    }
  } catch {
    return null; // reading it will report the problem
  }
}

async function openFile(path: string): Promise<Readable> {
  // Open first so that permission errors surface here, naming the file; the stream owns the
  // handle from then on and closes it.
  const fh = await fsp.open(path, 'r');
  // Read what the file holds now: a log still being appended to (a live runner) is read up to
  // its size at open, so a fast writer cannot keep the analysis going forever.
  const { size } = await fh.stat();
  if (size === 0) return fh.createReadStream({ highWaterMark: 256 * 1024, autoClose: true });
  return fh.createReadStream({ highWaterMark: 256 * 1024, autoClose: true, start: 0, end: size - 1 });
}

/**
 * Decompresses a `.gz` stream with two guards: a damaged or truncated stream ends with a
 * warning (the lines before the damage are kept), and output beyond the size or ratio limit
 * stops the stream (a gzip bomb cannot fill memory or hang the run).
 */
function gunzip(raw: Readable, path: string, limits: InputLimits, onWarning: (w: DiagWarning) => void): Readable {
  const gz = createGunzip();
  const out = new PassThrough();
  let outBytes = 0;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    raw.destroy();
    gz.destroy();
    out.end();
  };
  raw.on('error', (err) => {
    onWarning({ path, code: 'unreadable', message: `reading stopped: ${describeFsError(err).reason}` });
    stop();
  });
  gz.on('error', (err) => {
    onWarning({ path, code: 'decompress-failed', message: `gzip data is damaged or truncated (${err.message}); the lines before the damage were read` });
    stop();
  });
  gz.on('data', (c: Buffer) => {
    outBytes += c.length;
    // The ratio is judged against the compressed bytes inflated so far (`bytesWritten`), not
    // those read: the file stream reads 256 KiB ahead, which let a 300 KB bomb run to 256 MB.
    if (outBytes > limits.maxUncompressedBytes || outBytes > Math.max(RATIO_FLOOR_BYTES, gz.bytesWritten * limits.maxCompressionRatio)) {
      onWarning({
        path,
        code: 'archive-limit',
        message: `stopped after ${outBytes} decompressed bytes: over the size or compression-ratio limit (possible gzip bomb)`,
      });
      stop();
      return;
    }
    if (!out.write(c)) gz.pause();
  });
  out.on('drain', () => gz.resume());
  gz.on('end', () => {
    if (!stopped) out.end();
  });
  raw.pipe(gz);
  return out;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('cannot open archive'));
      else resolve(zip);
    });
  });
}

function fromBuffer(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('cannot open archive'));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** Entry names come as raw bytes (decodeStrings off) so that odd names cannot abort the archive. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  const name = typeof raw === 'string' ? raw : raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
  // Labels only: make separators uniform and drop control characters.
  return name.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, '');
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(err ?? new Error('cannot read archive member'));
      else resolve(stream);
    });
  });
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, limits: InputLimits): Promise<Buffer> {
  const bomb = ratioProblem(entry.uncompressedSize, entry.compressedSize, limits);
  if (bomb !== null) throw new RunlogInputError(path, 'archive-limit', bomb);
  const stream = await entryStream(zip, entry);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    total += c.length;
    if (total > limits.maxNestedArchiveBytes) {
      stream.destroy();
      throw new RunlogInputError(path, 'archive-limit', `nested archive exceeds the ${limits.maxNestedArchiveBytes}-byte limit`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks, total);
}

function ratioProblem(uncompressed: number, compressed: number, limits: InputLimits): string | null {
  if (uncompressed > limits.maxUncompressedBytes) {
    return `member of ${uncompressed} bytes exceeds the ${limits.maxUncompressedBytes}-byte limit`;
  }
  if (uncompressed > RATIO_FLOOR_BYTES && uncompressed > Math.max(1, compressed) * limits.maxCompressionRatio) {
    return `compression ratio ${Math.round(uncompressed / Math.max(1, compressed))}:1 exceeds the ${limits.maxCompressionRatio}:1 limit (possible zip bomb)`;
  }
  return null;
}

function zipReason(err: unknown): { code: 'corrupt-archive' | 'archive-limit' | 'permission-denied' | 'not-found' | 'unreadable'; reason: string } {
  if (err instanceof RunlogInputError) {
    return { code: err.code === 'archive-limit' ? 'archive-limit' : 'corrupt-archive', reason: err.reason };
  }
  const fsErr = describeFsError(err);
  if (fsErr.code === 'permission-denied' || fsErr.code === 'not-found') return { code: fsErr.code, reason: fsErr.reason };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'corrupt-archive', reason: `not a readable zip archive (${message})` };
}

/**
 * The synchronous counterpart of `readDiag` for inputs already in memory (tests, the rule
 * tester, small tools): several files parsed, merged by time with the same ordering rules,
 * and Worker logs linked to their jobs.
 */
import { JobLinker } from './correlate.js';
import type { RunlogEvent } from './events.js';
import { classifyFileName } from './file-kind.js';
import { parseText, type ParserOptions } from './parser.js';

export interface InMemoryFile {
  /** File name (its base name decides the file kind), e.g. `_diag/Runner_20241121-140548-utc.log`. */
  name: string;
  text: string;
}

export function parseFiles(files: readonly InMemoryFile[], options: Omit<ParserOptions, 'file'> = {}): RunlogEvent[] {
  const ordered = files
    .map((f) => ({ f, cls: classifyFileName(f.name) }))
    .sort((a, b) => (a.cls.nameTimeMs ?? -Infinity) - (b.cls.nameTimeMs ?? -Infinity) || (a.f.name < b.f.name ? -1 : a.f.name > b.f.name ? 1 : 0));
  const keyed: { e: RunlogEvent; key: number; file: number; seq: number }[] = [];
  const runs = new Map<string, number>();
  ordered.forEach(({ f, cls }, fileIndex) => {
    let last = cls.nameTimeMs ?? -Infinity;
    const events = parseText(f.text, {
      ...options,
      file: f.name,
      placeRun: (starts) => {
        const n = runs.get(cls.kind) ?? 0;
        if (starts || n === 0) {
          runs.set(cls.kind, n + 1);
          return { run: n + 1, role: starts ? 'start' : 'unknown' };
        }
        return { run: n, role: 'rollover' };
      },
    });
    events.forEach((e, seq) => {
      if (e.time !== null) last = Date.parse(e.time);
      keyed.push({ e, key: last, file: fileIndex, seq });
    });
  });
  keyed.sort((a, b) => a.key - b.key || a.file - b.file || a.seq - b.seq);
  const linker = new JobLinker();
  const out: RunlogEvent[] = [];
  const lastIndexOfFile = new Map<string, number>();
  keyed.forEach((k, i) => lastIndexOfFile.set(k.e.source.file, i));
  keyed.forEach((k, i) => {
    out.push(k.e);
    const linked = linker.observe(k.e);
    if (linked !== null) out.push(linked);
    if (lastIndexOfFile.get(k.e.source.file) === i) {
      const late = linker.endOfFile(k.e.source.file);
      if (late !== null) out.push(late);
    }
  });
  return out;
}

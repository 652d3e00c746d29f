/**
 * What a file is, from its name alone (spec §1.2): `Runner_20241121-140548-utc.log`,
 * `SelfUpdate-20240610-101530.log.failed`, `InternetCheck_20240702-101010-utc.log`, ...
 */
import type { FileKind, ProcessKind } from './records.js';

export interface FileClass {
  kind: FileKind;
  /** UTC time the name encodes (ISO-8601), or null. */
  nameTime: string | null;
  nameTimeMs: number | null;
  /** For SelfUpdate logs: the outcome the script wrote into the name. */
  updateOutcome: 'succeed' | 'failed' | 'succeedneedrestart' | 'pending' | null;
}

const TRACE = /^(Runner|Worker|Agent)_(\d{8})-(\d{6})-utc\.log$/;
const SELF_UPDATE = /^SelfUpdate-(\d{8})-(\d{6})\.log(?:\.(succeed|failed|succeedneedrestart))?$/;
const CHECK = /^(InternetCheck|ActionsCheck|GitCheck|NodeJsCheck)_(\d{8})-(\d{6})-utc\.log$/;

function nameTime(date: string, time: string): { iso: string; ms: number } | null {
  const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : { iso, ms };
}

/** The last path segment, for `/`, `\` and archive member separators (`a.zip!b/c.log`). */
export function baseName(path: string): string {
  let i = path.length;
  while (i > 0) {
    const c = path.charCodeAt(i - 1);
    if (c === 47 || c === 92 || c === 33) break; // / \ !
    i--;
  }
  return path.slice(i);
}

export function classifyFileName(path: string): FileClass {
  let name = baseName(path);
  if (name.endsWith('.gz')) name = name.slice(0, -3);
  let m = TRACE.exec(name);
  if (m !== null) {
    const t = nameTime(m[2]!, m[3]!);
    const kind = m[1] === 'Runner' ? 'runner' : m[1] === 'Worker' ? 'worker' : 'agent';
    return { kind, nameTime: t?.iso ?? null, nameTimeMs: t?.ms ?? null, updateOutcome: null };
  }
  m = SELF_UPDATE.exec(name);
  if (m !== null) {
    const t = nameTime(m[1]!, m[2]!);
    const outcome = (m[3] as FileClass['updateOutcome'] | undefined) ?? 'pending';
    return { kind: 'selfupdate', nameTime: t?.iso ?? null, nameTimeMs: t?.ms ?? null, updateOutcome: outcome };
  }
  m = CHECK.exec(name);
  if (m !== null) {
    const t = nameTime(m[2]!, m[3]!);
    return { kind: 'check', nameTime: t?.iso ?? null, nameTimeMs: t?.ms ?? null, updateOutcome: null };
  }
  const normalized = path.replace(/\\/g, '/');
  if (/(^|\/)(pages|blocks)\/[^/]+$/.test(normalized)) {
    return { kind: 'page', nameTime: null, nameTimeMs: null, updateOutcome: null };
  }
  return { kind: 'unknown', nameTime: null, nameTimeMs: null, updateOutcome: null };
}

export function processOfKind(kind: FileKind): ProcessKind {
  switch (kind) {
    case 'runner':
      return 'runner';
    case 'worker':
    case 'page':
      return 'worker';
    case 'agent':
      return 'agent';
    case 'selfupdate':
      return 'selfupdate';
    case 'check':
      return 'check';
    case 'unknown':
      return 'unknown';
  }
}

/** File kinds runlog reads when it discovers files in a directory. */
export function isDiagnosticKind(kind: FileKind): boolean {
  return kind === 'runner' || kind === 'worker' || kind === 'agent' || kind === 'selfupdate' || kind === 'check';
}

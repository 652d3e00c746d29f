/**
 * Analysis entry points: events (or paths) in, `AnalysisResult` out.
 *
 *   const result = await analyzeDiag(['./_diag']);
 *   result.diagnosis.verdict          // 'healthy' | 'fault' | 'inconclusive'
 *   result.diagnosis.causes[0]?.id    // e.g. 'session_conflict'
 */
import { readDiag, type DiagStats, type DiagWarning, type ReadDiagOptions, type RunlogEvent } from '@runlog/parser';
import { diagnose, type Diagnosis } from './diagnosis.js';
import { Engine } from './engine.js';
import type { JobSummary, RunnerFacts } from './facts.js';
import { RULES } from './rules/index.js';
import type { UnrecognizedPattern } from './tail.js';
import { Gaps } from './temporal.js';
import type { Finding, RuleMeta, RuleModule } from './types.js';
import { versionStanding, type VersionStanding } from './versions/index.js';

/** Bumped when the JSON shape changes incompatibly. */
export const SCHEMA_VERSION = 1;
export const RUNLOG_VERSION = '0.1.0';

export interface AnalysisResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'runlog'; version: string };
  inputs: {
    files: { path: string; kind: string; encoding: string; bytes: number; lines: number }[];
    warnings: DiagWarning[];
  };
  runner: RunnerFacts & { versionStanding: VersionStanding | null };
  /** First and last timestamp seen. */
  window: { start: string | null; end: string | null };
  jobs: JobSummary[];
  diagnosis: Diagnosis;
  findings: Finding[];
  unrecognized: UnrecognizedPattern[];
  stats: {
    files: number;
    bytes: number;
    lines: number;
    records: number;
    events: number;
    truncatedLines: number;
    eventsByKind: Record<string, number>;
    rules: number;
    unrecognizedOverflow: number;
    ruleErrors: { ruleId: string; message: string }[];
  };
}

export interface AnalyzeOptions {
  /** The rules to run (default: the bundled catalog). */
  rules?: readonly RuleModule[];
  /** Run only these rules (rule ids or cause ids). */
  only?: readonly string[];
  /** Skip these rules (rule ids or cause ids). */
  disable?: readonly string[];
  /** Ignore events before / after these ISO times. */
  since?: string | null;
  until?: string | null;
}

/** Rule ids and cause ids both select rules: `session-conflict` and `session_conflict` alike. */
export function selectRules(options: AnalyzeOptions): RuleModule[] {
  const all = options.rules ?? RULES;
  const matches = (rule: RuleModule, names: readonly string[]): boolean =>
    names.some((n) => n === rule.meta.id || n === rule.meta.cause);
  return all.filter(
    (r) => (options.only === undefined || options.only.length === 0 || matches(r, options.only)) && !matches(r, options.disable ?? []),
  );
}

/** Ids among `names` that name no rule and no cause (for a usage error). */
export function unknownRuleNames(names: readonly string[], rules: readonly RuleModule[] = RULES): string[] {
  return names.filter((n) => !rules.some((r) => r.meta.id === n || r.meta.cause === n));
}

/** Incremental analysis: feed events in time order, then `finish`. */
export class Analyzer {
  private readonly engine: Engine;
  private readonly metas: Map<string, RuleMeta>;
  private readonly gaps = new Gaps(2 * 3600 * 1000);
  private readonly sinceMs: number | null;
  private readonly untilMs: number | null;
  readonly ruleCount: number;

  constructor(options: AnalyzeOptions = {}) {
    const rules = selectRules(options);
    this.ruleCount = rules.length;
    this.engine = new Engine(rules);
    this.metas = new Map(rules.map((r) => [r.meta.id, r.meta]));
    this.sinceMs = parseBound(options.since);
    this.untilMs = parseBound(options.until);
  }

  observe(e: RunlogEvent): void {
    if (e.kind !== 'log.file' && e.time !== null && (this.sinceMs !== null || this.untilMs !== null)) {
      const ms = Date.parse(e.time);
      if (this.sinceMs !== null && ms < this.sinceMs) return;
      if (this.untilMs !== null && ms > this.untilMs) return;
    }
    if (e.process === 'runner' || e.process === 'agent') this.gaps.observe(e);
    this.engine.observe(e);
  }

  finish(input: { stats?: DiagStats } = {}): AnalysisResult {
    const out = this.engine.finish();
    const facts = out.facts;
    const diagnosis = diagnose({
      findings: out.findings,
      metas: this.metas,
      facts,
      jobs: out.jobs,
      working: out.working,
      gaps: this.gaps.gaps,
    });
    const stats = input.stats;
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'runlog', version: RUNLOG_VERSION },
      inputs: {
        files: (stats?.files ?? [])
          .map((f) => ({ path: f.path, kind: f.kind, encoding: f.encoding, bytes: f.bytes, lines: f.lines }))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
        warnings: [...(stats?.warnings ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1)),
      },
      runner: { ...facts, versionStanding: facts.version === null ? null : versionStanding(facts.version, facts.lastTime) },
      window: { start: facts.firstTime, end: facts.lastTime },
      jobs: out.jobs,
      diagnosis,
      findings: [...out.findings].sort(compareFindings),
      unrecognized: out.unrecognized,
      stats: {
        files: stats?.files.length ?? 0,
        bytes: stats?.bytes ?? 0,
        lines: stats?.lines ?? 0,
        records: stats?.records ?? 0,
        events: Object.values(out.eventsByKind).reduce((n, c) => n + c, 0),
        truncatedLines: stats?.truncatedLines ?? 0,
        eventsByKind: out.eventsByKind,
        rules: this.ruleCount,
        unrecognizedOverflow: out.unrecognizedOverflow,
        ruleErrors: out.ruleErrors,
      },
    };
  }
}

function compareFindings(a: Finding, b: Finding): number {
  const ta = a.firstSeen ?? '';
  const tb = b.firstSeen ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

function parseBound(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Analyses events already in memory (tests, small inputs). */
export function analyzeEvents(events: Iterable<RunlogEvent>, options: AnalyzeOptions = {}): AnalysisResult {
  const a = new Analyzer(options);
  for (const e of events) a.observe(e);
  return a.finish();
}

/** Reads and analyses runner logs: directories, files, globs, archives. */
export async function analyzeDiag(
  paths: string | readonly string[],
  options: AnalyzeOptions & { read?: ReadDiagOptions } = {},
): Promise<AnalysisResult> {
  const diag = readDiag(paths, { unrecognized: 'problems', ...options.read });
  const a = new Analyzer(options);
  for await (const batch of diag.batches()) for (const e of batch) a.observe(e);
  return a.finish({ stats: diag.stats });
}

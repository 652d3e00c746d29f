/**
 * Findings → diagnosis: findings grouped by cause id, symptoms attached to the cause that
 * produced them, causes ranked with the first cause of the causal chain first, and a verdict.
 *
 * Ranking, in order: severity; causes backed by the runner's own stated conclusion (its
 * `WRITE ERROR:` lines, its exit reason) before causes inferred from raw exceptions; root
 * causes before symptoms before context; earlier first occurrence; more occurrences.
 */
import type { CauseId } from './causes.js';
import { compareEvidence } from './evidence.js';
import type { JobSummary, RunnerFacts } from './facts.js';
import type { Gap } from './temporal.js';
import { formatDuration } from './temporal.js';
import type { Confidence, ConfidenceLevel, Episode, Evidence, Finding, Remedy, RuleMeta, RuleType, Severity } from './types.js';
import type { WorkingSummary } from './working.js';

export interface Symptom {
  id: CauseId;
  title: string;
  severity: Severity;
  summary: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  evidence: Evidence[];
}

export interface Cause {
  id: CauseId;
  title: string;
  severity: Severity;
  type: RuleType;
  confidence: Confidence;
  summary: string;
  /** Every distinct message of the findings behind this cause. */
  details: string[];
  evidence: Evidence[];
  evidenceOmitted: number;
  firstSeen: string | null;
  lastSeen: string | null;
  count: number;
  episodes: Episode[];
  symptoms: Symptom[];
  remedy: Remedy;
  rules: string[];
  /** True when the runner itself stated this conclusion (a `WRITE ERROR:` line, its exit reason). */
  conclusive: boolean;
}

export type Verdict = 'healthy' | 'fault' | 'inconclusive';

export interface Coverage {
  /** True when something limits what the logs can show (see `notes`). */
  partial: boolean;
  notes: string[];
}

export interface Diagnosis {
  verdict: Verdict;
  /** One line: the verdict in words. */
  headline: string;
  causes: Cause[];
  /** What the logs show working (for a healthy verdict, and as context for a fault). */
  working: string[];
  /** What runner logs cannot show. */
  notVisible: string[];
  coverage: Coverage;
}

/** Evidence lines kept per cause in the result (the rest are counted). */
export const MAX_CAUSE_EVIDENCE = 12;
const MAX_SYMPTOM_EVIDENCE = 3;

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const TYPE_RANK: Record<RuleType, number> = { 'root-cause': 3, symptom: 2, context: 1 };
const CONFIDENCE_RANK: Record<ConfidenceLevel, number> = { high: 3, medium: 2, low: 1 };

interface Group {
  id: CauseId;
  findings: Finding[];
  metas: RuleMeta[];
}

export interface DiagnosisInput {
  findings: readonly Finding[];
  metas: ReadonlyMap<string, RuleMeta>;
  facts: RunnerFacts;
  jobs: readonly JobSummary[];
  working: WorkingSummary;
  gaps: readonly Gap[];
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  const groups = new Map<CauseId, Group>();
  for (const f of input.findings) {
    const g = groups.get(f.cause) ?? { id: f.cause, findings: [], metas: [] };
    g.findings.push(f);
    const meta = input.metas.get(f.ruleId);
    if (meta !== undefined && !g.metas.includes(meta)) g.metas.push(meta);
    groups.set(f.cause, g);
  }
  const causes = [...groups.values()].map(toCause);
  const attached = attachSymptoms(causes, groups);
  attached.sort(compareCauses);

  const verdict: Verdict = attached.some((c) => c.severity !== 'info')
    ? 'fault'
    : hasWorkingEvidence(input.working)
      ? 'healthy'
      : 'inconclusive';
  return {
    verdict,
    headline: headline(verdict, attached),
    causes: attached,
    working: describeWorking(input.working),
    notVisible: [
      'Job routing, runner labels and runner groups live on the service side: runner logs cannot show why a queued job was not offered to this runner.',
      'Step output (what a job printed) is in the job logs and _diag/pages, not in these trace files.',
    ],
    coverage: coverage(input),
  };
}

function toCause(g: Group): Cause {
  const findings = [...g.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || cmpTime(a.firstSeen, b.firstSeen));
  const lead = findings[0]!;
  const severity = lead.severity;
  const evidence = dedupeEvidence(findings.flatMap((f) => f.evidence));
  const kept = pickEvidence(evidence, MAX_CAUSE_EVIDENCE);
  const omitted = findings.reduce((n, f) => n + f.evidenceOmitted, 0) + (evidence.length - kept.length);
  const meta = g.metas[0];
  const type = findings.some((f) => f.type === 'root-cause') ? 'root-cause' : findings.some((f) => f.type === 'symptom') ? 'symptom' : 'context';
  return {
    id: g.id,
    title: meta?.title ?? g.id,
    severity,
    type,
    confidence: bestConfidence(findings),
    summary: lead.message,
    details: [...new Set(findings.map((f) => f.message))],
    evidence: kept,
    evidenceOmitted: omitted,
    firstSeen: minTime(findings.map((f) => f.firstSeen)),
    lastSeen: maxTime(findings.map((f) => f.lastSeen)),
    count: findings.reduce((n, f) => n + f.count, 0),
    episodes: findings.flatMap((f) => f.episodes).sort((a, b) => cmpTime(a.start, b.start)),
    symptoms: [],
    remedy: mergeRemedies(g.metas),
    rules: [...new Set(findings.map((f) => f.ruleId))].sort(),
    conclusive: findings.some((f) => f.conclusive),
  };
}

/** A symptom cause moves under the earliest cause it is known to follow from, if one was active. */
function attachSymptoms(causes: Cause[], groups: Map<CauseId, Group>): Cause[] {
  const parentsOf = (s: Cause): Set<CauseId> => new Set(groups.get(s.id)!.metas.flatMap((m) => m.symptomOf ?? []));
  // A parent explains its symptom only if it is at least as serious: an informational note
  // (a timeout that followed a suspension) cannot carry a lost job.
  const canCarry = (parent: Cause, s: Cause, ids: Set<CauseId>): boolean =>
    ids.has(parent.id) && startedBy(parent, s) && SEVERITY_RANK[parent.severity] >= SEVERITY_RANK[s.severity];
  const attach = (parent: Cause, s: Cause): void => {
    parent.symptoms.push({
      id: s.id,
      title: s.title,
      severity: s.severity,
      summary: s.summary,
      count: s.count,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      evidence: s.evidence.slice(0, MAX_SYMPTOM_EVIDENCE),
    });
  };
  const others = causes.filter((c) => c.type !== 'symptom');
  let loose: Cause[] = [];
  /** Each attached symptom's root, so what followed from a symptom joins the same root. */
  const rootOf = new Map<Cause, Cause>();
  // First pass: symptoms under the root causes that produced them.
  for (const s of causes.filter((c) => c.type === 'symptom')) {
    const ids = parentsOf(s);
    const parent = others.filter((c) => canCarry(c, s, ids)).sort((a, b) => cmpTime(a.firstSeen, b.firstSeen) || compareCauses(a, b))[0];
    if (parent === undefined) loose.push(s);
    else {
      attach(parent, s);
      rootOf.set(s, parent);
    }
  }
  // Then symptoms of those symptoms (a TLS failure → a lost lock → the job it cancelled): under
  // the same root, repeated until nothing moves.
  for (let moved = true; moved; ) {
    moved = false;
    for (const s of loose) {
      const ids = parentsOf(s);
      const via = [...rootOf.keys()].filter((c) => canCarry(c, s, ids)).sort((a, b) => cmpTime(a.firstSeen, b.firstSeen))[0];
      if (via === undefined) continue;
      const root = rootOf.get(via)!;
      attach(root, s);
      rootOf.set(s, root);
      loose = loose.filter((c) => c !== s);
      moved = true;
      break;
    }
  }
  // Second pass: chains of symptoms with no root in the logs (a lost lock, then the job it
  // cancelled): the later one goes under the earlier one.
  let moved = true;
  while (moved) {
    moved = false;
    for (const s of loose) {
      const ids = parentsOf(s);
      const parent = loose.filter((c) => c !== s && canCarry(c, s, ids) && !parentsOf(c).has(s.id)).sort((a, b) => cmpTime(a.firstSeen, b.firstSeen))[0];
      if (parent === undefined) continue;
      attach(parent, s);
      for (const inner of s.symptoms) parent.symptoms.push(inner);
      loose = loose.filter((c) => c !== s);
      moved = true;
      break;
    }
  }
  for (const c of [...others, ...loose]) c.symptoms.sort((a, b) => cmpTime(a.firstSeen, b.firstSeen) || (a.id < b.id ? -1 : 1));
  return [...others, ...loose];
}

/** The parent must have started no later than the symptom ended (times unknown: allowed). */
function startedBy(parent: Cause, symptom: Cause): boolean {
  if (parent.firstSeen === null || symptom.lastSeen === null) return true;
  return parent.firstSeen <= symptom.lastSeen;
}

export function compareCauses(a: Cause, b: Cause): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    Number(b.conclusive) - Number(a.conclusive) ||
    TYPE_RANK[b.type] - TYPE_RANK[a.type] ||
    cmpTime(a.firstSeen, b.firstSeen) ||
    b.count - a.count ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function bestConfidence(findings: Finding[]): Confidence {
  return [...findings].sort((a, b) => CONFIDENCE_RANK[b.confidence.level] - CONFIDENCE_RANK[a.confidence.level])[0]!.confidence;
}

function dedupeEvidence(all: Evidence[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const ev of all) {
    const key = `${ev.file}\u0000${ev.line}`;
    const prev = seen.get(key);
    // The same line as trigger in one finding and context in another stays a trigger.
    if (prev === undefined || (prev.role === 'context' && ev.role === 'trigger')) seen.set(key, ev);
  }
  return [...seen.values()].sort(compareEvidence);
}

/** Keeps triggers first (the earliest ones and the last one), then context, in log order. */
function pickEvidence(evidence: Evidence[], max: number): Evidence[] {
  if (evidence.length <= max) return evidence;
  const triggers = evidence.filter((e) => e.role === 'trigger');
  const context = evidence.filter((e) => e.role === 'context');
  const keepTriggers = triggers.length <= max - Math.min(context.length, 3)
    ? triggers
    : [...triggers.slice(0, max - Math.min(context.length, 3) - 1), triggers[triggers.length - 1]!];
  const keepContext = context.slice(0, max - keepTriggers.length);
  return [...keepTriggers, ...keepContext].sort(compareEvidence);
}

function mergeRemedies(metas: RuleMeta[]): Remedy {
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  return {
    temporary: uniq(metas.flatMap((m) => m.remedy.temporary)),
    permanent: uniq(metas.flatMap((m) => m.remedy.permanent)),
    prevention: uniq(metas.flatMap((m) => m.remedy.prevention)),
    docs: uniq(metas.flatMap((m) => m.remedy.docs)),
  };
}

function hasWorkingEvidence(w: WorkingSummary): boolean {
  return w.sessionsCreated + w.pollsAnswered + w.jobsCompleted + w.jobRenewals + w.tokensAcquired + w.reconnections > 0;
}

function describeWorking(w: WorkingSummary): string[] {
  const out: string[] = [];
  const n = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
  if (w.sessionsCreated > 0) out.push(`${n(w.sessionsCreated, 'session', 'sessions')} created with the service`);
  if (w.pollsAnswered > 0) out.push(`${n(w.pollsAnswered, 'poll', 'polls')} for jobs answered by the service`);
  if (w.tokensAcquired > 0) out.push(`${n(w.tokensAcquired, 'OAuth token', 'OAuth tokens')} acquired`);
  if (w.reconnections > 0) out.push(`${n(w.reconnections, 'reconnection', 'reconnections')} after connection errors`);
  if (w.jobRenewals > 0) out.push(`${n(w.jobRenewals, 'job lock renewal', 'job lock renewals')} succeeded`);
  if (w.jobsCompleted > 0) out.push(`${n(w.jobsCompleted, 'job', 'jobs')} completed (${w.jobsSucceeded} succeeded)`);
  return out;
}

function coverage(input: DiagnosisInput): Coverage {
  const notes: string[] = [];
  const w = input.working;
  if (w.runnerFiles + w.agentFiles === 0 && w.workerFiles > 0) {
    notes.push('Only Worker logs were given: the Listener side (sessions, polling, dispatch, connectivity) is not covered. Add the Runner_*.log files from the same _diag folder.');
  }
  if (w.runnerFiles + w.agentFiles > 0 && w.processStarts === 0) {
    notes.push('The Runner logs start mid-run (no process start is in them): events before the first line are not covered.');
  }
  const missingWorkers = input.jobs.filter((j) => j.jobId !== null && j.workerFile === null && j.requestId !== null).length;
  if (missingWorkers > 0 && w.workerFiles > 0) {
    notes.push(`${missingWorkers} dispatched job(s) have no Worker log in the input (deleted by retention, or not included).`);
  }
  for (const g of input.gaps.slice(0, 5)) {
    notes.push(`No log lines for ${formatDuration(g.seconds)} between ${g.start} and ${g.end}: the runner was stopped, the machine was down, or log files are missing.`);
  }
  if (input.gaps.length > 5) notes.push(`${input.gaps.length - 5} more silent gaps.`);
  if (input.facts.firstTime !== null && input.facts.lastTime !== null) {
    const days = (Date.parse(input.facts.lastTime) - Date.parse(input.facts.firstTime)) / 86_400_000;
    if (days >= 29) notes.push('The logs span about 30 days, the runner\'s default retention: older files were probably deleted.');
  }
  return { partial: notes.length > 0, notes };
}

function headline(verdict: Verdict, causes: Cause[]): string {
  switch (verdict) {
    case 'fault': {
      const lead = causes[0]!;
      const more = causes.filter((c) => c.severity !== 'info').length - 1;
      return `${lead.title}${more > 0 ? ` (and ${more} more cause${more === 1 ? '' : 's'})` : ''}`;
    }
    case 'healthy':
      return 'No runner-side fault found in these logs';
    case 'inconclusive':
      return 'Not enough in these logs to judge the runner';
  }
}

function cmpTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function minTime(ts: (string | null)[]): string | null {
  const xs = ts.filter((t): t is string => t !== null).sort();
  return xs[0] ?? null;
}

function maxTime(ts: (string | null)[]): string | null {
  const xs = ts.filter((t): t is string => t !== null).sort();
  return xs[xs.length - 1] ?? null;
}

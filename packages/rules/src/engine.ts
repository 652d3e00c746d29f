/**
 * The rule engine: runs every enabled rule over one time-ordered event stream, the way ESLint
 * runs rules over one AST. Rules keep their state in closures; the engine dispatches events by
 * kind, interpolates reports into findings, collects runner facts and the jobs table, and
 * sends ERR/WARN records that no rule explained to the unknown tail.
 */
import type { EventKind, RunlogEvent } from '@runlog/parser';
import { FactsCollector, JobsCollector, type JobSummary, type RunnerFacts } from './facts.js';
import { interpolate } from './interpolate.js';
import { isBenignNoise } from './noise.js';
import { isProblem, TAIL_WINDOW, TailCollector, type UnrecognizedPattern } from './tail.js';
import type { FileSpan, Finding, ReportDescriptor, RuleContext, RuleModule } from './types.js';
import { WorkingCollector, type WorkingSummary } from './working.js';

export interface EngineOutput {
  findings: Finding[];
  facts: RunnerFacts;
  jobs: JobSummary[];
  unrecognized: UnrecognizedPattern[];
  unrecognizedOverflow: number;
  working: WorkingSummary;
  eventsByKind: Record<string, number>;
  /** Rules that threw: a bug in runlog, reported rather than crashing the analysis. */
  ruleErrors: { ruleId: string; message: string }[];
}

type Handler = (e: RunlogEvent) => void;

export class Engine {
  private readonly handlers = new Map<string, { ruleId: string; fn: Handler }[]>();
  private readonly ends: { ruleId: string; fn: () => void }[] = [];
  private readonly findings: Finding[] = [];
  private readonly factsCollector = new FactsCollector();
  private readonly jobsCollector = new JobsCollector();
  private readonly working = new WorkingCollector();
  private readonly tail = new TailCollector();
  private readonly explained = new WeakSet<RunlogEvent>();
  private readonly pendingTail: RunlogEvent[] = [];
  private readonly eventsByKind = new Map<string, number>();
  private readonly ruleErrors: { ruleId: string; message: string }[] = [];
  private readonly broken = new Set<string>();
  private readonly files = new Map<string, FileSpan>();
  private readonly sharedState = new Map<string, unknown>();

  constructor(rules: readonly RuleModule[]) {
    for (const rule of rules) this.install(rule);
  }

  private install(rule: RuleModule): void {
    const ruleId = rule.meta.id;
    const context: RuleContext<string> = {
      meta: rule.meta,
      facts: this.factsCollector.facts,
      files: this.files,
      report: (d) => this.report(rule, d),
      explain: (e) => {
        this.explained.add(e);
      },
      shared: <T>(key: string, create: () => T) => {
        if (this.sharedState.has(key)) return { value: this.sharedState.get(key) as T, owner: false };
        const value = create();
        this.sharedState.set(key, value);
        return { value, owner: true };
      },
    };
    const listeners = rule.create(context);
    for (const [key, fn] of Object.entries(listeners)) {
      if (typeof fn !== 'function') continue;
      if (key === 'end') {
        this.ends.push({ ruleId, fn: fn as () => void });
        continue;
      }
      const list = this.handlers.get(key as EventKind) ?? [];
      list.push({ ruleId, fn: fn as Handler });
      this.handlers.set(key, list);
    }
  }

  observe(e: RunlogEvent): void {
    this.eventsByKind.set(e.kind, (this.eventsByKind.get(e.kind) ?? 0) + 1);
    if (e.kind === 'log.file') {
      this.files.set(e.source.file, { fileKind: e.fileKind, role: e.role, run: e.run, first: null, last: null });
    } else if (e.time !== null) {
      const span = this.files.get(e.source.file);
      if (span !== undefined) {
        span.first ??= e.time;
        span.last = e.time;
      }
    }
    this.factsCollector.observe(e);
    this.jobsCollector.observe(e);
    this.working.observe(e);
    this.dispatch(this.handlers.get(e.kind), e);
    this.dispatch(this.handlers.get('*'), e);
    if (isProblem(e) && !isBenignNoise(e)) {
      this.pendingTail.push(e);
      if (this.pendingTail.length > TAIL_WINDOW) this.commitTail(this.pendingTail.shift()!);
    }
  }

  private dispatch(list: { ruleId: string; fn: Handler }[] | undefined, e: RunlogEvent): void {
    if (list === undefined) return;
    for (const h of list) {
      if (this.broken.has(h.ruleId)) continue;
      try {
        h.fn(e);
      } catch (err) {
        this.fail(h.ruleId, err);
      }
    }
  }

  finish(): EngineOutput {
    for (const end of this.ends) {
      if (this.broken.has(end.ruleId)) continue;
      try {
        end.fn();
      } catch (err) {
        this.fail(end.ruleId, err);
      }
    }
    for (const e of this.pendingTail) this.commitTail(e);
    this.pendingTail.length = 0;
    return {
      findings: this.findings,
      facts: this.factsCollector.facts,
      jobs: this.jobsCollector.finish(),
      unrecognized: this.tail.finish(),
      unrecognizedOverflow: this.tail.overflow,
      working: this.working.finish(),
      eventsByKind: Object.fromEntries([...this.eventsByKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      ruleErrors: this.ruleErrors,
    };
  }

  private commitTail(e: RunlogEvent): void {
    if (!this.explained.has(e)) this.tail.observe(e);
  }

  private fail(ruleId: string, err: unknown): void {
    this.broken.add(ruleId);
    this.ruleErrors.push({ ruleId, message: err instanceof Error ? err.message : String(err) });
  }

  private report(rule: RuleModule, d: ReportDescriptor<string>): void {
    const template = rule.meta.messages[d.messageId];
    if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId '${d.messageId}'`);
    const data = d.data ?? {};
    const triggers = d.evidence.filter((ev) => ev.role === 'trigger');
    const times = d.evidence.map((ev) => ev.time).filter((t): t is string => t !== null).sort();
    this.findings.push({
      ruleId: rule.meta.id,
      cause: rule.meta.cause,
      type: rule.meta.type,
      severity: d.severity ?? rule.meta.severity,
      messageId: d.messageId,
      message: interpolate(template, data),
      data,
      confidence: d.confidence,
      evidence: [...d.evidence],
      evidenceOmitted: d.evidenceOmitted ?? 0,
      count: d.count ?? Math.max(1, triggers.length),
      firstSeen: d.firstSeen !== undefined ? d.firstSeen : times[0] ?? null,
      lastSeen: d.lastSeen !== undefined ? d.lastSeen : times[times.length - 1] ?? null,
      episodes: d.episodes ?? [],
      conclusive: d.conclusive ?? false,
    });
  }
}

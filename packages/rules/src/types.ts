/**
 * The rule contract, shaped after ESLint and typescript-eslint: a rule is `meta` (pure data)
 * plus `create(context)` returning listeners keyed by event kind and an `end` hook. Rules
 * report `{ messageId, data, evidence }`; the engine interpolates the message. Evidence is a
 * non-empty tuple, so a finding without evidence does not compile.
 */
import type { EventKind, EventOfKind, RunlogEvent } from '@runlog/parser';
import type { CauseId } from './causes.js';
import type { RunnerFacts } from './facts.js';

export type Severity = 'error' | 'warning' | 'info';
export type RuleType = 'root-cause' | 'symptom' | 'context';
export type ConfidenceLevel = 'high' | 'medium' | 'low';

export interface Confidence {
  level: ConfidenceLevel;
  /** Why: what was seen (or not seen) that makes the finding this certain. */
  reason: string;
}

/** One log line a finding rests on. `trigger` lines show the fault; `context` lines explain it. */
export interface Evidence {
  file: string;
  line: number;
  endLine: number;
  time: string | null;
  /** The line as logged (header and first message line), capped. */
  excerpt: string;
  role: 'trigger' | 'context';
}

/** A stretch of time during which a problem was present. */
export interface Episode {
  start: string | null;
  end: string | null;
  /** Seconds between start and end, when both are known. */
  durationSeconds: number | null;
  /** Occurrences inside the episode. */
  count: number;
  /** `recovered`: a success marker ended it; `ongoing`: still failing where the log ends. */
  outcome: 'recovered' | 'ongoing' | 'ended';
}

export interface Remedy {
  /** What to do now to get going again. */
  temporary: string[];
  /** What fixes it for good. */
  permanent: string[];
  /** What keeps it from coming back. */
  prevention: string[];
  /** Documentation a user should read. */
  docs: string[];
}

export interface RuleDocs {
  /** What the cause means for the user, in a sentence or two. */
  description: string;
  /** How to confirm it, by hand, on the machine or in the log. */
  confirm: string[];
  /** Catalog entries of the spec the rule implements (F01...). */
  catalog: string[];
}

export interface RuleMeta<MessageIds extends string = string> {
  /** Rule id = file name = doc slug, kebab-case. */
  id: string;
  /** The cause id this rule reports (failure-catalog.md). */
  cause: CauseId;
  title: string;
  type: RuleType;
  /** Default severity of a finding; a report may lower or raise it with a reason. */
  severity: Severity;
  /** Message templates with `{{placeholders}}`, by message id. */
  messages: Record<MessageIds, string>;
  docs: RuleDocs;
  remedy: Remedy;
  /**
   * For symptom rules: the causes that commonly produce this symptom. The diagnosis attaches the
   * symptom to the earliest such cause active at the time.
   */
  symptomOf?: readonly CauseId[];
}

export type NonEmpty<T> = readonly [T, ...T[]];

export interface ReportDescriptor<MessageIds extends string> {
  messageId: MessageIds;
  data?: Record<string, string | number>;
  evidence: NonEmpty<Evidence>;
  /** Evidence beyond what is kept, counted. */
  evidenceOmitted?: number;
  severity?: Severity;
  confidence: Confidence;
  /** Occurrences of the problem (defaults to the trigger evidence count). */
  count?: number;
  firstSeen?: string | null;
  lastSeen?: string | null;
  episodes?: Episode[];
  /** True when the evidence includes the runner's own stated conclusion (WRITE ERROR, exit reason). */
  conclusive?: boolean;
}

/** Where a file sits in time and in the process history. */
export interface FileSpan {
  fileKind: string;
  role: 'start' | 'rollover' | 'unknown';
  run: number;
  /** First and last event times in the file (ISO), null until seen. */
  first: string | null;
  last: string | null;
}

export interface RuleContext<MessageIds extends string> {
  readonly meta: RuleMeta<MessageIds>;
  /** Every file seen so far, by display path. */
  readonly files: ReadonlyMap<string, FileSpan>;
  /** Facts gathered so far (runner version, OS, name...). Final values are known in `end`. */
  readonly facts: Readonly<RunnerFacts>;
  report(descriptor: ReportDescriptor<MessageIds>): void;
  shared<T>(key: string, create: () => T): { value: T; owner: boolean };
  /** Marks an ERR/WARN event as understood, so it does not appear among unrecognised patterns. */
  explain(event: RunlogEvent): void;
}

export type RuleListeners = {
  [K in EventKind]?: (event: EventOfKind<K>) => void;
} & {
  /** Called for every event, after the kind's own listener. Costs a call per event: use sparingly. */
  '*'?: (event: RunlogEvent) => void;
  /** Called once after the last event. */
  end?: () => void;
};

export interface RuleModule<MessageIds extends string = string> {
  meta: RuleMeta<MessageIds>;
  create(context: RuleContext<MessageIds>): RuleListeners;
}

/** Fixes the message-id generic, so a wrong id in `report` does not compile. */
export function createRule<MessageIds extends string>(rule: RuleModule<MessageIds>): RuleModule<MessageIds> {
  return rule;
}

/** A rule's report after the engine interpolated it. */
export interface Finding {
  ruleId: string;
  cause: CauseId;
  type: RuleType;
  severity: Severity;
  messageId: string;
  message: string;
  data: Record<string, string | number>;
  confidence: Confidence;
  evidence: Evidence[];
  evidenceOmitted: number;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  episodes: Episode[];
  conclusive: boolean;
}

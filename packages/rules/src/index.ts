/**
 * @runlog/rules — rules that map runner log events to ranked root causes, with evidence,
 * time windows and remedies.
 */
export { CAUSE_IDS, isCauseId, type CauseId } from './causes.js';
export type {
  Severity,
  RuleType,
  ConfidenceLevel,
  Confidence,
  Evidence,
  Episode,
  Remedy,
  RuleDocs,
  RuleMeta,
  RuleContext,
  RuleListeners,
  RuleModule,
  ReportDescriptor,
  Finding,
  FileSpan,
  NonEmpty,
} from './types.js';
export { createRule } from './types.js';
export { RULES } from './rules/index.js';
export { Engine, type EngineOutput } from './engine.js';
export {
  analyzeDiag,
  analyzeEvents,
  Analyzer,
  selectRules,
  unknownRuleNames,
  SCHEMA_VERSION,
  RUNLOG_VERSION,
  type AnalysisResult,
  type AnalyzeOptions,
} from './analyze.js';
export { diagnose, compareCauses, type Diagnosis, type Cause, type Symptom, type Verdict, type Coverage } from './diagnosis.js';
export type { RunnerFacts, JobSummary } from './facts.js';
export type { UnrecognizedPattern } from './tail.js';
export { templateOf } from './tail.js';
export type { WorkingSummary } from './working.js';
export { Episodes, Deadlines, RetryLoop, Gaps, formatDuration, type Gap } from './temporal.js';
export { Occurrences, evidenceOf, excerptOf } from './evidence.js';
export { RecentMap, RECENT_JOBS } from './recent.js';
export { classifyText, classifyEvent, type FailureClass } from './classify.js';
export { versionStanding, compareVersions, RUNNER_RELEASES, UPDATE_POLICY_DAYS, type VersionStanding } from './versions/index.js';
export { interpolate } from './interpolate.js';
export { RuleTester, log, eventsOf, findingsOf, type RuleTests, type ValidCase, type InvalidCase, type ExpectedFinding } from './testing/rule-tester.js';
export { renderRuleDoc } from './docs.js';

/**
 * Redaction of a whole analysis result: names are learned from every string first, so that a
 * name stated late in the logs is also hidden where it appeared early.
 */
import type { AnalysisResult } from '@runlog/rules';
import { eachString, redactDeep, Redactor, type RedactionCount } from './redact.js';

export interface RedactedResult {
  result: AnalysisResult;
  summary: RedactionCount[];
  /** Original → placeholder, by category: only for the owner's local `--redact-map` file. */
  mapping: Record<string, Record<string, string>>;
}

export function seedFromResult(redactor: Redactor, result: AnalysisResult): void {
  redactor.seed({ runnerName: result.runner.name, gitHubUrl: result.runner.gitHubUrl, serverUrl: result.runner.serverUrl });
  for (const j of result.jobs) if (j.repository !== null) redactor.seed({ repository: j.repository });
  eachString(result, (s) => redactor.learnFrom(s));
}

export function redactResult(result: AnalysisResult, redactor: Redactor = new Redactor()): RedactedResult {
  seedFromResult(redactor, result);
  const redacted = redactDeep(result, (s) => redactor.redact(s));
  return { result: redacted, summary: redactor.summary(), mapping: redactor.mapping() };
}

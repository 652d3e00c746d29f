/**
 * The exit code is a function of the result and a threshold (`--fail-on`), nothing else:
 * 0 when no cause is at or above it, 1 when one is. (2 is for usage and input errors.)
 */
import type { AnalysisResult, Severity } from '@runlog/rules';

export type FailOn = Severity | 'none';

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export function exitCodeFor(result: AnalysisResult, failOn: FailOn): 0 | 1 {
  if (failOn === 'none') return 0;
  return result.diagnosis.causes.some((c) => RANK[c.severity] >= RANK[failOn]) ? 1 : 0;
}

/**
 * The JSON report: the `AnalysisResult` contract, pretty-printed. Key order is the order the
 * result is built in, which is fixed, so the same input gives byte-identical output.
 */
import type { AnalysisResult } from '@runlog/rules';

export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * GitHub workflow-command annotations: one `::error` / `::warning` / `::notice` per cause, so a
 * workflow step that runs runlog on its own runner surfaces the causes in the run summary.
 */
import type { AnalysisResult, Severity } from '@runlog/rules';
import { workflowData, workflowProperty } from './escape.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(result: AnalysisResult): string {
  const lines: string[] = [];
  for (const cause of result.diagnosis.causes) {
    const title = `runlog: ${cause.title} (${cause.id})`;
    const fix = cause.remedy.temporary[0];
    const message = `${cause.summary}${fix === undefined ? '' : `\nFix now: ${fix}`}`;
    lines.push(`::${COMMAND[cause.severity]} title=${workflowProperty(title)}::${workflowData(message)}`);
  }
  if (lines.length === 0) {
    lines.push(`::notice title=${workflowProperty('runlog: no runner-side fault')}::${workflowData(result.diagnosis.headline)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The facts maintainers ask for first, as label/value pairs every format renders the same way.
 */
import type { AnalysisResult } from '@runlog/rules';

export interface FactRow {
  label: string;
  value: string;
}

export function versionText(result: AnalysisResult): string {
  const r = result.runner;
  if (r.version === null) return 'unknown';
  const s = r.versionStanding;
  if (s === null) return r.version;
  switch (s.standing) {
    case 'current':
      return `${r.version} (the latest release at the time of the logs)`;
    case 'grace':
      return `${r.version} (superseded by ${s.supersededBy?.version ?? '?'} ${s.daysSuperseded ?? 0} days before the logs; within the 30-day update window)`;
    case 'outdated':
      return `${r.version} (superseded by ${s.supersededBy?.version ?? '?'} on ${s.supersededBy?.date ?? '?'}, ${s.daysSuperseded ?? 0} days before the logs: past the 30-day update window)`;
    case 'unknown':
      return `${r.version}`;
  }
}

export function runnerFacts(result: AnalysisResult): FactRow[] {
  const r = result.runner;
  const files = result.inputs.files;
  const byKind = new Map<string, number>();
  for (const f of files) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].sort().map(([k, n]) => `${n} ${k}`).join(', ');
  const jobIds = result.jobs.map((j) => j.jobId).filter((id): id is string => id !== null);
  const rows: FactRow[] = [
    { label: 'Runner name', value: r.name ?? 'unknown (no settings dump in the logs)' },
    { label: 'Runner version', value: versionText(result) },
    { label: 'Operating system', value: [r.os, r.arch].filter((x) => x !== null).join(' ') || 'unknown' },
    { label: 'Server', value: r.serverUrl ?? 'unknown' },
    { label: 'Registered to', value: r.gitHubUrl ?? 'unknown' },
    { label: 'Flow', value: r.agent ? 'Azure Pipelines agent' : r.flow === 'broker' ? 'broker (v2)' : r.flow === 'v1' ? 'message queue (v1)' : 'unknown' },
    { label: 'Time window (UTC)', value: result.window.start === null ? 'unknown' : `${result.window.start} → ${result.window.end ?? '?'}` },
    { label: 'Files', value: `${files.length}${kinds ? ` (${kinds})` : ''}, ${result.stats.lines.toLocaleString('en-US')} lines` },
    { label: 'Jobs', value: jobIds.length === 0 ? `${result.jobs.length}` : `${result.jobs.length} (${jobIds.slice(0, 5).join(', ')}${jobIds.length > 5 ? ', …' : ''})` },
  ];
  if (r.ephemeral === true) rows.push({ label: 'Ephemeral', value: 'yes' });
  if (typeof r.proxy === 'string') rows.push({ label: 'Proxy', value: r.proxy });
  return rows;
}

export function verdictWord(result: AnalysisResult): string {
  switch (result.diagnosis.verdict) {
    case 'fault':
      return 'Fault found';
    case 'healthy':
      return 'Healthy';
    case 'inconclusive':
      return 'Inconclusive';
  }
}

/** Warnings the report must show before anything else (secrets in clear, damaged input). */
export function alerts(result: AnalysisResult): string[] {
  const out: string[] = [];
  if (result.runner.httpTrace) {
    out.push('These logs were written with HTTP tracing on (GITHUB_ACTIONS_RUNNER_HTTPTRACE): they can hold tokens and secrets in clear text. Do not share the raw logs; share a report made with --redact.');
  }
  if (result.runner.insecureTls) {
    out.push('The runner ran with TLS certificate validation turned off (GITHUB_ACTIONS_RUNNER_TLS_NO_VERIFY).');
  }
  return out;
}

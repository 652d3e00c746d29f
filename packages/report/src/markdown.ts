/**
 * The Markdown report, made for a GitHub issue or a support ticket: verdict and causes on top,
 * evidence in collapsible `<details>`, a Mermaid timeline, the facts maintainers ask for, and the
 * cause ids. At most 65,536 characters (GitHub's limit for one comment): evidence is trimmed
 * first, the verdict never.
 */
import type { AnalysisResult, Cause } from '@runlog/rules';
import { formatDuration } from '@runlog/rules';
import { codeBlock, escapeMarkdown, inlineCode, markdownTrusted, mermaidLabel, tableCode } from './escape.js';
import { alerts, runnerFacts, verdictWord } from './facts.js';
import type { RedactionCount } from './redact.js';
import { buildTimeline, type Tone } from './timeline.js';

export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Character budget (default 65,536). */
  maxLength?: number;
  /** Present when the report was redacted: what kinds of values were replaced. */
  redaction?: RedactionCount[];
}

/** How much detail each trimming level keeps. */
interface Detail {
  evidence: number;
  jobs: number;
  patterns: number;
  timeline: boolean;
  remedies: boolean;
  symptoms: number;
  causes: number;
}

const LEVELS: Detail[] = [
  { evidence: 12, jobs: 100, patterns: 30, timeline: true, remedies: true, symptoms: 10, causes: 30 },
  { evidence: 6, jobs: 40, patterns: 15, timeline: true, remedies: true, symptoms: 5, causes: 20 },
  { evidence: 3, jobs: 15, patterns: 5, timeline: true, remedies: true, symptoms: 3, causes: 12 },
  { evidence: 1, jobs: 5, patterns: 0, timeline: false, remedies: true, symptoms: 2, causes: 8 },
  { evidence: 0, jobs: 0, patterns: 0, timeline: false, remedies: false, symptoms: 0, causes: 5 },
];

export function formatMarkdown(result: AnalysisResult, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  for (const level of LEVELS) {
    const text = render(result, level, options, false);
    if (text.length <= limit) return text;
  }
  // Still too long (huge messages): cut the tail, keeping the verdict and a note.
  const text = render(result, LEVELS[LEVELS.length - 1]!, options, true);
  const note = '\n\n_Report truncated to fit the size limit; run runlog with `--format json` for everything._\n';
  if (text.length <= limit) return text;
  // Cut at a line end, so no table row, escape or entity is left half-written.
  const head = text.slice(0, Math.max(0, limit - note.length));
  const lineEnd = head.lastIndexOf('\n');
  return `${lineEnd > 0 ? head.slice(0, lineEnd) : head}${note}`;
}

function render(result: AnalysisResult, d: Detail, options: MarkdownOptions, trimmed: boolean): string {
  const out: string[] = [];
  const diag = result.diagnosis;
  out.push(`## runlog: ${escapeMarkdown(diag.headline)}`, '');
  out.push(`**Verdict: ${verdictWord(result)}** — ${escapeMarkdown(diag.headline)}.`);
  if (diag.causes.length > 0) {
    out.push(
      '',
      `Causes, first in the causal chain first: ${diag.causes
        .slice(0, d.causes)
        .map((c, i) => `${i + 1}. ${inlineCode(c.id)} (${c.severity})`)
        .join(' · ')}${diag.causes.length > d.causes ? ` · …and ${diag.causes.length - d.causes} more` : ''}`,
    );
  }
  for (const alert of alerts(result)) out.push('', `> [!WARNING]\n> ${escapeMarkdown(alert)}`);
  if (options.redaction !== undefined) {
    const kinds = describeRedaction(options.redaction);
    out.push('', `_Redacted for sharing: ${kinds}. Ids, times, versions, HTTP statuses and exception types are kept._`);
  }

  out.push('', '### Runner', '', '| | |', '| --- | --- |');
  for (const row of runnerFacts(result)) out.push(`| ${escapeMarkdown(row.label)} | ${escapeMarkdown(row.value)} |`);

  diag.causes.slice(0, d.causes).forEach((cause, i) => out.push('', ...renderCause(cause, i + 1, d)));
  if (diag.causes.length > d.causes) out.push('', `_${diag.causes.length - d.causes} more cause(s) not shown; see the JSON report._`);

  if (diag.verdict !== 'fault') {
    out.push('', '### What the logs show working', '');
    if (diag.working.length === 0) out.push('- Nothing that shows the runner talking to GitHub.');
    for (const w of diag.working) out.push(`- ${escapeMarkdown(w)}`);
  }

  if (d.timeline) {
    const mermaid = renderMermaid(result);
    if (mermaid !== null) out.push('', '### Timeline (UTC)', '', mermaid);
  }

  if (d.jobs > 0 && result.jobs.length > 0) {
    out.push('', '### Jobs', '', '| Job id | Request | Name | Result | Worker exit | Worker log | Start | End |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    const jobs = result.jobs.slice(-d.jobs);
    for (const j of jobs) {
      out.push(
        `| ${cell(j.jobId)} | ${cell(j.requestId)} | ${cell(j.name)} | ${cell(j.result)} | ${cell(j.workerExitCode === null ? null : String(j.workerExitCode))} | ${cell(j.workerFile === null ? null : baseName(j.workerFile))} | ${cell(j.start)} | ${cell(j.end)} |`,
      );
    }
    if (result.jobs.length > jobs.length) out.push('', `_${result.jobs.length - jobs.length} earlier job(s) not shown._`);
  }

  if (d.patterns > 0 && result.unrecognized.length > 0) {
    out.push('', '### Errors and warnings no rule explains', '', '| Count | Level | Component | Pattern | First seen |', '| ---: | --- | --- | --- | --- |');
    for (const p of result.unrecognized.slice(0, d.patterns)) {
      out.push(`| ${p.count} | ${p.level} | ${escapeMarkdown(p.component)} | ${tableCode(p.template.slice(0, 200))} | ${cell(p.firstSeen)} |`);
    }
    if (result.unrecognized.length > d.patterns) out.push('', `_${result.unrecognized.length - d.patterns} more pattern(s) in the JSON report._`);
  }

  const notes = [...diag.coverage.notes, ...diag.notVisible];
  if (notes.length > 0) {
    out.push('', '### What these logs cannot show', '');
    for (const n of notes) out.push(`- ${escapeMarkdown(n)}`);
  }
  if (result.inputs.warnings.length > 0) {
    out.push('', '### Input warnings', '');
    for (const w of result.inputs.warnings.slice(0, 20)) out.push(`- ${inlineCode(baseName(w.path))}: ${escapeMarkdown(w.message)}`);
    if (result.inputs.warnings.length > 20) out.push(`- …and ${result.inputs.warnings.length - 20} more`);
  }
  out.push('', `<sub>runlog ${escapeMarkdown(result.tool.version)} · schema ${result.schemaVersion} · ${result.stats.rules} rules${trimmed ? ' · trimmed to fit' : ''}</sub>`, '');
  return out.join('\n');
}

function renderCause(cause: Cause, rank: number, d: Detail): string[] {
  const out: string[] = [];
  out.push(`### ${rank}. ${escapeMarkdown(cause.title)} — ${inlineCode(cause.id)}`, '');
  const when = cause.firstSeen === null ? '' : ` · first seen ${cause.firstSeen}${cause.lastSeen !== null && cause.lastSeen !== cause.firstSeen ? ` · last seen ${cause.lastSeen}` : ''}`;
  out.push(`**${cause.severity}** · confidence **${cause.confidence.level}** (${escapeMarkdown(cause.confidence.reason)}) · ${cause.count} occurrence(s)${when}`, '');
  out.push(escapeMarkdown(cause.summary));
  for (const extra of cause.details.slice(1, 4)) out.push('', escapeMarkdown(extra));
  if (cause.episodes.length > 0) {
    out.push('', 'Episodes:');
    for (const ep of cause.episodes.slice(0, 10)) {
      const duration = ep.durationSeconds === null ? '' : `, ${formatDuration(ep.durationSeconds)}`;
      out.push(`- ${ep.start ?? '?'} → ${ep.end ?? '?'} (${ep.count} event(s)${duration}, ${ep.outcome === 'recovered' ? 'recovered by itself' : ep.outcome === 'ongoing' ? 'still failing at the end of the log' : 'ended'})`);
    }
    if (cause.episodes.length > 10) out.push(`- …and ${cause.episodes.length - 10} more`);
  }
  if (d.symptoms > 0 && cause.symptoms.length > 0) {
    out.push('', 'It led to:');
    for (const s of cause.symptoms.slice(0, d.symptoms)) out.push(`- ${inlineCode(s.id)}: ${escapeMarkdown(s.summary)}`);
  }
  if (d.remedies) {
    out.push('', '**Fix now:**');
    for (const r of cause.remedy.temporary) out.push(`- ${markdownTrusted(r)}`);
    out.push('', '**Fix for good:**');
    for (const r of cause.remedy.permanent) out.push(`- ${markdownTrusted(r)}`);
    if (cause.remedy.prevention.length > 0) {
      out.push('', '**Prevent it:**');
      for (const r of cause.remedy.prevention) out.push(`- ${markdownTrusted(r)}`);
    }
    // Documentation links come from runlog's own rule metadata, never from log text.
    const docs = cause.remedy.docs.filter((u) => /^https:\/\/[A-Za-z0-9./#?=&_%-]+$/.test(u));
    if (docs.length > 0) out.push('', `Docs: ${docs.map((u) => `<${u}>`).join(' · ')}`);
  }
  if (d.evidence > 0 && cause.evidence.length > 0) {
    const shown = cause.evidence.slice(0, d.evidence);
    const omitted = cause.evidenceOmitted + (cause.evidence.length - shown.length);
    const lines = shown.map((e) => `${baseName(e.file)}:${e.line}${e.role === 'context' ? ' (context)' : ''}  ${e.excerpt}`);
    out.push(
      '',
      `<details><summary>Evidence: ${shown.length} line(s)${omitted > 0 ? `, ${omitted} more not shown` : ''}</summary>`,
      '',
      codeBlock(lines.join('\n')),
      '',
      '</details>',
    );
  }
  return out;
}

const GANTT_TAG: Record<Tone, string> = {
  ok: 'done, ',
  bad: 'crit, ',
  warn: 'active, ',
  info: '',
  'job-ok': 'done, ',
  'job-fail': 'crit, ',
  'job-other': '',
};

function renderMermaid(result: AnalysisResult): string | null {
  const t = buildTimeline(result);
  if (t === null) return null;
  const lines = ['```mermaid', 'gantt', '  dateFormat YYYY-MM-DDTHH:mm:ss', '  axisFormat %m-%d %H:%M', '  todayMarker off'];
  let n = 0;
  for (const lane of t.lanes) {
    lines.push(`  section ${mermaidLabel(lane.label)}`);
    for (const s of lane.segments.slice(0, 60)) {
      n++;
      const start = new Date(s.start).toISOString().slice(0, 19);
      const end = new Date(Math.max(s.end, s.start + 1000)).toISOString().slice(0, 19);
      lines.push(`  ${mermaidLabel(s.label)} :${GANTT_TAG[s.tone]}t${n}, ${start}, ${end}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

const CATEGORY_WORDS: Record<RedactionCount['category'], [string, string]> = {
  token: ['token', 'tokens'],
  credential: ['URL credential', 'URL credentials'],
  tenant: ['service tenant id', 'service tenant ids'],
  organization: ['organisation', 'organisations'],
  repository: ['repository', 'repositories'],
  runner: ['runner name', 'runner names'],
  host: ['host name', 'host names'],
  ip: ['IP address', 'IP addresses'],
  email: ['e-mail address', 'e-mail addresses'],
  user: ['user name', 'user names'],
};

/** `2 host names, 1 token (5 replacements)` */
export function describeRedaction(counts: readonly RedactionCount[]): string {
  if (counts.length === 0) return 'nothing needed replacing';
  const total = counts.reduce((n, c) => n + c.replacements, 0);
  return `${counts.map((c) => `${c.values} ${CATEGORY_WORDS[c.category][c.values === 1 ? 0 : 1]}`).join(', ')} (${total} replacements)`;
}

function cell(value: string | null): string {
  return value === null ? '—' : escapeMarkdown(value);
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'), path.lastIndexOf('!'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * The HTML report: one self-contained file (no network, no scripts, no external fonts; a
 * Content-Security-Policy forbids them outright), with an inline SVG timeline and tables, and
 * readable when printed. Every piece of log text goes through `escapeHtml`.
 */
import type { AnalysisResult, Cause } from '@runlog/rules';
import { formatDuration } from '@runlog/rules';
import { escapeHtml } from './escape.js';
import { alerts, runnerFacts, verdictWord } from './facts.js';
import { describeRedaction } from './markdown.js';
import type { RedactionCount } from './redact.js';
import { buildTimeline, isoMinute, type Timeline, type Tone } from './timeline.js';

export interface HtmlOptions {
  redaction?: RedactionCount[];
}

const e = escapeHtml;

const STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
  --error:#cf222e; --warning:#9a6700; --info:#0969da; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.verdict { font-size: 16px; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--soft); }
.verdict.fault { border-color: var(--error); } .verdict.healthy { border-color: var(--ok); }
.alert { border: 1px solid var(--warning); background: #fff8c5; padding: 8px 12px; border-radius: 6px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.facts-label { width: 180px; color: var(--muted); }
.cause { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px; padding: 12px 16px; margin: 14px 0; break-inside: avoid; }
.cause.error { border-left-color: var(--error); } .cause.warning { border-left-color: var(--warning); }
.badge { display: inline-block; font-size: 12px; padding: 0 8px; border-radius: 10px; border: 1px solid var(--line); margin-right: 6px; }
.badge.error { color: #fff; background: var(--error); border-color: var(--error); }
.badge.warning { color: #fff; background: var(--warning); border-color: var(--warning); }
.badge.info { color: #fff; background: var(--info); border-color: var(--info); }
.meta { color: var(--muted); font-size: 13px; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--soft); padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.remedy h4 { margin: 10px 0 2px; font-size: 14px; }
ul { margin: 4px 0; padding-left: 22px; }
svg { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { max-width: none; padding: 0; } details { display: block; } details > summary { list-style: none; }
  details:not([open]) > *:not(summary) { display: block; } .cause, table, svg { break-inside: avoid; } }
@media print { details::details-content { content-visibility: visible; display: block; } }
`;

export function formatHtml(result: AnalysisResult, options: HtmlOptions = {}): string {
  const diag = result.diagnosis;
  const body: string[] = [];
  body.push(`<h1>runlog report</h1>`);
  body.push(
    `<p class="verdict ${diag.verdict}" id="verdict"><strong>${e(verdictWord(result))}</strong> — ${e(diag.headline)}</p>`,
  );
  for (const a of alerts(result)) body.push(`<p class="alert" role="alert">${e(a)}</p>`);
  if (options.redaction !== undefined) {
    body.push(`<p class="meta">Redacted for sharing: ${e(describeRedaction(options.redaction))}. Ids, times, versions, HTTP statuses and exception types are kept.</p>`);
  }

  body.push('<h2>Causes</h2>');
  if (diag.causes.length === 0) body.push('<p>No cause found.</p>');
  diag.causes.forEach((c, i) => body.push(renderCause(c, i + 1)));
  if (diag.verdict !== 'fault') {
    body.push('<h2>What the logs show working</h2><ul>');
    for (const w of diag.working) body.push(`<li>${e(w)}</li>`);
    if (diag.working.length === 0) body.push('<li>Nothing that shows the runner talking to GitHub.</li>');
    body.push('</ul>');
  }

  const timeline = buildTimeline(result);
  if (timeline !== null) body.push('<h2>Timeline (UTC)</h2>', renderSvg(timeline));

  body.push('<h2>Runner</h2><table class="facts">');
  for (const row of runnerFacts(result)) body.push(`<tr><td class="facts-label">${e(row.label)}</td><td>${e(row.value)}</td></tr>`);
  body.push('</table>');

  if (result.jobs.length > 0) {
    body.push('<h2>Jobs</h2><table><tr><th>Job id</th><th>Request</th><th>Name</th><th>Result</th><th>Worker exit</th><th>Worker log</th><th>Start</th><th>End</th></tr>');
    for (const j of result.jobs.slice(-500)) {
      body.push(
        `<tr><td>${cell(j.jobId)}</td><td>${cell(j.requestId)}</td><td>${cell(j.name)}</td><td>${cell(j.result)}</td><td>${cell(j.workerExitCode === null ? null : String(j.workerExitCode))}</td><td>${cell(j.workerFile)}</td><td>${cell(j.start)}</td><td>${cell(j.end)}</td></tr>`,
      );
    }
    body.push('</table>');
  }

  if (result.unrecognized.length > 0) {
    body.push('<h2>Errors and warnings no rule explains</h2><table><tr><th>Count</th><th>Level</th><th>Component</th><th>Pattern</th><th>First seen</th></tr>');
    for (const p of result.unrecognized.slice(0, 100)) {
      body.push(`<tr><td>${p.count}</td><td>${e(p.level)}</td><td>${e(p.component)}</td><td><code>${e(p.template)}</code></td><td>${cell(p.firstSeen)}</td></tr>`);
    }
    body.push('</table>');
  }

  body.push('<h2>What these logs cannot show</h2><ul>');
  for (const n of [...diag.coverage.notes, ...diag.notVisible]) body.push(`<li>${e(n)}</li>`);
  body.push('</ul>');
  if (result.inputs.warnings.length > 0) {
    body.push('<h2>Input warnings</h2><ul>');
    for (const w of result.inputs.warnings) body.push(`<li><code>${e(w.path)}</code>: ${e(w.message)}</li>`);
    body.push('</ul>');
  }
  body.push(`<footer>runlog ${e(result.tool.version)} · schema ${result.schemaVersion} · ${result.stats.rules} rules · ${result.stats.files} files · ${result.stats.lines} lines</footer>`);

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>runlog: ${e(diag.headline)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderCause(c: Cause, rank: number): string {
  const parts: string[] = [];
  parts.push(`<section class="cause ${c.severity}" id="cause-${rank}" data-cause="${e(c.id)}">`);
  parts.push(`<h3>${rank}. ${e(c.title)}</h3>`);
  parts.push(
    `<p class="meta"><span class="badge ${c.severity}">${c.severity}</span><code>${e(c.id)}</code> · confidence ${e(c.confidence.level)} (${e(c.confidence.reason)}) · ${c.count} occurrence(s)${c.firstSeen === null ? '' : ` · ${e(c.firstSeen)} → ${e(c.lastSeen ?? '?')}`}</p>`,
  );
  parts.push(`<p>${e(c.summary)}</p>`);
  for (const d of c.details.slice(1, 4)) parts.push(`<p>${e(d)}</p>`);
  if (c.episodes.length > 0) {
    parts.push('<p class="meta">Episodes:</p><ul>');
    for (const ep of c.episodes.slice(0, 20)) {
      parts.push(`<li>${e(ep.start ?? '?')} → ${e(ep.end ?? '?')} (${ep.count} event(s)${ep.durationSeconds === null ? '' : `, ${formatDuration(ep.durationSeconds)}`}, ${ep.outcome})</li>`);
    }
    parts.push('</ul>');
  }
  if (c.symptoms.length > 0) {
    parts.push('<p class="meta">It led to:</p><ul>');
    for (const s of c.symptoms) parts.push(`<li><code>${e(s.id)}</code>: ${e(s.summary)}</li>`);
    parts.push('</ul>');
  }
  parts.push('<div class="remedy">');
  parts.push('<h4>Fix now</h4><ul>', ...c.remedy.temporary.map((r) => `<li>${e(r)}</li>`), '</ul>');
  parts.push('<h4>Fix for good</h4><ul>', ...c.remedy.permanent.map((r) => `<li>${e(r)}</li>`), '</ul>');
  if (c.remedy.prevention.length > 0) parts.push('<h4>Prevent it</h4><ul>', ...c.remedy.prevention.map((r) => `<li>${e(r)}</li>`), '</ul>');
  // Links only from runlog's own metadata (https, no scripts); log text is never a link.
  const docs = c.remedy.docs.filter((u) => /^https:\/\/[A-Za-z0-9./#?=&_%-]+$/.test(u));
  if (docs.length > 0) parts.push(`<p class="meta">Docs: ${docs.map((u) => `<a href="${e(u)}" rel="noreferrer">${e(u)}</a>`).join(' · ')}</p>`);
  parts.push('</div>');
  if (c.evidence.length > 0) {
    const lines = c.evidence.map((ev) => `${ev.file}:${ev.line}${ev.role === 'context' ? ' (context)' : ''}  ${ev.excerpt}`);
    parts.push(
      `<details><summary>Evidence: ${c.evidence.length} line(s)${c.evidenceOmitted > 0 ? `, ${c.evidenceOmitted} more not shown` : ''}</summary><pre>${e(lines.join('\n'))}</pre></details>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

const FILL: Record<Tone, string> = {
  ok: '#1a7f37',
  bad: '#cf222e',
  warn: '#bf8700',
  info: '#0969da',
  'job-ok': '#54aeff',
  'job-fail': '#ff8182',
  'job-other': '#8c959f',
};

function renderSvg(t: Timeline): string {
  const width = 1000;
  const labelW = 230;
  const laneH = 24;
  const top = 28;
  const plotW = width - labelW - 16;
  const height = top + t.lanes.length * laneH + 10;
  const x = (ms: number): number => labelW + ((ms - t.start) / (t.end - t.start)) * plotW;
  const out: string[] = [];
  out.push(`<svg id="timeline" role="img" aria-label="Timeline" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">`);
  const ticks = 4; // a tick label is ~100 units wide: 4 intervals keep the first and last clear of their neighbours
  for (let i = 0; i <= ticks; i++) {
    const ms = t.start + ((t.end - t.start) * i) / ticks;
    const px = x(ms).toFixed(1);
    out.push(`<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${height - 6}" stroke="#d1d9e0"/>`);
    const anchor = i === 0 ? 'start' : i === ticks ? 'end' : 'middle';
    out.push(`<text x="${px}" y="14" text-anchor="${anchor}" fill="#59636e">${e(isoMinute(ms))}</text>`);
  }
  t.lanes.forEach((lane, i) => {
    const y = top + i * laneH;
    const label = lane.label.length > 36 ? `${lane.label.slice(0, 35)}…` : lane.label;
    out.push(`<text x="6" y="${y + 15}" fill="#1f2328"><title>${e(lane.label)}</title>${e(label)}</text>`);
    for (const s of lane.segments) {
      const x1 = x(s.start);
      const w = Math.max(2, x(s.end) - x1);
      out.push(
        `<rect class="segment" x="${x1.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${laneH - 8}" rx="2" fill="${FILL[s.tone]}"><title>${e(`${s.label}: ${isoMinute(s.start)} → ${isoMinute(s.end)}`)}</title></rect>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('\n');
}

function cell(v: string | null): string {
  return v === null ? '—' : e(v);
}

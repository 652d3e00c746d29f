/**
 * The terminal report: the verdict first, in one line; then each cause, ranked, with severity,
 * confidence, first/last seen, count, evidence lines and the remedy; a timeline of episodes
 * drawn in text; the runner's facts; the jobs; the unrecognised patterns. Fits the width;
 * without colour (piped, NO_COLOR) it is plain text. Log text is stripped of control sequences.
 */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { AnalysisResult, Cause, Severity } from '@runlog/rules';
import { formatDuration } from '@runlog/rules';
import { alerts, buildTimeline, isoMinute, runnerFacts, stripControl, verdictWord, type Tone } from '@runlog/report';

export interface TerminalOptions {
  chalk: ChalkInstance;
  color: boolean;
  /** Columns available (default 100). */
  width?: number;
  /** Evidence lines per cause (default 8). */
  evidence?: number;
  redactionNote?: string | null;
}

const clean = stripControl;

export function formatTerminal(result: AnalysisResult, options: TerminalOptions): string {
  const c = options.chalk;
  const width = Math.max(60, Math.min(options.width ?? 100, 200));
  const out: string[] = [];
  const diag = result.diagnosis;
  const verdictColor = diag.verdict === 'fault' ? c.red.bold : diag.verdict === 'healthy' ? c.green.bold : c.yellow.bold;
  out.push(`${verdictColor(verdictWord(result).toUpperCase())}: ${clean(diag.headline)}`);
  for (const a of alerts(result)) out.push(c.yellow.bold(`! ${wrap(clean(a), width - 2).join('\n  ')}`));
  if (options.redactionNote) out.push(c.dim(options.redactionNote));
  out.push('');

  diag.causes.forEach((cause, i) => out.push(...renderCause(cause, i + 1, width, options), ''));
  if (diag.verdict !== 'fault') {
    out.push(c.bold('Seen working:'));
    if (diag.working.length === 0) out.push('  nothing that shows the runner talking to GitHub');
    for (const w of diag.working) out.push(`  ${c.green('✓')} ${clean(w)}`);
    out.push('');
  }

  const timeline = renderTimeline(result, width, options);
  if (timeline.length > 0) out.push(...timeline, '');

  out.push(c.bold('Runner'));
  out.push(table(runnerFacts(result).map((r) => [r.label, clean(r.value)]), null, width, options));
  out.push('');

  if (result.jobs.length > 0) {
    const jobs = result.jobs.slice(-20);
    out.push(c.bold(`Jobs${result.jobs.length > jobs.length ? ` (last ${jobs.length} of ${result.jobs.length})` : ''}`));
    out.push(
      table(
        jobs.map((j) => [j.name ?? '—', j.result ?? '—', j.workerExitCode === null ? '—' : String(j.workerExitCode), j.start ?? '—', j.jobId ?? '—'].map(clean)),
        ['Name', 'Result', 'Exit', 'Start (UTC)', 'Job id'],
        width,
        options,
      ),
    );
    out.push('');
  }

  if (result.unrecognized.length > 0) {
    const shown = result.unrecognized.slice(0, 10);
    out.push(c.bold('Errors and warnings no rule explains'));
    out.push(
      table(
        shown.map((p) => [String(p.count), p.level, clean(p.component), clean(p.template)]),
        ['Count', 'Level', 'Component', 'Pattern'],
        width,
        options,
      ),
    );
    if (result.unrecognized.length > shown.length) out.push(c.dim(`  …${result.unrecognized.length - shown.length} more in --format json`));
    out.push('');
  }

  const notes = diag.coverage.notes;
  if (notes.length > 0) {
    out.push(c.bold('Coverage'));
    for (const n of notes) out.push(...wrap(clean(n), width - 4).map((l, k) => `${k === 0 ? '  - ' : '    '}${l}`));
    out.push('');
  }
  for (const w of result.inputs.warnings.slice(0, 10)) out.push(c.yellow(`warning: ${clean(w.path)}: ${clean(w.message)}`));
  // Trailing blank lines dropped by hand: `/\n+$/` retries at every newline of a run (recheck: polynomial).
  const text = out.join('\n');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return `${text.slice(0, end)}\n`;
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function renderCause(cause: Cause, rank: number, width: number, o: TerminalOptions): string[] {
  const c = o.chalk;
  const sev = cause.severity === 'error' ? c.red.bold : cause.severity === 'warning' ? c.yellow.bold : c.blue.bold;
  const out: string[] = [];
  const indent = '    ';
  out.push(`${String(rank).padStart(2)}. ${sev(SEVERITY_LABEL[cause.severity])}  ${c.bold(clean(cause.title))}  ${c.dim(`[${cause.id}]`)}`);
  const when = cause.firstSeen === null ? '' : ` · ${cause.firstSeen}${cause.lastSeen !== null && cause.lastSeen !== cause.firstSeen ? ` → ${cause.lastSeen}` : ''}`;
  out.push(...wrap(`confidence ${cause.confidence.level}: ${clean(cause.confidence.reason)} · ${cause.count} occurrence(s)${when}`, width - 4).map((l) => indent + c.dim(l)));
  out.push(...wrap(clean(cause.summary), width - 4).map((l) => indent + l));
  if (cause.episodes.length > 0) {
    out.push(`${indent}${c.bold('Episodes:')}`);
    for (const ep of cause.episodes.slice(0, 5)) {
      const outcome = ep.outcome === 'recovered' ? c.green('recovered by itself') : ep.outcome === 'ongoing' ? c.red('still failing at the end of the log') : 'ended';
      out.push(`${indent}  ${ep.start ?? '?'} → ${ep.end ?? '?'} (${ep.durationSeconds === null ? '?' : formatDuration(ep.durationSeconds)}, ${ep.count} event(s), ${outcome})`);
    }
    if (cause.episodes.length > 5) out.push(`${indent}  …${cause.episodes.length - 5} more`);
  }
  if (cause.symptoms.length > 0) {
    out.push(`${indent}${c.bold('It led to:')}`);
    for (const s of cause.symptoms) out.push(...wrap(`${s.id}: ${clean(s.summary)}`, width - 8).map((l, k) => `${indent}${k === 0 ? '  → ' : '    '}${l}`));
  }
  const evidence = cause.evidence.slice(0, o.evidence ?? 8);
  if (evidence.length > 0) {
    out.push(`${indent}${c.bold('Evidence:')}`);
    for (const ev of evidence) {
      // The location on its own line, then the logged line wrapped (at most three lines).
      out.push(`${indent}  ${c.dim(`${baseName(ev.file)}:${ev.line}${ev.role === 'context' ? ' (context)' : ''}`)}`);
      const lines = wrap(clean(ev.excerpt), width - 8);
      const shown = lines.length > 3 ? [...lines.slice(0, 2), `${lines[2]!.slice(0, width - 10)}…`] : lines;
      for (const l of shown) out.push(`${indent}    ${ev.role === 'context' ? c.dim(l) : l}`);
    }
    const more = cause.evidenceOmitted + (cause.evidence.length - evidence.length);
    if (more > 0) out.push(c.dim(`${indent}  …${more} more line(s) in --format json`));
  }
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    out.push(`${indent}${c.bold(title)}`);
    for (const item of items) out.push(...wrap(item, width - 8).map((l, k) => `${indent}${k === 0 ? '  • ' : '    '}${l}`));
  };
  list('Fix now:', cause.remedy.temporary);
  list('Fix for good:', cause.remedy.permanent);
  list('Prevent it:', cause.remedy.prevention);
  if (cause.remedy.docs.length > 0) out.push(`${indent}${c.dim(`Docs: ${cause.remedy.docs.join('  ')}`)}`);
  return out;
}

const GLYPH: Record<Tone, [string, string]> = {
  // [with colour (block), without colour (ASCII)]
  ok: ['━', '='],
  bad: ['█', '#'],
  warn: ['▓', '~'],
  info: ['░', '.'],
  'job-ok': ['▮', 'j'],
  'job-fail': ['▮', 'J'],
  'job-other': ['▯', 'j'],
};

function renderTimeline(result: AnalysisResult, width: number, o: TerminalOptions): string[] {
  const t = buildTimeline(result);
  if (t === null) return [];
  const c = o.chalk;
  const labelW = Math.min(26, Math.max(10, Math.floor(width * 0.25)));
  const plotW = width - labelW - 3;
  const tone = (s: Tone, text: string): string => {
    if (!o.color) return text;
    switch (s) {
      case 'ok':
      case 'job-ok':
        return c.green(text);
      case 'bad':
      case 'job-fail':
        return c.red(text);
      case 'warn':
        return c.yellow(text);
      case 'info':
      case 'job-other':
        return c.blue(text);
    }
  };
  const out: string[] = [c.bold('Timeline (UTC)')];
  const left = isoMinute(t.start);
  const right = isoMinute(t.end);
  out.push(`${' '.repeat(labelW + 3)}${left}${' '.repeat(Math.max(1, plotW - left.length - right.length))}${right}`);
  for (const lane of t.lanes.slice(0, 12)) {
    const cells: (Tone | null)[] = new Array<Tone | null>(plotW).fill(null);
    for (const s of lane.segments) {
      const a = Math.floor(((s.start - t.start) / (t.end - t.start)) * (plotW - 1));
      const b = Math.max(a, Math.floor(((s.end - t.start) / (t.end - t.start)) * (plotW - 1)));
      for (let i = Math.max(0, a); i <= Math.min(plotW - 1, b); i++) {
        // A failure wins over "connected" in the same cell.
        if (cells[i] === null || cells[i] === 'ok') cells[i] = s.tone;
      }
    }
    let row = '';
    for (const cell of cells) row += cell === null ? ' ' : tone(cell, GLYPH[cell][o.color ? 0 : 1]);
    const label = clean(lane.id === 'runner' || lane.id === 'jobs' ? lane.label : lane.id);
    out.push(` ${label.length > labelW ? `${label.slice(0, labelW - 1)}…` : label.padEnd(labelW)} │${row}`);
  }
  const legend = o.color ? 'connected ━  failing █  degraded ▓  info ░  job ▮' : 'connected =  failing #  degraded ~  info .  job j (J failed)';
  out.push(c.dim(`${' '.repeat(labelW + 3)}${legend}`));
  return out;
}

function table(rows: string[][], head: string[] | null, width: number, o: TerminalOptions): string {
  const t = new Table({
    ...(head === null ? {} : { head }),
    // cli-table3 colours headers and borders by default: only when colour is on.
    style: { head: o.color ? ['cyan'] : [], border: o.color ? ['grey'] : [], compact: true },
    wordWrap: true,
    wrapOnWordBoundary: false,
    colWidths: columnWidths(rows, head, width),
  });
  for (const r of rows) t.push(r);
  return t.toString();
}

/** Natural widths, then the widest column gives way first until the table fits. */
function columnWidths(rows: string[][], head: string[] | null, width: number): number[] {
  const n = Math.max(head?.length ?? 0, ...rows.map((r) => r.length));
  const widths = new Array<number>(n).fill(4);
  for (const r of [...rows, ...(head === null ? [] : [head])]) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i]!, Math.min(80, cell.length + 2));
    });
  }
  const budget = width - (n + 1);
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > budget) {
    let widest = 0;
    for (let i = 1; i < n; i++) if (widths[i]! > widths[widest]!) widest = i;
    if (widths[widest]! <= 6) break;
    widths[widest]!--;
    total--;
  }
  return widths;
}

/** Word wrap that never breaks inside a word shorter than the width. */
export function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (let w of words) {
    while (w.length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (line.length === 0) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'), path.lastIndexOf('!'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * Safety checks on rendered reports, shared by the report and CLI tests: what hostile log text
 * must never achieve in each format. Each check throws with the offending piece of output.
 */
import { RULES } from '@runlog/rules';

/** Control characters no report may carry (tab and newline are fine; ESC is checked apart). */
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Every documentation link runlog's own rule metadata carries. */
export const DOC_URLS: ReadonlySet<string> = new Set(RULES.flatMap((r) => r.meta.remedy.docs));

function fail(what: string, text: string, at: number): never {
  const from = Math.max(0, at - 80);
  throw new Error(`${what} at ${at}: ${JSON.stringify(text.slice(from, at + 120))}`);
}

function noControls(text: string, what: string): void {
  const m = FORBIDDEN_CONTROLS.exec(text);
  if (m !== null) fail(`${what}: control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`, text, m.index);
}

// ── Markdown ───────────────────────────────────────────────────────────────────────────

/** The language tags of runlog's own fenced blocks. */
const OWN_FENCE_INFO = new Set(['text', 'mermaid']);

/** Removes inline code spans (a run of N backticks up to the next run of exactly N). */
export function stripCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`' || (i > 0 && line[i - 1] === '\\')) {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n++;
    // Find the closing run of exactly n backticks.
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      if (line[j] === '`') {
        let m = 0;
        while (line[j + m] === '`') m++;
        if (m === n) {
          close = j;
          break;
        }
        j += m;
      } else {
        j++;
      }
    }
    if (close < 0) {
      out += line.slice(i, i + n);
      i += n;
    } else {
      out += '`code`';
      i = close + n;
    }
  }
  return out;
}

/** The Markdown outside runlog's fenced code blocks and inline code spans (see `outsideFences`). */
export function markdownProse(md: string): string[] {
  return outsideFences(md).map(stripCodeSpans);
}

/**
 * The lines outside runlog's fenced code blocks. Throws when a fence that is not runlog's own
 * opens a block, or when a line inside a block would close it early.
 */
export function outsideFences(md: string): string[] {
  const prose: string[] = [];
  let fence: string | null = null;
  md.split('\n').forEach((line, index) => {
    const run = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence === null) {
      if (run !== null) {
        if (run[1]![0] !== '`' || !OWN_FENCE_INFO.has(run[2]!)) throw new Error(`line ${index + 1}: a fence that is not runlog's own: ${JSON.stringify(line)}`);
        fence = run[1]!;
        return;
      }
      prose.push(line);
      return;
    }
    if (run !== null && run[1]![0] === fence[0] && run[1]!.length >= fence.length) {
      if (run[2]!.trim() !== '' || line !== fence) throw new Error(`line ${index + 1}: closes runlog's code block early: ${JSON.stringify(line)}`);
      fence = null;
    }
  });
  if (fence !== null) throw new Error('a code block is never closed');
  return prose;
}

/** Unescaped `|` in a table row (a backslash escapes it, even inside a code span). */
function cellSeparators(row: string): number {
  let n = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] !== '|') continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && row[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) n++;
  }
  return n;
}

export function assertMarkdownSafe(md: string): void {
  noControls(md, 'markdown');
  if (md.includes('\u001b')) fail('markdown: ESC', md, md.indexOf('\u001b'));
  const prose = markdownProse(md);
  const text = prose.join('\n');
  const tag = /<\/?([A-Za-z][A-Za-z0-9-]*)[^>]*>?/g;
  for (const m of text.matchAll(tag)) {
    const name = m[1]!.toLowerCase();
    if (['details', 'summary', 'sub'].includes(name)) continue;
    const autolink = /^<(https:\/\/[^\s<>]+)>$/.exec(m[0]);
    if (autolink !== null && DOC_URLS.has(autolink[1]!)) continue;
    fail(`markdown: raw HTML or autolink ${JSON.stringify(m[0])}`, text, m.index!);
  }
  const script = /<script/i.exec(text);
  if (script !== null) fail('markdown: <script', text, script.index);
  // A link needs `](` with the `]` not backslash-escaped; runlog writes no such links itself.
  for (const m of text.matchAll(/(\\*)\]\(/g)) {
    if (m[1]!.length % 2 === 0) fail('markdown: a link can form', text, m.index!);
  }
  const open = (text.match(/<details>/g) ?? []).length;
  const close = (text.match(/<\/details>/g) ?? []).length;
  if (open !== close) throw new Error(`markdown: ${open} <details> but ${close} </details>`);
  // Every row of a table has as many cells as its header.
  let header: number | null = null;
  for (const line of outsideFences(md)) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const n = cellSeparators(line);
    if (header === null) header = n;
    else if (n !== header) throw new Error(`markdown: a table row has ${n - 1} cells, its header ${header - 1}: ${JSON.stringify(line.slice(0, 300))}`);
  }
}

// ── HTML ───────────────────────────────────────────────────────────────────────────────

const HTML_TAGS = new Set([
  '!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'h4', 'p', 'strong', 'section', 'span', 'code', 'ul',
  'li', 'div', 'a', 'details', 'summary', 'pre', 'svg', 'line', 'text', 'rect', 'table', 'tr', 'td', 'th', 'footer',
]);

export function assertHtmlSafe(html: string): void {
  noControls(html, 'html');
  if (html.includes('\u001b')) fail('html: ESC', html, html.indexOf('\u001b'));
  if (!html.startsWith('<!DOCTYPE html>')) throw new Error('html: no doctype');
  if (!/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*">/.test(html)) throw new Error('html: no CSP');
  for (const bad of [/<script/i, /<img/i, /<iframe/i, /<object/i, /<embed/i, /<form/i, /<link/i, /<base/i]) {
    const m = bad.exec(html);
    if (m !== null) fail(`html: ${bad.source}`, html, m.index);
  }
  for (const m of html.matchAll(/<(\/?)([!A-Za-z][A-Za-z0-9-]*)([^>]*)>/g)) {
    const name = m[2]!.toLowerCase();
    const attrs = m[3]!;
    if (!HTML_TAGS.has(name)) fail(`html: unexpected tag <${name}>`, html, m.index!);
    if (/\son[a-z]+\s*=/i.test(attrs)) fail('html: event handler attribute', html, m.index!);
    if (/javascript:/i.test(attrs)) fail('html: javascript: in an attribute', html, m.index!);
    if (/\s(src|srcdoc|formaction|xlink:href|action)\s*=/i.test(attrs)) fail('html: a fetching attribute', html, m.index!);
    const href = /\shref="([^"]*)"/.exec(attrs);
    if (href !== null) {
      if (name !== 'a') fail('html: href outside <a>', html, m.index!);
      const url = href[1]!.replace(/&amp;/g, '&');
      if (!url.startsWith('https://') || !DOC_URLS.has(url)) fail(`html: a link that is not runlog's own docs: ${url}`, html, m.index!);
    } else if (name === 'a' && m[1] === '') {
      fail('html: <a> without href', html, m.index!);
    }
  }
}

// ── GitHub workflow commands ───────────────────────────────────────────────────────────

/** How the runner decodes command data (`%0A`, `%0D`, `%25`; properties also `%3A`, `%2C`). */
export function decodeWorkflow(text: string, property = false): string {
  let t = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) t = t.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return t.replace(/%25/g, '%');
}

export interface ParsedAnnotation {
  command: string;
  title: string;
  message: string;
}

export function assertGithubSafe(output: string, causes: number): ParsedAnnotation[] {
  noControls(output, 'github');
  if (output.includes('\u001b')) fail('github: ESC', output, output.indexOf('\u001b'));
  if (output.includes('\r')) fail('github: CR', output, output.indexOf('\r'));
  if (!output.endsWith('\n')) throw new Error('github: no final newline');
  const lines = output.slice(0, -1).split('\n');
  if (lines.length !== Math.max(1, causes)) throw new Error(`github: ${lines.length} lines for ${causes} causes`);
  return lines.map((line) => {
    const m = /^::(error|warning|notice) title=([^:,\n]*)::(.*)$/.exec(line);
    if (m === null) throw new Error(`github: not one well-formed command: ${JSON.stringify(line.slice(0, 300))}`);
    const message = decodeWorkflow(m[3]!);
    for (const l of message.split(/\r?\n/)) {
      if (l.startsWith('::')) throw new Error(`github: a decoded message line starts a command: ${JSON.stringify(l)}`);
    }
    return { command: m[1]!, title: decodeWorkflow(m[2]!, true), message };
  });
}

// ── terminal ───────────────────────────────────────────────────────────────────────────

/** SGR codes chalk (level 1) and cli-table3 write: styles, their resets, and 16 colours. */
const OWN_SGR = new Set([1, 2, 22, 31, 32, 33, 34, 36, 39, 90]);

export function assertTerminalSafe(text: string, color: boolean): void {
  noControls(text, 'terminal');
  if (!color) {
    if (text.includes('\u001b')) fail('terminal without colour: ESC', text, text.indexOf('\u001b'));
    return;
  }
  for (let i = text.indexOf('\u001b'); i >= 0; i = text.indexOf('\u001b', i + 1)) {
    const m = /^\u001b\[(\d{1,3})m/.exec(text.slice(i, i + 8));
    if (m === null || !OWN_SGR.has(Number(m[1]))) fail('terminal: an escape sequence that is not chalk\'s', text, i);
  }
  // The hostile text's own colour codes, had they survived, would sit right before its words.
  const leaked = /\u001b\[\d{1,3}m(RED|link|C1CSI)/.exec(text);
  if (leaked !== null) fail('terminal: hostile SGR survived', text, leaked.index);
}

// ── the JSON contract ──────────────────────────────────────────────────────────────────

const SEVERITIES = ['error', 'warning', 'info'];
const LEVELS = ['high', 'medium', 'low'];

function need(cond: boolean, what: string): void {
  if (!cond) throw new Error(`AnalysisResult: ${what}`);
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isArr = Array.isArray;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parts of the `AnalysisResult` JSON the issue names, checked field by field. */
export function assertResultShape(value: unknown): void {
  need(isObj(value), 'not an object');
  const r = value as Record<string, unknown>;
  need(r['schemaVersion'] === 1, 'schemaVersion is not 1');
  need(isObj(r['runner']), 'no runner');
  need(isArr(r['jobs']), 'no jobs[]');
  need(isArr(r['findings']), 'no findings[]');
  need(isArr(r['unrecognized']), 'no unrecognized[]');
  need(isObj(r['stats']), 'no stats');
  const stats = r['stats'] as Record<string, unknown>;
  for (const k of ['files', 'bytes', 'lines', 'events', 'rules']) need(typeof stats[k] === 'number', `stats.${k} is not a number`);
  need(isObj(r['diagnosis']), 'no diagnosis');
  const d = r['diagnosis'] as Record<string, unknown>;
  need(['healthy', 'fault', 'inconclusive'].includes(d['verdict'] as string), `verdict ${String(d['verdict'])}`);
  need(isStr(d['headline']) && d['headline'].length > 0, 'no headline');
  need(isArr(d['causes']), 'no causes[]');
  for (const c of d['causes'] as unknown[]) {
    need(isObj(c), 'cause is not an object');
    const cause = c as Record<string, unknown>;
    const id = String(cause['id']);
    need(isStr(cause['id']) && /^[a-z0-9_]+$/.test(id), `cause id ${id}`);
    need(SEVERITIES.includes(cause['severity'] as string), `${id}: severity`);
    const conf = cause['confidence'] as Record<string, unknown>;
    need(isObj(conf) && LEVELS.includes(conf['level'] as string) && isStr(conf['reason']), `${id}: confidence`);
    need(isArr(cause['evidence']), `${id}: evidence[]`);
    for (const ev of cause['evidence'] as Record<string, unknown>[]) {
      need(isStr(ev['file']) && typeof ev['line'] === 'number' && isStr(ev['excerpt']), `${id}: evidence entry`);
    }
    const remedy = cause['remedy'] as Record<string, unknown>;
    need(isObj(remedy), `${id}: remedy`);
    need(isArr(remedy['temporary']) && (remedy['temporary'] as unknown[]).every(isStr), `${id}: remedy.temporary`);
    need(isArr(remedy['permanent']) && (remedy['permanent'] as unknown[]).every(isStr), `${id}: remedy.permanent`);
  }
  need(d['verdict'] !== 'fault' || (d['causes'] as unknown[]).length > 0, 'a fault without causes');
}

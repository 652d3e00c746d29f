/**
 * Log text is untrusted: workflow names, step names, URLs and exception messages come from
 * users and from the network. Every formatter passes it through one of these before output.
 * Each function is a single pass with no backtracking.
 */

/** C0/C1 controls and escape sequences (CSI, OSC, single-character escapes) except tab. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes terminal control: escape sequences first (so their parameters do not survive as
 * text), then any remaining control character, and bidirectional overrides that can make
 * text read differently from what it is.
 */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return stripControl(text).replace(/[&<>"'`]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&#39;';
      default:
        return '&#96;';
    }
  });
}

/**
 * Text inside Markdown prose (paragraphs, list items, table cells). Markdown characters are
 * backslash-escaped, HTML is entity-escaped (GitHub renders raw HTML), newlines are folded, and
 * bare URLs are broken so they do not autolink (a `javascript:` link cannot be formed either).
 */
export function escapeMarkdown(text: string): string {
  return stripControl(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+-])/, '$1\\$2')
    .replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))
    // Every `://`, whatever precedes it: the scheme-led form rescanned up to 31 characters at
    // each letter (recheck: polynomial), and a `://` without a scheme is harmless broken too.
    .replace(/:\/\//g, ':/\u200b/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/@/g, '&#64;');
}

/**
 * runlog's own prose (rule docs and remedies): it may use inline code, but it still goes out
 * with HTML and table pipes neutralised, so a careless edit cannot break the report.
 */
export function markdownTrusted(text: string): string {
  return stripControl(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))
    .replace(/\|/g, '\\|');
}

function longestBacktickRun(content: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < content.length; i++) {
    if (content.charCodeAt(i) === 96) {
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  return longest;
}

/** A fence longer than any backtick run in `content`, so content cannot close the block. */
export function codeFence(content: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
}

/** A fenced code block for untrusted text (control characters removed, fence unbreakable). */
export function codeBlock(content: string, lang = 'text'): string {
  const clean = stripControl(content.replace(/\r\n?/g, '\n'));
  const fence = codeFence(clean);
  return `${fence}${lang}\n${clean}\n${fence}`;
}

/**
 * Inline code for untrusted text. A code span ends at the first backtick run as long as its
 * delimiter, so the delimiter is one longer than the longest run inside (.NET's `Func`3`).
 */
export function inlineCode(content: string): string {
  const clean = stripControl(content).replace(/\r?\n/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(clean) + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * Inline code inside a GFM table cell: GitHub splits cells at every unescaped `|`, even inside
 * a code span, and shows `\|` there as `|`.
 */
export function tableCode(content: string): string {
  return inlineCode(content).replace(/\|/g, '\\|');
}

/** Mermaid labels: only characters that cannot end a statement or open a directive. */
export function mermaidLabel(text: string): string {
  const safe = stripControl(text).replace(/[^A-Za-z0-9 _.()/-]/g, ' ').replace(/\s+/g, ' ').trim();
  return safe.length > 60 ? `${safe.slice(0, 59)}…` : safe || 'item';
}

/** GitHub workflow command data (`::error::<data>`). */
export function workflowData(text: string): string {
  return stripControl(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub workflow command property values (`title=<value>`). */
export function workflowProperty(text: string): string {
  return workflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

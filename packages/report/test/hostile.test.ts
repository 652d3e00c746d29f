/**
 * Hostile log text (runner name, job name, URLs, exception messages, unexplained ERR lines) must
 * come out of every formatter as inert text: no HTML, no links, no fences, no workflow commands,
 * no terminal escapes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeDiag, type AnalysisResult } from '@runlog/rules';
import { formatGithub, formatHtml, formatJson, formatMarkdown, redactResult } from '../src/index.js';
import { assertGithubSafe, assertHtmlSafe, assertMarkdownSafe, FORBIDDEN_CONTROLS, markdownProse } from './checks.js';
import { HOSTILE, writeHostileDiag } from './fixtures.js';

let result: AnalysisResult;

beforeAll(async () => {
  const dir = writeHostileDiag();
  try {
    result = await analyzeDiag([dir]);
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
});

describe('the hostile fixture reaches the report', () => {
  it('as the runner name, the job name, the registration URL and cause text', () => {
    expect(result.runner.name).toBe(HOSTILE);
    expect(result.runner.gitHubUrl).toContain('javascript:alert(1)');
    expect(result.jobs[0]!.name).toBe(HOSTILE);
    expect(result.diagnosis.causes.map((c) => c.id)).toEqual(expect.arrayContaining(['session_conflict', 'service_unavailable']));
    expect(result.unrecognized.length).toBeGreaterThanOrEqual(3);
    const text = JSON.stringify(result);
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('\\u001b]8;;');
  });
});

describe('HTML', () => {
  it('has no tag, attribute, link or control character from the log', () => {
    const html = formatHtml(result);
    assertHtmlSafe(html);
    // The text is still shown, escaped.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html.match(/<a /g)?.length ?? 0).toBe(html.match(/<a href="https:\/\//g)?.length ?? 0);
    // </details> in log text cannot close runlog's evidence block.
    expect(html.match(/<details>/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  });
});

describe('Markdown', () => {
  let md: string;
  beforeAll(() => {
    md = formatMarkdown(result);
  });

  it('has no raw HTML, no link, no foreign fence, balanced <details>, intact tables', () => {
    assertMarkdownSafe(md);
  });

  it('shows the hostile text escaped in prose', () => {
    const prose = markdownProse(md).join('\n');
    expect(prose).toContain('&lt;script>alert(1)&lt;/script>');
    expect(prose).toContain('\\[click\\](javascript:alert(1))');
    expect(prose).not.toMatch(/<script/i);
    expect(prose).not.toMatch(/(^|[^\\])\]\(javascript:/);
    expect(prose).toContain('\\| a \\| b \\|');
  });

  it('keeps every fence line runlog’s own', () => {
    const fences = md.split('\n').filter((l) => /^\s{0,3}(```|~~~)/.test(l));
    for (const f of fences) expect(f).toMatch(/^(`{3,})(text|mermaid)?$/);
  });

  it('the pattern table keeps five cells per row even with | in the pattern', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('`'));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('has no terminal escape or control character', () => {
    expect(md).not.toContain('\u001b');
    expect(md).not.toMatch(FORBIDDEN_CONTROLS);
  });
});

describe('GitHub annotations', () => {
  it('one command per cause, one line each, no command from the log', () => {
    const gh = formatGithub(result);
    const annotations = assertGithubSafe(gh, result.diagnosis.causes.length);
    expect(annotations.map((a) => a.command)).toEqual(result.diagnosis.causes.map((c) => (c.severity === 'info' ? 'notice' : c.severity)));
    // The log's own `%0A` is written as `%250A`: it decodes to text, not to a new line.
    expect(gh).not.toMatch(/(^|[^%])%0A::/);
    for (const line of gh.trimEnd().split('\n')) expect(line.indexOf('::', 2)).toBe(line.indexOf('::', line.indexOf(' title=')));
  });
});

describe('JSON', () => {
  it('carries the text as data: parses back, ESC and C1 escaped, no raw control character', () => {
    const json = formatJson(result);
    expect(json).not.toContain('\u001b');
    expect(json).not.toMatch(FORBIDDEN_CONTROLS);
    expect((JSON.parse(json) as AnalysisResult).runner.name).toBe(HOSTILE);
  });
});

describe('redacted hostile text', () => {
  it('stays inert in every format', () => {
    const { result: r, summary } = redactResult(result);
    assertHtmlSafe(formatHtml(r, { redaction: summary }));
    assertMarkdownSafe(formatMarkdown(r, { redaction: summary }));
    assertGithubSafe(formatGithub(r), r.diagnosis.causes.length);
  });
});

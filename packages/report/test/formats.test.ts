/**
 * Every formatter on every fixture, the Markdown size limit (on a large generated _diag and on a
 * result made of huge messages), and byte-identical output whatever the order of the files.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeDiag, type AnalysisResult, type Cause } from '@runlog/rules';
// @ts-expect-error -- a plain .mjs script without type declarations
import { generate } from '../../../scripts/bench/generate.mjs';
import { formatGithub, formatHtml, formatJson, formatMarkdown, GITHUB_COMMENT_LIMIT } from '../src/index.js';
import { assertGithubSafe, assertHtmlSafe, assertMarkdownSafe, assertResultShape } from './checks.js';
import { FULL_SESSION, fixtureInputs, tempDir } from './fixtures.js';

const inputs = fixtureInputs();

describe('every formatter on every fixture', () => {
  it('finds the fixtures (corpus, full session, grammar)', () => {
    expect(inputs.filter((i) => i.name.startsWith('test-logs/corpus/')).length).toBeGreaterThanOrEqual(13);
    expect(inputs.filter((i) => i.name.startsWith('test-logs/grammar/')).length).toBeGreaterThanOrEqual(12);
    expect(inputs.map((i) => i.paths[0])).toContain(FULL_SESSION);
  });

  it.each(inputs.map((i) => [i.name, i.paths] as const))('%s', async (_name, paths) => {
    const result = await analyzeDiag([...paths]);
    expect(result.stats.files).toBeGreaterThan(0);

    const json = formatJson(result);
    expect(json.endsWith('}\n')).toBe(true);
    const parsed: unknown = JSON.parse(json);
    assertResultShape(parsed);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(result)));

    const md = formatMarkdown(result);
    expect(md.length).toBeGreaterThan(0);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('**Verdict: ');
    assertMarkdownSafe(md);
    for (const c of result.diagnosis.causes) expect(md).toContain(`\`${c.id}\``);

    const html = formatHtml(result);
    assertHtmlSafe(html);
    expect(html).toContain('id="verdict"');
    for (const c of result.diagnosis.causes) expect(html).toContain(`data-cause="${c.id}"`);

    const gh = formatGithub(result);
    const annotations = assertGithubSafe(gh, result.diagnosis.causes.length);
    result.diagnosis.causes.forEach((c, i) => {
      expect(annotations[i]!.title).toContain(`(${c.id})`);
      expect(annotations[i]!.command).toBe(c.severity === 'info' ? 'notice' : c.severity);
    });
  });
});

describe('the full session', () => {
  let result: AnalysisResult;
  beforeAll(async () => {
    result = await analyzeDiag([FULL_SESSION]);
  });

  it('is a fault with the 503 outage as a warning cause that recovered', () => {
    expect(result.diagnosis.verdict).toBe('fault');
    const cause = result.diagnosis.causes.find((c) => c.id === 'service_unavailable');
    expect(cause).toBeDefined();
    expect(cause!.severity).toBe('warning');
    expect(cause!.episodes.map((e) => e.outcome)).toContain('recovered');
  });

  it('Markdown: verdict, causes, facts, timeline and evidence', () => {
    const md = formatMarkdown(result);
    expect(md.split('\n')[0]).toMatch(/^## runlog: /);
    expect(md).toContain('**Verdict: Fault found**');
    expect(md).toContain('| Runner name | build-01 |');
    expect(md).toContain('| Runner version | 2.330.0');
    expect(md).toContain('```mermaid\ngantt');
    expect(md).toMatch(/<details><summary>Evidence: \d+ line\(s\)/);
    expect(md).toContain('build (20.x)');
  });

  it('HTML: one self-contained file with an SVG timeline', () => {
    const html = formatHtml(result);
    expect(html).toContain('<svg id="timeline"');
    expect(html).toMatch(/<rect class="segment" [^>]*width="[1-9]/);
    expect(html).not.toMatch(/<link|<script|url\(http/);
    expect(html).toContain('@media print');
  });

  it('GitHub: one warning annotation for the outage', () => {
    const [a] = assertGithubSafe(formatGithub(result), result.diagnosis.causes.length);
    expect(a!.command).toBe('warning');
    expect(a!.title).toBe('runlog: The GitHub Actions service answered with server errors (5xx) (service_unavailable)');
    expect(a!.message).toContain('\nFix now: ');
  });

  it('a result with no cause gives one notice', () => {
    const healthy = structuredClone(result);
    healthy.diagnosis.causes = [];
    healthy.diagnosis.verdict = 'healthy';
    healthy.diagnosis.headline = 'No runner-side fault found in these logs';
    const gh = formatGithub(healthy);
    const [a] = assertGithubSafe(gh, 0);
    expect(a!.command).toBe('notice');
    expect(a!.message).toBe('No runner-side fault found in these logs');
  });

  it('the redaction notice appears in Markdown and HTML when asked for', () => {
    const redaction = [{ category: 'host' as const, values: 2, replacements: 5 }];
    expect(formatMarkdown(result, { redaction })).toContain('_Redacted for sharing: 2 host names (5 replacements).');
    expect(formatHtml(result, { redaction })).toContain('Redacted for sharing: 2 host names (5 replacements).');
  });
});

describe('Markdown stays within 65,536 characters', () => {
  let out: string;
  beforeAll(() => {
    out = join(tempDir('large'), '_diag');
  });
  afterAll(() => rmSync(dirname(out), { recursive: true, force: true }));

  it('on a 32 MB generated _diag (hundreds of files, jobs and episodes)', async () => {
    const info = generate({ size: 32, seed: 7, out, page: 8 }) as { files: number; bytes: number };
    expect(info.bytes).toBeGreaterThan(30 * 1024 * 1024);
    expect(readdirSync(out).length).toBe(info.files);
    const result = await analyzeDiag([out]);
    expect(result.jobs.length).toBeGreaterThan(100);
    const md = formatMarkdown(result);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain(`**Verdict: Fault found** — ${result.diagnosis.headline}.`);
    assertMarkdownSafe(md);
    // Everything is still in the JSON.
    expect(formatJson(result).length).toBeGreaterThan(md.length);
  }, 120_000);

  it('on a result of huge messages and evidence: trimmed, then hard-truncated with a note', async () => {
    const base = await analyzeDiag([FULL_SESSION]);
    const huge = structuredClone(base);
    const big = (n: number, seed: string): string => `${seed} `.repeat(Math.ceil(n / (seed.length + 1))).slice(0, n);
    const template = huge.diagnosis.causes[0]!;
    const causes: Cause[] = [];
    for (let i = 0; i < 40; i++) {
      const c = structuredClone(template);
      c.summary = big(20_000, `summary-${i} <b>|</b>`);
      c.details = [c.summary, big(20_000, 'detail'), big(20_000, 'more')];
      c.confidence.reason = big(5_000, 'reason');
      c.evidence = Array.from({ length: 12 }, (_, k) => ({ ...template.evidence[0]!, line: k + 1, excerpt: big(50_000, '``` evidence </details>') }));
      c.symptoms = Array.from({ length: 10 }, () => ({ id: 'service_unavailable', title: 't', severity: 'warning', summary: big(10_000, 'symptom'), count: 1, firstSeen: null, lastSeen: null, evidence: [] }));
      causes.push(c);
    }
    huge.diagnosis.causes = causes;
    huge.runner.name = big(100_000, 'runner-name');
    huge.jobs = Array.from({ length: 2000 }, (_, k) => ({ ...base.jobs[0]!, jobId: `job-${k}`, name: big(2_000, `job ${k} | x`) }));
    huge.unrecognized = Array.from({ length: 500 }, (_, k) => ({ ...base.diagnosis.causes[0]!.evidence[0]!, level: 'ERR', component: 'X', template: big(5_000, `pattern ${k} | \``), count: k, firstSeen: null, lastSeen: null, example: base.diagnosis.causes[0]!.evidence[0]! }));

    const md = formatMarkdown(huge);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain(`**Verdict: Fault found** — ${huge.diagnosis.headline}.`);
    expect(md.startsWith('## runlog: ')).toBe(true);
    expect(md.endsWith('_Report truncated to fit the size limit; run runlog with `--format json` for everything._\n')).toBe(true);
    assertMarkdownSafe(md);

    const small = formatMarkdown(huge, { maxLength: 4_000 });
    expect(small.length).toBeLessThanOrEqual(4_000);
    expect(small).toContain('**Verdict: Fault found**');
    assertMarkdownSafe(small);
  });

  it('trims evidence before it truncates: a slightly large result keeps every cause', async () => {
    const base = await analyzeDiag([FULL_SESSION]);
    const r = structuredClone(base);
    const c = r.diagnosis.causes[0]!;
    c.evidence = Array.from({ length: 12 }, (_, k) => ({ ...c.evidence[0]!, line: k + 1, excerpt: 'x'.repeat(6_000) }));
    const md = formatMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).not.toContain('Report truncated');
    expect(md).toContain('`service_unavailable`');
    expect(md).toMatch(/Evidence: \d+ line\(s\), \d+ more not shown/);
  });
});

describe('determinism', () => {
  it('the same files in another order give byte-identical JSON and Markdown', async () => {
    const files = readdirSync(FULL_SESSION).map((f) => join(FULL_SESSION, f)).sort();
    expect(files.length).toBe(3);
    const a = await analyzeDiag(files);
    const b = await analyzeDiag([...files].reverse());
    const c = await analyzeDiag([files[1]!, files[2]!, files[0]!]);
    expect(formatJson(b)).toBe(formatJson(a));
    expect(formatJson(c)).toBe(formatJson(a));
    expect(formatMarkdown(b)).toBe(formatMarkdown(a));
    expect(formatMarkdown(c)).toBe(formatMarkdown(a));
    expect(formatHtml(b)).toBe(formatHtml(a));
  });

  it('two runs over the same directory give the same bytes in every format', async () => {
    const a = await analyzeDiag([FULL_SESSION]);
    const b = await analyzeDiag([FULL_SESSION]);
    for (const f of [formatJson, formatMarkdown, formatHtml, formatGithub]) expect(f(b)).toBe(f(a));
  });
});

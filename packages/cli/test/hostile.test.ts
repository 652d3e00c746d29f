/**
 * Hostile log text through the CLI: the terminal report with and without colour carries no
 * escape sequence but chalk's own, and every other format stays inert.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertGithubSafe, assertHtmlSafe, assertMarkdownSafe, assertTerminalSafe, FORBIDDEN_CONTROLS } from '../../report/test/checks.js';
import { writeHostileDiag } from '../../report/test/fixtures.js';
import { runlogAsync, runMain, type Run } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = writeHostileDiag();
});
afterAll(() => rmSync(dirname(dir), { recursive: true, force: true }));

const causesOf = (json: string): number => (JSON.parse(json) as { diagnosis: { causes: unknown[] } }).diagnosis.causes.length;

describe('terminal', () => {
  let plain: Run;
  let forced: Run;
  let flagged: Run;
  beforeAll(async () => {
    [plain, forced, flagged] = await Promise.all([
      runlogAsync(['analyze', dir, '--no-color'], { env: { FORCE_COLOR: '1' } }),
      runlogAsync(['analyze', dir], { env: { FORCE_COLOR: '1' } }),
      runlogAsync(['analyze', dir, '--color']),
    ]);
  });

  it('the hostile text is in the report (so the test means something)', () => {
    expect(plain.stdout).toContain('<script>alert(1)</script>');
    expect(plain.stdout).toContain('RED');
    expect(plain.stdout).toContain('LRO-override');
  });

  it('--no-color: no ESC at all, no C1 control, no bidi override', () => {
    expect(plain.code).toBe(0);
    assertTerminalSafe(plain.stdout, false);
    expect(plain.stdout).not.toContain('\u001b');
    expect(plain.stdout).not.toMatch(FORBIDDEN_CONTROLS);
  });

  it('with colour: only chalk’s SGR codes, none of the log’s (no OSC 8 link, no clear screen)', () => {
    for (const r of [forced, flagged]) {
      expect(r.stdout).toMatch(/\u001b\[\d+m/);
      assertTerminalSafe(r.stdout, true);
      expect(r.stdout).not.toContain('\u001b]');
      expect(r.stdout).not.toContain('\u001b[2J');
      expect(r.stdout).not.toContain('\u001b[0m');
    }
  });

  it('stderr carries nothing from the log', () => {
    expect(plain.stderr).toBe('');
    expect(forced.stderr).toBe('');
  });

  it('in process, on a terminal, the same holds', async () => {
    const r = await runMain(['analyze', dir], { stdoutTTY: true });
    assertTerminalSafe(r.stdout, true);
  });
});

describe('the other formats through the CLI', () => {
  it('markdown, html, github, json and events are inert', async () => {
    const [md, html, gh, json, events] = await Promise.all([
      runlogAsync(['analyze', dir, '--format', 'markdown']),
      runlogAsync(['analyze', dir, '--format', 'html']),
      runlogAsync(['analyze', dir, '--format', 'github']),
      runlogAsync(['analyze', dir, '--format', 'json']),
      runlogAsync(['events', dir]),
    ]);
    assertMarkdownSafe(md!.stdout);
    assertHtmlSafe(html!.stdout);
    assertGithubSafe(gh!.stdout, causesOf(json!.stdout));
    for (const out of [json!.stdout, events!.stdout]) {
      expect(out).not.toContain('\u001b');
      expect(out).not.toMatch(FORBIDDEN_CONTROLS);
    }
    // NDJSON: one event per line, each parses, the escapes come back as data.
    const lines = events!.stdout.trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { kind: string; runnerName?: string });
    expect(parsed.find((e) => e.kind === 'runner.settings')!.runnerName).toContain('\u001b[31mRED');
  });
});

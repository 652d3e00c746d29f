/**
 * `--redact` end to end: a runner day with secrets of every kind planted in it, through every
 * format and `events --redact`; `--redact-map`; the HTTP-trace warning.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertResultShape, assertTerminalSafe } from '../../report/test/checks.js';
import { JOB_ID, leakProbes, PLAN_ID, plantedValues, REQUEST_ID, SECRETS, SESSION_ID, tempDir, writeSecretsDiag } from '../../report/test/fixtures.js';
import { runlogAsync, type Run } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

const FORMATS = ['terminal', 'json', 'markdown', 'html', 'github'] as const;

interface Result {
  runner: { name: string | null; httpTrace: boolean };
  diagnosis: { verdict: string; headline: string; causes: { id: string; severity: string; count: number; type: string; confidence: { level: string }; episodes: unknown[]; evidence: { excerpt: string }[] }[] };
  findings: { ruleId: string; severity: string; count: number }[];
  jobs: { jobId: string | null; requestId: string | null; name: string | null; repository: string | null }[];
}

let diag: string;
let traced: string;
let work: string;
const plain: Partial<Record<(typeof FORMATS)[number], Run>> = {};
const redacted: Partial<Record<(typeof FORMATS)[number], Run>> = {};
let events: Run;
let eventsPlain: Run;
let mapFile: string;

beforeAll(async () => {
  diag = writeSecretsDiag();
  traced = writeSecretsDiag({ httpTrace: true });
  work = tempDir('redact-cli');
  mapFile = join(work, 'map.json');
  const runs = await Promise.all([
    ...FORMATS.map((f) => runlogAsync(['analyze', diag, '--format', f])),
    ...FORMATS.map((f) => runlogAsync(['analyze', diag, '--format', f, '--redact', ...(f === 'json' ? ['--redact-map', mapFile] : [])])),
    runlogAsync(['events', diag, '--redact']),
    runlogAsync(['events', diag]),
  ]);
  FORMATS.forEach((f, i) => {
    plain[f] = runs[i]!;
    redacted[f] = runs[FORMATS.length + i]!;
  });
  events = runs[2 * FORMATS.length]!;
  eventsPlain = runs[2 * FORMATS.length + 1]!;
}, 60_000);

afterAll(() => {
  for (const d of [diag, traced]) rmSync(dirname(d), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('runlog analyze --redact', () => {
  it('every planted value is in the unredacted output (so the test means something)', () => {
    const all = `${plain.json!.stdout}\n${eventsPlain.stdout}`.replace(/\\\\/g, '\\');
    for (const v of plantedValues()) expect([v, all.includes(v)]).toEqual([v, true]);
  });

  it('no planted value, nor a fragment of one, in any format or in events NDJSON', () => {
    const leaks: string[] = [];
    const outputs: [string, string][] = [
      ...FORMATS.map((f) => [f, redacted[f]!.stdout] as [string, string]),
      ['json (unescaped)', redacted.json!.stdout.replace(/\\\\/g, '\\')],
      ['events', events.stdout],
      ['events (unescaped)', events.stdout.replace(/\\\\/g, '\\')],
      ...FORMATS.map((f) => [`${f} stderr`, redacted[f]!.stderr] as [string, string]),
      ['events stderr', events.stderr],
    ];
    for (const [name, text] of outputs) for (const probe of leakProbes()) if (text.includes(probe)) leaks.push(`${probe} in ${name}`);
    expect(leaks).toEqual([]);
  });

  it('every format still works: exit codes as without --redact, no escape codes', () => {
    for (const f of FORMATS) {
      expect([f, redacted[f]!.code]).toEqual([f, plain[f]!.code]);
      expect(redacted[f]!.stdout.length).toBeGreaterThan(0);
    }
    assertResultShape(JSON.parse(redacted.json!.stdout));
    assertTerminalSafe(redacted.terminal!.stdout, false);
  });

  it('the diagnosis is identical with and without --redact', () => {
    const shape = (r: Result): unknown => ({
      verdict: r.diagnosis.verdict,
      headline: r.diagnosis.headline,
      causes: r.diagnosis.causes.map((c) => [c.id, c.severity, c.type, c.count, c.confidence.level, c.episodes.length, c.evidence.length]),
      findings: r.findings.map((f) => [f.ruleId, f.severity, f.count]),
    });
    const a = JSON.parse(plain.json!.stdout) as Result;
    const b = JSON.parse(redacted.json!.stdout) as Result;
    expect(shape(b)).toEqual(shape(a));
    expect(a.diagnosis.causes.length).toBeGreaterThanOrEqual(2);
    // The GitHub annotations: same commands, same cause ids in the titles.
    const titles = (t: string): string[] => t.trimEnd().split('\n').map((l) => l.slice(0, l.indexOf(' title=')) + l.slice(l.lastIndexOf('('), l.indexOf('::', 2)));
    expect(titles(redacted.github!.stdout)).toEqual(titles(plain.github!.stdout));
  });

  it('ids, times, the runner version, HTTP statuses, exception types and cause ids survive', () => {
    const json = redacted.json!.stdout;
    for (const kept of [SESSION_ID, JOB_ID, `"requestId": "${REQUEST_ID}"`, '2025-03-04T10:01:00Z', '2025-03-04 10:20:00Z', '2.330.0', 'HTTP Status: Conflict', 'ProxyAuthenticationRequired', "status code '407'", 'HTTP 403', 'TaskAgentSessionConflictException', 'System.Net.Http.HttpRequestException', 'SocketException', '"id": "session_conflict"', '"id": "proxy_error"']) {
      expect([kept, json.includes(kept)]).toEqual([kept, true]);
    }
    for (const kept of [SESSION_ID, JOB_ID, PLAN_ID, '2.330.0', 'TaskAgentSessionConflictException', '"time":"2025-03-04T10:01:00Z"']) expect([kept, events.stdout.includes(kept)]).toEqual([kept, true]);
  });

  it('the same value maps to the same placeholder in every format and in events', () => {
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, Record<string, string>>;
    const runner = map['runner']![SECRETS.runner]!;
    const gheHost = map['host']![SECRETS.gheHost]!;
    const org = map['organization']![SECRETS.org]!;
    expect(runner).toBe('runner-1');
    const r = JSON.parse(redacted.json!.stdout) as Result;
    expect(r.runner.name).toBe(runner);
    expect(r.jobs[0]!.repository).toBe(`${org}/${map['repository']![SECRETS.repo]}`);
    expect(r.jobs[0]!.name).toBe(`deploy ${org}/${map['repository']![SECRETS.repo]} to ${gheHost}`);
    expect(redacted.markdown!.stdout).toContain(`| Runner name | ${runner} |`);
    expect(redacted.html!.stdout).toContain(`<td class="facts-label">Runner name</td><td>${runner}</td>`);
    expect(redacted.terminal!.stdout).toMatch(new RegExp(`Runner name\\s+│ ${runner}\\s`));
    // In the events the same names get the same placeholders (one redactor for the whole run).
    const settings = events.stdout.split('\n').filter((l) => l.includes('"kind":"runner.settings"'));
    expect(settings).toHaveLength(1);
    expect(settings[0]).toContain(`"runnerName":"${runner}"`);
    expect(events.stdout).toContain(`The actions runner ${runner} already has an active session`);
    expect(events.stdout).not.toMatch(/runner-2\b/);
  });

  it('the report says what kinds of values were replaced, and how many', () => {
    const notice = /Redacted for sharing: 1 URL credential, 1 e-mail address, 2 host names, \d+ IP addresses, 1 organisation, 1 repository, 1 runner name, 1 service tenant id, \d+ tokens, \d+ user names \(\d+ replacements\)/;
    expect(redacted.markdown!.stdout).toMatch(notice);
    expect(redacted.html!.stdout).toMatch(notice);
    expect(redacted.terminal!.stdout).toMatch(notice);
    expect(events.stderr).toMatch(/^runlog: redacted 1 URL credential, .* \(\d+ replacements\)\n$/);
    for (const f of ['markdown', 'html', 'terminal'] as const) expect(plain[f]!.stdout).not.toContain('Redacted for sharing');
  });

  it('--redact-map writes the mapping, private to the owner, and says so on stderr', () => {
    expect(redacted.json!.stderr).toBe(`runlog: wrote the redaction map to ${mapFile} (keep it private)\n`);
    expect(statSync(mapFile).mode & 0o777).toBe(0o600);
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(map)).toEqual(['credential', 'email', 'host', 'ip', 'organization', 'repository', 'runner', 'tenant', 'token', 'user']);
    const originals = Object.values(map).flatMap((m) => Object.keys(m));
    for (const v of [SECRETS.ghp, SECRETS.pat, SECRETS.jwt, SECRETS.bearer, `${SECRETS.proxyUser}:${SECRETS.proxyPassword}`, SECRETS.tenant, SECRETS.org, SECRETS.repo, SECRETS.runner, SECRETS.proxyHost, SECRETS.gheHost, SECRETS.ipv4, SECRETS.ipv6, SECRETS.email, SECRETS.homeUser, SECRETS.winUser]) {
      expect([v, originals.includes(v)]).toEqual([v, true]);
    }
    // Every placeholder it lists is one the report uses.
    const report = redacted.json!.stdout;
    for (const m of Object.values(map)) for (const p of Object.values(m)) expect([p, report.includes(p)]).toEqual([p, true]);
  });
});

describe('HTTP trace', () => {
  it('analyze warns loudly on stderr and in every human-readable report', async () => {
    const runs = await Promise.all(FORMATS.map((f) => runlogAsync(['analyze', traced, '--format', f])));
    FORMATS.forEach((f, i) => {
      const r = runs[i]!;
      expect([f, r.stderr]).toEqual([f, expect.stringMatching(/^runlog: WARNING: these logs were written with HTTP tracing on \(GITHUB_ACTIONS_RUNNER_HTTPTRACE\); they can contain tokens in clear text\. Do not share them; share a report made with --redact\.\n$/)]);
    });
    const [terminal, json, markdown, html] = runs;
    expect(terminal!.stdout.split('\n')[1]).toMatch(/^! These logs were written with HTTP tracing on/);
    expect((JSON.parse(json!.stdout) as Result).runner.httpTrace).toBe(true);
    expect(markdown!.stdout).toMatch(/\n> \[!WARNING\]\n> These logs were written with HTTP tracing on/);
    expect(html!.stdout).toMatch(/<p class="alert" role="alert">These logs were written with HTTP tracing on/);
    // Before the causes.
    expect(markdown!.stdout.indexOf('[!WARNING]')).toBeLessThan(markdown!.stdout.indexOf('### 1. '));
  });

  it('analyze --redact still warns, and the report is redacted', async () => {
    const r = await runlogAsync(['analyze', traced, '--format', 'markdown', '--redact']);
    expect(r.stderr).toMatch(/^runlog: WARNING: these logs were written with HTTP tracing on/);
    expect(r.stdout).toContain('[!WARNING]');
    for (const probe of leakProbes()) expect([probe, r.stdout.includes(probe)]).toEqual([probe, false]);
  });

  it('events warns on stderr, with and without --redact', async () => {
    const [a, b] = await Promise.all([runlogAsync(['events', traced]), runlogAsync(['events', traced, '--redact'])]);
    expect(a.stderr).toBe('runlog: WARNING: these logs were written with HTTP tracing on; they can contain tokens in clear text.\n');
    expect(b.stderr).toMatch(/^runlog: WARNING: these logs were written with HTTP tracing on; they can contain tokens in clear text\.\nrunlog: redacted /);
    expect(a.stdout).toContain('"kind":"runner.http_trace"');
  });

  it('logs without the banner give no warning', () => {
    expect(plain.terminal!.stderr).toBe('');
    expect((JSON.parse(plain.json!.stdout) as Result).runner.httpTrace).toBe(false);
  });
});

/**
 * Exit codes, end to end: 0 (nothing at or above --fail-on), 1 (something is), 2 (usage error
 * or unreadable input, with one `runlog:` line on stderr and never a stack trace).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../report/test/fixtures.js';
import { expectUsageError, FULL_SESSION, ROOT, runlog, SESSION_CONFLICT } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

describe('0 and 1 follow --fail-on', () => {
  // The full session has a `warning` cause (the 503 outage that recovered) and no error.
  it.each([
    [[], 0],
    [['--fail-on', 'error'], 0],
    [['--fail-on', 'warning'], 1],
    [['--fail-on', 'info'], 1],
    [['--fail-on', 'none'], 0],
  ])('full session %j → %i', (flags, code) => {
    const r = runlog(['analyze', FULL_SESSION, '--format', 'json', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
    const causes = (JSON.parse(r.stdout) as { diagnosis: { causes: { id: string; severity: string }[] } }).diagnosis.causes;
    expect(causes.some((c) => c.id === 'service_unavailable' && c.severity === 'warning')).toBe(true);
    expect(causes.some((c) => c.severity === 'error')).toBe(false);
  });

  it('a session conflict that stopped the runner is an error: 1 by default, 0 with --fail-on none', () => {
    expect(runlog(['analyze', SESSION_CONFLICT]).code).toBe(1);
    expect(runlog(['analyze', SESSION_CONFLICT, '--fail-on', 'none']).code).toBe(0);
  });

  it('every format gives the same exit code', () => {
    for (const format of ['terminal', 'json', 'markdown', 'html', 'github']) {
      expect([format, runlog(['analyze', SESSION_CONFLICT, '--format', format]).code]).toEqual([format, 1]);
    }
  });

  it('rules, explain and events exit 0', () => {
    expect(runlog(['rules']).code).toBe(0);
    expect(runlog(['explain', 'session_conflict']).code).toBe(0);
    expect(runlog(['events', SESSION_CONFLICT]).code).toBe(0);
  });
});

describe('2: usage errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('exit');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['an unknown option', ['analyze', FULL_SESSION, '--bogus'], /Unknown argument: bogus/],
    ['an unknown option before the path', ['analyze', '--bogus', FULL_SESSION], /^runlog: /],
    ['an unknown command', ['frobnicate'], /Unknown argument: frobnicate/],
    ['no command', [], /Name a command/],
    ['an unknown --rule id', ['analyze', FULL_SESSION, '--rule', 'no-such-rule'], /unknown rule or cause id: no-such-rule/],
    ['an unknown --disable-rule id', ['analyze', FULL_SESSION, '--disable-rule', 'nope_nope'], /unknown rule or cause id: nope_nope/],
    ['a bad --since', ['analyze', FULL_SESSION, '--since', 'yesterday'], /--since 'yesterday' is neither an ISO time/],
    ['a bad --until', ['analyze', FULL_SESSION, '--until', '12/09/2025'], /--until '12\/09\/2025' is neither an ISO time/],
    ['an unknown --format', ['analyze', FULL_SESSION, '--format', 'xml'], /Invalid values: .*format.*"xml"/],
    ['an unknown --fail-on', ['analyze', FULL_SESSION, '--fail-on', 'sometimes'], /Invalid values: .*fail-on.*"sometimes"/],
    ['no path', ['analyze'], /^runlog: /],
    ['a missing path', ['analyze', '/nonexistent/runlog/_diag'], /^runlog: cannot read \/nonexistent\/runlog\/_diag: no such file or directory$/],
    ['a glob matching nothing', ['analyze', 'test-logs/**/NoSuch_*.log'], /no files match/],
    ['--redact-map without --redact', ['analyze', FULL_SESSION, '--redact-map', '/tmp/x.json'], /--redact-map only makes sense with --redact/],
    ['--output without a file name', ['analyze', FULL_SESSION, '--output'], /--output needs a file name/],
    ['--output into a missing directory', ['analyze', FULL_SESSION, '--output', '/nonexistent/dir/report.md'], /cannot write \/nonexistent\/dir\/report\.md: no such directory/],
    ['explain without an id', ['explain'], /^runlog: /],
    ['explain of an unknown id', ['explain', 'no_such_cause'], /no rule or cause named 'no_such_cause'/],
    ['events with an empty --kind', ['events', FULL_SESSION, '--kind', ''], /--kind needs an event kind/],
    ['rules --format xml', ['rules', '--format', 'xml'], /Invalid values/],
  ])('%s', (_name, args, message) => {
    const r = runlog(args as string[]);
    const line = expectUsageError(r);
    expect(line).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a directory without runner logs', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'nothing\n');
    expect(expectUsageError(runlog(['analyze', empty]))).toMatch(/^runlog: cannot read .*empty: no runner logs here/);
  });

  it('an unreadable file: a damaged zip archive', () => {
    const zip = join(dir, 'diag.zip');
    writeFileSync(zip, 'PK\u0003\u0004 this is not a zip archive');
    expect(expectUsageError(runlog(['analyze', zip]))).toMatch(/^runlog: cannot read .*diag\.zip: not a readable zip archive/);
  });

  it('an unreadable file: no read permission (skipped as root, who can read anything)', () => {
    if (process.getuid?.() === 0) return;
    const file = join(dir, 'Runner_20250101-000000-utc.log');
    writeFileSync(file, '[2025-01-01 00:00:00Z INFO Listener] Version: 2.330.0\n');
    chmodSync(file, 0o000);
    try {
      expect(expectUsageError(runlog(['analyze', file]))).toMatch(/permission denied/);
    } finally {
      chmodSync(file, 0o600);
    }
  });

  it('a usage error never runs the command: no report, no output file', () => {
    const out = join(dir, 'never.md');
    const r = runlog(['analyze', FULL_SESSION, '--format', 'markdown', '--output', out, '--fail-on', 'sometimes']);
    expectUsageError(r);
    expect(existsSync(out)).toBe(false);
  });

  it('RUNLOG_DEBUG does not turn usage errors into stack traces', () => {
    expectUsageError(runlog(['analyze', '/nonexistent/x'], { env: { RUNLOG_DEBUG: '1' } }));
  });
});

describe('--help and --version', () => {
  it('print to stdout and exit 0', () => {
    const help = runlog(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('runlog <command>');
    expect(help.stdout).toContain('Exit codes:');
    const analyzeHelp = runlog(['analyze', '--help']);
    expect(analyzeHelp.code).toBe(0);
    expect(analyzeHelp.stdout).toContain('--fail-on');
    const version = runlog(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string }).version);
  });
});

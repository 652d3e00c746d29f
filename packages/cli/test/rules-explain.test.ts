/**
 * `runlog rules` (the catalog, as text and JSON) and `runlog explain <cause or rule id>`.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { isCauseId, RULES } from '@runlog/rules';
import { expectUsageError, runlog, runMain } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

interface RuleRow {
  id: string;
  cause: string;
  type: string;
  severity: string;
  title: string;
  description: string;
  catalog: string[];
  docs: string[];
}

describe('runlog rules', () => {
  it('--format json lists every rule with its cause id and severity, sorted by rule id', () => {
    const r = runlog(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as RuleRow[];
    expect(rows).toHaveLength(RULES.length);
    expect(rows.map((x) => x.id)).toEqual([...RULES.map((x) => x.meta.id)].sort());
    for (const row of rows) {
      const rule = RULES.find((x) => x.meta.id === row.id)!;
      expect(row.cause).toBe(rule.meta.cause);
      expect(row.severity).toBe(rule.meta.severity);
      expect(['error', 'warning', 'info']).toContain(row.severity);
      expect(['root-cause', 'symptom', 'context']).toContain(row.type);
      expect(isCauseId(row.cause)).toBe(true);
      expect(row.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(row.cause).toBe(row.id.replace(/-/g, '_'));
      expect(row.title.length).toBeGreaterThan(0);
      expect(row.description.length).toBeGreaterThan(0);
      for (const d of row.docs) expect(d).toMatch(/^https:\/\//);
    }
  });

  it('includes the four causes behind "online but not picking up jobs"', () => {
    const causes = (JSON.parse(runlog(['rules', '--format', 'json']).stdout) as RuleRow[]).map((x) => x.cause);
    expect(causes).toEqual(expect.arrayContaining(['session_conflict', 'service_unavailable', 'oauth_registration_not_found', 'runner_deleted_on_server', 'token_expired_or_unauthorized', 'dns_or_network_unreachable', 'connection_timeout', 'tls_certificate_error', 'proxy_error']));
  });

  it('text: one aligned line per rule with rule id, cause id, severity and title', () => {
    const r = runlog(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE\s+CAUSE ID\s+SEVERITY\s+DESCRIPTION$/);
    expect(lines.at(-1)).toBe(`${RULES.length} rules. 'runlog explain <rule or cause id>' shows what a cause means and how to fix it.`);
    const body = lines.slice(1, 1 + RULES.length);
    const col = lines[0]!.indexOf('CAUSE ID');
    for (const rule of RULES) {
      const line = body.find((l) => l.startsWith(`${rule.meta.id} `));
      expect(line).toBeDefined();
      expect(line!.indexOf(rule.meta.cause, rule.meta.id.length)).toBe(col);
      expect(line).toContain(` ${rule.meta.severity} `);
      expect(line!.endsWith(rule.meta.title)).toBe(true);
    }
  });
});

describe('runlog explain', () => {
  it.each(['session_conflict', 'session-conflict'])('explain %s', (id) => {
    const r = runlog(['explain', id]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const meta = RULES.find((x) => x.meta.id === 'session-conflict')!.meta;
    expect(r.stdout.split('\n')[0]).toBe(meta.title);
    expect(r.stdout).toContain('cause id: session_conflict · rule: session-conflict');
    for (const heading of ['What it means', 'How to confirm it', 'Fix now (temporary)', 'Fix for good (permanent)']) expect(r.stdout).toContain(`\n${heading}\n`);
    expect(r.stdout).toContain('TaskAgentSessionConflictException');
    for (const d of meta.remedy.docs) expect(r.stdout).toContain(d);
  });

  it('explain by rule id and by cause id give the same text', () => {
    expect(runlog(['explain', 'service-unavailable']).stdout).toBe(runlog(['explain', 'service_unavailable']).stdout);
  });

  it('every rule can be explained, its paragraphs within the terminal width (in process)', async () => {
    for (const rule of RULES) {
      const r = await runMain(['explain', rule.meta.cause]);
      expect([rule.meta.id, r.code]).toEqual([rule.meta.id, 0]);
      for (const line of r.stdout.split('\n')) {
        // The paragraphs and lists wrap (long URLs cannot).
        if (line.startsWith(' ') && !/https?:\/\//.test(line)) expect([rule.meta.id, line.length <= 100]).toEqual([rule.meta.id, true]);
      }
    }
  }, 60_000);

  it.each([['unknown'], ['session conflict'], ['SESSION_CONFLICT'], ['\u001b[31mred']])('an unknown id (%j) is a usage error', (id) => {
    const r = runlog(['explain', id]);
    const line = expectUsageError(r);
    expect(line).toMatch(/^runlog: no rule or cause named '.*' \(see 'runlog rules'\)$/);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stdout).toBe('');
  });
});

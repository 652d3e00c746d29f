/**
 * Redaction: each kind of value on its own (Redactor), then a whole analysis of a runner day
 * with secrets of every kind planted in it (redactResult), through every formatter.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeDiag, type AnalysisResult } from '@runlog/rules';
import {
  describeRedaction,
  eachString,
  formatGithub,
  formatHtml,
  formatJson,
  formatMarkdown,
  redactDeep,
  redactResult,
  Redactor,
  type RedactedResult,
} from '../src/index.js';
import { JOB_ID, leakProbes, PLAN_ID, plantedValues, REQUEST_ID, SECRET_LENGTHS, SECRETS, SESSION_ID, writeSecretsDiag } from './fixtures.js';

const r = (text: string, redactor = new Redactor()): string => redactor.redact(text);

describe('Redactor: tokens and credentials', () => {
  it('the planted tokens have the lengths GitHub uses', () => {
    for (const t of [SECRETS.ghp, SECRETS.gho, SECRETS.ghs, SECRETS.ghu, SECRETS.cut]) expect(t.length - 4).toBe(SECRET_LENGTHS.gh);
    expect(SECRETS.pat.length - 'github_pat_'.length).toBe(SECRET_LENGTHS.pat);
    expect(SECRETS.bearer).toHaveLength(40);
  });

  it.each([
    ['ghp_', SECRETS.ghp],
    ['gho_', SECRETS.gho],
    ['ghs_', SECRETS.ghs],
    ['ghu_', SECRETS.ghu],
    ['github_pat_', SECRETS.pat],
    ['a JWT', SECRETS.jwt],
  ])('replaces %s tokens', (_kind, token) => {
    expect(r(`token=${token}; next ${token}.`)).toBe('token=token-1; next token-1.');
  });

  it('replaces the part of a token left before an excerpt cut', () => {
    const out = r(`pushing with ${SECRETS.cut.slice(0, 16)} … tail of the line`);
    expect(out).toBe('pushing with token-1 … tail of the line');
  });

  it('replaces a JWT whose signature was cut off', () => {
    const [h, p] = SECRETS.jwt.split('.');
    expect(r(`jwt ${h}.${p}`)).toBe('jwt token-1');
  });

  it('replaces Bearer/Basic credentials that have digits, not the prose after the word', () => {
    expect(r(`Authorization: Bearer ${SECRETS.bearer}`)).toBe('Authorization: Bearer token-1');
    expect(r('Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==')).toBe('Authorization: Basic token-1');
    expect(r('the Bearer authentication scheme failed')).toBe('the Bearer authentication scheme failed');
  });

  it('replaces URL credentials (user:password and user alone) and learns the user', () => {
    const redactor = new Redactor();
    redactor.learnFrom('proxy https://proxyuser:p4ssw0rd@proxy.corp.example:3128');
    expect(r('proxy https://proxyuser:p4ssw0rd@proxy.corp.example:3128 for all', redactor)).toBe('proxy https://credential-1@host-1:3128 for all');
    expect(r('hosts: proxyuser, github.com', redactor)).toBe('hosts: user-1, github.com');
    expect(r('clone https://x-access-token@github.com/org')).toMatch(/^clone https:\/\/credential-1@github\.com\/org-1$/);
  });

  it('keeps container images pinned by digest', () => {
    const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    expect(r(`uses docker://alpine@${digest} and docker://node:18@${digest}`)).toBe(`uses docker://alpine@${digest} and docker://node:18@${digest}`);
  });

  it('replaces secret query parameters but keeps masked ones', () => {
    expect(r('GET /x?token=abc123def456&sig=Zm9vYmFy&a=1')).toBe('GET /x?token=token-1&sig=token-2&a=1');
    expect(r('GET /x?access_token=***&b=2')).toBe('GET /x?access_token=***&b=2');
  });

  it('replaces the tenant segment of an actions.githubusercontent.com URL', () => {
    expect(r(`https://pipelinesghubeus5.actions.githubusercontent.com/${SECRETS.tenant}/_apis/distributedtask/pools/1/sessions`)).toBe(
      'https://pipelinesghubeus5.actions.githubusercontent.com/tenant-1/_apis/distributedtask/pools/1/sessions',
    );
  });
});

describe('Redactor: names, hosts, addresses', () => {
  it('replaces organisation and repository in github.com URLs, keeps public action orgs', () => {
    expect(r('https://github.com/acme-secret/widgets-private.git')).toBe('https://github.com/org-1/repo-1.git');
    expect(r('https://api.github.com/repos/acme-secret/widgets-private/statuses')).toBe('https://api.github.com/repos/org-1/repo-1/statuses');
    expect(r('https://api.github.com/repos/actions/checkout/tarball/v4')).toBe('https://api.github.com/repos/actions/checkout/tarball/v4');
  });

  it('replaces names learned from the runner facts wherever they appear', () => {
    const redactor = new Redactor();
    redactor.seed({ runnerName: SECRETS.runner, gitHubUrl: `https://${SECRETS.gheHost}/${SECRETS.org}/${SECRETS.repo}`, repository: `${SECRETS.org}/${SECRETS.repo}` });
    const out = r(`runner ${SECRETS.runner} of ${SECRETS.org}/${SECRETS.repo} at ${SECRETS.gheHost}`, redactor);
    expect(out).toBe('runner runner-1 of org-1/repo-1 at host-1');
  });

  it('replaces a learned name whose digits an unrecognised-pattern template masked', () => {
    const redactor = new Redactor();
    redactor.seed({ runnerName: SECRETS.runner });
    expect(r('clone <url> on buildbox-zeta-<n> (HTTP <n>)', redactor)).toBe('clone <url> on runner-1 (HTTP <n>)');
  });

  it('learns a runner name from a session-conflict message', () => {
    const redactor = new Redactor();
    redactor.learnFrom('The actions runner Production Server already has an active session.');
    expect(r('Production Server went offline', redactor)).toBe('runner-1 went offline');
  });

  it('replaces e-mail addresses, home-directory users, IPv4 and IPv6 addresses', () => {
    expect(r(`mail ${SECRETS.email}`)).toBe('mail email-1');
    expect(r('/home/alice/actions-runner and /Users/carol/x and C:\\Users\\bob\\AppData')).toBe('/home/user-1/actions-runner and /Users/user-2/x and C:\\Users\\user-3\\AppData');
    expect(r(`from ${SECRETS.ipv4} and ${SECRETS.ipv4b}:443`)).toBe('from ip-1 and ip-2:443');
    expect(r(`via ${SECRETS.ipv6} or [${SECRETS.ipv6b}]`)).toBe('via ip-1 or [ip-2]');
    // Template-masked IPv6 addresses are still addresses.
    expect(r('via <n>:db8:85a3::8a2e:<n> and fe80:<n>:1ff:fe23:<n>:890a')).toBe('via ip-1 and ip-2');
  });

  it('replaces private host names, keeps GitHub and public hosts and file names', () => {
    expect(r(`connect ${SECRETS.proxyHost}:3128 and ${SECRETS.gheHost}`)).toBe('connect host-1:3128 and host-2');
    expect(r('api.github.com pipelines.actions.githubusercontent.com www.githubstatus.com')).toBe('api.github.com pipelines.actions.githubusercontent.com www.githubstatus.com');
    expect(r('Runner.Listener.dll Runner_20250304-100000-utc.log')).toBe('Runner.Listener.dll Runner_20250304-100000-utc.log');
  });

  it('keeps ids, times, versions, HTTP statuses and exception types', () => {
    const line = `[2025-03-04 10:01:00Z ERR  MessageListener] Job request ${REQUEST_ID} for plan ${PLAN_ID} job ${JOB_ID} session '${SESSION_ID}' runner 2.330.0 at 12:34:56 failed (HTTP Status: ServiceUnavailable, 503) GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException`;
    expect(r(line)).toBe(line);
  });

  it('does not take times for IPv6 addresses', () => {
    expect(r('at 10:20:30 and 2025-03-04T10:20:30.1234567Z')).toBe('at 10:20:30 and 2025-03-04T10:20:30.1234567Z');
  });
});

describe('Redactor: consistency, summary, mapping', () => {
  it('the same value always gets the same placeholder, across calls', () => {
    const redactor = new Redactor();
    expect(r(`a ${SECRETS.proxyHost} b ${SECRETS.gheHost}`, redactor)).toBe('a host-1 b host-2');
    expect(r(`c ${SECRETS.gheHost} d ${SECRETS.proxyHost}`, redactor)).toBe('c host-2 d host-1');
    expect(r(`${SECRETS.ghp} ${SECRETS.gho} ${SECRETS.ghp}`, redactor)).toBe('token-1 token-2 token-1');
  });

  it('counts values and replacements by kind, and maps originals to placeholders', () => {
    const redactor = new Redactor();
    r(`${SECRETS.ghp} ${SECRETS.ghp} ${SECRETS.ipv4} ${SECRETS.email}`, redactor);
    expect(redactor.summary()).toEqual([
      { category: 'email', values: 1, replacements: 1 },
      { category: 'ip', values: 1, replacements: 1 },
      { category: 'token', values: 1, replacements: 2 },
    ]);
    expect(describeRedaction(redactor.summary())).toBe('1 e-mail address, 1 IP address, 1 token (4 replacements)');
    expect(redactor.mapping()).toEqual({ email: { [SECRETS.email]: 'email-1' }, ip: { [SECRETS.ipv4]: 'ip-1' }, token: { [SECRETS.ghp]: 'token-1' } });
    expect(describeRedaction([])).toBe('nothing needed replacing');
  });

  it('redactDeep keeps keys, structure, id/time/version fields, and runlog’s own remedies', () => {
    const value = {
      id: 'session_conflict',
      time: '2025-03-04T10:01:00Z',
      jobId: JOB_ID,
      version: '2.330.0',
      text: `runner on ${SECRETS.gheHost}`,
      list: [`${SECRETS.ipv4}`, 3, null, true],
      remedy: { temporary: ['give it credentials (`https_proxy=http://user:pass@proxy:port`)'] },
    };
    const out = redactDeep(value, (s) => r(s));
    expect(out).toEqual({ ...value, text: 'runner on host-1', list: ['ip-1', 3, null, true] });
  });
});

describe('Redactor: every pattern is linear-time', () => {
  it.each([
    ['colons', ':'.repeat(200_000)],
    ['hex and colons', 'a:'.repeat(100_000)],
    ['at signs', 'a@'.repeat(100_000)],
    ['dots', 'a.'.repeat(100_000)],
    ['a scheme without end', `https://${'a'.repeat(200_000)}`],
    ['a scheme with a colon', `https://${'a:'.repeat(100_000)}`],
    ['eyJ runs', 'eyJ'.repeat(70_000)],
    ['Bearer without a credential', 'Bearer '.repeat(30_000)],
    ['home prefixes', '/home/'.repeat(40_000)],
    ['query parameters', '?token='.repeat(30_000)],
    ['digits and dots', '1.'.repeat(100_000)],
  ])('%s (200 kB) in well under a second', (_name, text) => {
    const redactor = new Redactor();
    redactor.seed({ runnerName: 'build-01', gitHubUrl: 'https://github.com/acme/widgets' });
    const t = performance.now();
    redactor.redact(text);
    expect(performance.now() - t).toBeLessThan(1_500);
  });
});

describe('redactResult on a runner day with secrets of every kind', () => {
  let plain: AnalysisResult;
  let red: RedactedResult;
  let outputs: Record<string, string>;

  beforeAll(async () => {
    const dir = writeSecretsDiag();
    try {
      plain = await analyzeDiag([dir]);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
    red = redactResult(plain);
    const strings: string[] = [];
    eachString(JSON.parse(formatJson(red.result)), (s) => strings.push(s));
    outputs = {
      json: formatJson(red.result),
      'json strings': strings.join('\n'),
      markdown: formatMarkdown(red.result, { redaction: red.summary }),
      html: formatHtml(red.result, { redaction: red.summary }),
      github: formatGithub(red.result),
    };
  });

  it('every planted value is in the unredacted result (so the test means something)', () => {
    const strings: string[] = [];
    eachString(plain, (s) => strings.push(s));
    const all = strings.join('\n');
    for (const v of plantedValues()) expect([v, all.includes(v)]).toEqual([v, true]);
  });

  it('no planted value, nor a fragment of one, is in any format', () => {
    const leaks: string[] = [];
    for (const [format, text] of Object.entries(outputs)) {
      for (const probe of leakProbes()) if (text.includes(probe)) leaks.push(`${probe} in ${format}`);
    }
    expect(leaks).toEqual([]);
  });

  it('ids, times, the version, HTTP statuses, exception types and cause ids survive', () => {
    const json = outputs['json']!;
    for (const kept of [SESSION_ID, JOB_ID, REQUEST_ID, '2025-03-04T10:01:00Z', '2.330.0', 'HTTP Status: Conflict', 'ProxyAuthenticationRequired', 'TaskAgentSessionConflictException', 'HttpRequestException']) {
      expect([kept, json.includes(kept)]).toEqual([kept, true]);
    }
    expect(red.result.runner.version).toBe('2.330.0');
    expect(red.result.jobs[0]!.jobId).toBe(JOB_ID);
    expect(red.result.jobs[0]!.requestId).toBe(REQUEST_ID);
    expect(red.result.diagnosis.causes.map((c) => c.id)).toEqual(plain.diagnosis.causes.map((c) => c.id));
  });

  it('the diagnosis is the same: verdict, cause ids, severities, counts, confidence, episodes', () => {
    const shape = (x: AnalysisResult): unknown => ({
      verdict: x.diagnosis.verdict,
      causes: x.diagnosis.causes.map((c) => [c.id, c.severity, c.type, c.count, c.confidence.level, c.episodes.length, c.evidence.length, c.evidenceOmitted, c.firstSeen, c.lastSeen, c.symptoms.map((s) => s.id)]),
      findings: x.findings.map((f) => [f.ruleId, f.cause, f.severity, f.count]),
      unrecognized: x.unrecognized.map((u) => [u.count, u.level, u.firstSeen]),
      jobs: x.jobs.map((j) => [j.jobId, j.requestId, j.result, j.start, j.end]),
      window: x.window,
      stats: x.stats,
    });
    expect(shape(red.result)).toEqual(shape(plain));
    expect(red.result.diagnosis.causes.map((c) => c.remedy)).toEqual(plain.diagnosis.causes.map((c) => c.remedy));
  });

  it('the same value always maps to the same placeholder', () => {
    expect(red.result.runner.name).toBe('runner-1');
    expect(red.result.runner.gitHubUrl).toBe('https://github.com/org-1/repo-1');
    expect(red.result.runner.serverUrl).toBe('https://pipelinesghubeus5.actions.githubusercontent.com/tenant-1/');
    expect(red.result.jobs[0]!.repository).toBe('org-1/repo-1');
    expect(red.result.jobs[0]!.name).toBe(`deploy org-1/repo-1 to ${red.mapping['host']![SECRETS.gheHost]}`);
    expect(red.result.runner.proxy).toBe(`https://${red.mapping['credential']![`${SECRETS.proxyUser}:${SECRETS.proxyPassword}`]}@${red.mapping['host']![SECRETS.proxyHost]}:3128`);
    // Every placeholder in the output stands for exactly one original.
    for (const [category, map] of Object.entries(red.mapping)) {
      const placeholders = Object.values(map);
      expect([category, new Set(placeholders).size]).toEqual([category, placeholders.length]);
    }
  });

  it('the mapping holds every planted value, by kind', () => {
    const m = red.mapping;
    expect(m['token']).toMatchObject({ [SECRETS.ghp]: expect.any(String), [SECRETS.gho]: expect.any(String), [SECRETS.ghs]: expect.any(String), [SECRETS.ghu]: expect.any(String), [SECRETS.pat]: expect.any(String), [SECRETS.jwt]: expect.any(String), [SECRETS.bearer]: expect.any(String), [SECRETS.queryToken]: expect.any(String) });
    expect(m['credential']).toHaveProperty([`${SECRETS.proxyUser}:${SECRETS.proxyPassword}`]);
    expect(m['tenant']).toEqual({ [SECRETS.tenant]: 'tenant-1' });
    expect(m['organization']).toEqual({ [SECRETS.org]: 'org-1' });
    expect(m['repository']).toEqual({ [SECRETS.repo]: 'repo-1' });
    expect(m['runner']).toEqual({ [SECRETS.runner]: 'runner-1' });
    expect(m['host']).toMatchObject({ [SECRETS.proxyHost]: expect.any(String), [SECRETS.gheHost]: expect.any(String) });
    expect(m['ip']).toMatchObject({ [SECRETS.ipv4]: expect.any(String), [SECRETS.ipv4b]: expect.any(String), [SECRETS.ipv6]: expect.any(String), [SECRETS.ipv6b]: expect.any(String) });
    expect(m['email']).toEqual({ [SECRETS.email]: 'email-1' });
    expect(m['user']).toMatchObject({ [SECRETS.homeUser]: expect.any(String), [SECRETS.winUser]: expect.any(String) });
  });

  it('the report says what kinds were replaced and how many', () => {
    const categories = red.summary.map((c) => c.category);
    expect(categories).toEqual(['credential', 'email', 'host', 'ip', 'organization', 'repository', 'runner', 'tenant', 'token', 'user']);
    for (const c of red.summary) expect(c.replacements).toBeGreaterThanOrEqual(c.values);
    const notice = describeRedaction(red.summary);
    expect(notice).toMatch(/^1 URL credential, 1 e-mail address, 2 host names, \d+ IP addresses, 1 organisation, 1 repository, 1 runner name, 1 service tenant id, \d+ tokens, \d+ user names \(\d+ replacements\)$/);
    expect(outputs['markdown']).toContain(`_Redacted for sharing: ${notice}. Ids, times, versions, HTTP statuses and exception types are kept._`);
    expect(outputs['html']).toContain(`Redacted for sharing: ${notice}.`);
  });
});

/**
 * Fixtures written at test time for the report and CLI tests: paths to the committed test logs,
 * a runner log full of hostile text (markup, links, workflow commands, terminal escapes), and a
 * runner log with secrets of every kind planted in it. Nothing here is committed as data: the
 * files go to a fresh directory under the OS temp dir.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TEST_LOGS = join(ROOT, 'test-logs');
export const FULL_SESSION = join(TEST_LOGS, 'full-session', '_diag');

export interface FixtureInput {
  /** The folder, relative to the repository root. */
  name: string;
  /** What to pass to runlog: the `_diag` folder, or (grammar) the log files in the folder. */
  paths: string[];
}

/**
 * Every fixture a format must handle: test-logs/corpus/<id>/_diag, the full session,
 * test-logs/grammar/<case> (journald, kubectl and stdout captures are not named like runner
 * logs, so their files are given one by one), and examples/diag/<case>/_diag when present.
 */
export function fixtureInputs(): FixtureInput[] {
  const out: FixtureInput[] = [];
  const logFiles = (dir: string): string[] =>
    readdirSync(dir)
      .filter((f) => !f.endsWith('.md') && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  const sub = (parent: string, inner: string | null): void => {
    if (!existsSync(parent)) return;
    for (const name of readdirSync(parent).sort()) {
      if (name.startsWith('.')) continue;
      const dir = inner === null ? join(parent, name) : join(parent, name, inner);
      if (!existsSync(dir) || logFiles(dir).length === 0) continue;
      out.push({ name: dir.slice(ROOT.length), paths: inner === null ? logFiles(dir) : [dir] });
    }
  };
  sub(join(TEST_LOGS, 'corpus'), '_diag');
  out.push({ name: FULL_SESSION.slice(ROOT.length), paths: [FULL_SESSION] });
  sub(join(TEST_LOGS, 'grammar'), null);
  sub(join(ROOT, 'examples', 'diag'), '_diag');
  return out;
}

/** A fresh directory under the OS temp dir. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `runlog-${prefix}-`));
}

// ── hostile text ────────────────────────────────────────────────────────────────────────

/** Every trick log text could play on a report, in one string (one line: no raw newline). */
export const HOSTILE_PARTS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '[click](javascript:alert(1))',
  '</details>',
  '```',
  '````',
  '| a | b |',
  '::error::pwned',
  'x%0A::warning::injected',
  '\u001b[31mRED\u001b[0m',
  '\u001b]8;;http://evil.invalid/\u0007link\u001b]8;;\u0007',
  '\u001b[2J',
  '\u009b32mC1CSI',
  '\u0085NEL',
  '\u202eLRO-override',
] as const;
export const HOSTILE = HOSTILE_PARTS.join(' ');

/** Lines that, if they appeared in a report, would mean an injection got through. */
export const HOSTILE_BLOCK_LINES = ['```', '````', '</details>', '::error::fenced', '<script>alert(2)</script>', '[x](javascript:alert(2))'];

const stamp = (minute: number, second = 0): string =>
  `2025-03-04 ${String(10 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;

const TENANT_ID = 'Hq7rTb2LmN4pVw9sKd3HfYcZ6aEjU1oGi5BnRt8MxWvQy0PcLs';

/**
 * A runner day in which every piece of text that reaches a report is hostile: the runner name
 * (settings dump), the job's display name (`Running job: <name>`), URLs, exception messages,
 * and ERR lines no rule explains (with hostile continuation lines).
 */
export function writeHostileDiag(): string {
  const dir = join(tempDir('hostile'), '_diag');
  mkdirSync(dir, { recursive: true });
  const jsonName = JSON.stringify(HOSTILE); // decoded by the parser: ESC, C1 and bidi come back raw
  const jobId = 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13';
  const server = `https://pipelinesghubeus5.actions.githubusercontent.com/${TENANT_ID}`;
  const lines: string[] = [
    `[${stamp(0)} INFO HostContext] No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)`,
    `[${stamp(0)} INFO Listener] Runner is built for Linux (X64) - linux-x64.`,
    `[${stamp(0)} INFO Listener] RuntimeInformation: Ubuntu 22.04.4 LTS ${HOSTILE}.`,
    `[${stamp(0)} INFO Listener] Version: 2.330.0`,
    `[${stamp(0)} INFO CommandSettings] Command 'run': 'True'`,
    `[${stamp(0)} INFO MessageListener] {`,
    '  "AgentId": 17,',
    `  "AgentName": ${jsonName},`,
    '  "PoolId": 1,',
    `  "PoolName": ${jsonName},`,
    `  "ServerUrl": ${JSON.stringify(`${server}/?x=<script>alert(1)</script>`)},`,
    `  "GitHubUrl": ${JSON.stringify(`javascript:alert(1)//${HOSTILE}`)},`,
    '  "WorkFolder": "_work"',
    '}',
  ];
  // Session conflicts naming the hostile runner.
  for (let i = 0; i < 4; i++) {
    lines.push(
      `[${stamp(1 + i)} ERR  GitHubActionsService] POST request to ${server}/_apis/distributedtask/pools/1/sessions?q=${HOSTILE} failed. HTTP Status: Conflict`,
      `[${stamp(1 + i)} ERR  MessageListener] Catch exception during create session.`,
      `[${stamp(1 + i)} ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner ${HOSTILE} already has an active session.`,
      '   at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)',
      `[${stamp(1 + i)} INFO MessageListener] The session for this runner already exists.`,
      `[${stamp(1 + i)} ERR  Terminal] WRITE ERROR: A session for this runner already exists.`,
      `[${stamp(1 + i)} INFO MessageListener] Sleeping for 30 seconds before retrying.`,
    );
  }
  lines.push(
    `[${stamp(6)} INFO MessageListener] Session created.`,
    `[${stamp(6)} INFO Terminal] WRITE LINE: ${stamp(6)}: Listening for Jobs`,
    // A job with a hostile display name.
    `[${stamp(10)} INFO MessageListener] Message '37' received from session '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8'.`,
    `[${stamp(10)} INFO JobDispatcher] Job request 7319 for plan 9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58 job ${jobId} received.`,
    `[${stamp(10)} INFO Terminal] WRITE LINE: ${stamp(10)}: Running job: ${HOSTILE}`,
    `[${stamp(12)} INFO JobDispatcher] Worker finished for job ${jobId}. Code: 100`,
    `[${stamp(12)} INFO JobDispatcher] finish job request for job ${jobId} with result: Failed`,
    `[${stamp(12)} INFO Terminal] WRITE LINE: ${stamp(12)}: Job ${HOSTILE} completed with result: Failed`,
  );
  // A 503 outage whose URLs and exception messages carry hostile text.
  for (let i = 0; i < 6; i++) {
    lines.push(
      `[${stamp(20 + i)} WARN GitHubActionsService] Attempt ${i + 1} of GET request to ${server}/_apis/distributedtask/pools/1/messages?sessionId=3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8&x=${encodeURIComponent('<script>')}&y=<img src=x onerror=alert(1)>&z=javascript:alert(1) failed (HTTP Status: ServiceUnavailable). The operation will be retried in 10.9 seconds.`,
    );
  }
  lines.push(
    `[${stamp(27)} ERR  MessageListener] Catch exception during get next message.`,
    `[${stamp(27)} ERR  MessageListener] GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable ${HOSTILE}`,
    '   at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)',
    `[${stamp(27)} ERR  Terminal] WRITE ERROR: ${stamp(27)}: Runner connect error: Service Unavailable ${HOSTILE}. Retrying until reconnected.`,
    `[${stamp(29)} INFO Terminal] WRITE LINE: ${stamp(29)}: Runner reconnected.`,
  );
  // ERR and WARN lines no rule explains, with hostile continuation lines.
  lines.push(
    `[${stamp(40)} ERR  Acme${'<script>'}Component] ${HOSTILE}`,
    ...HOSTILE_BLOCK_LINES,
    `[${stamp(41)} WARN JobDispatcher] Unexpected text ${HOSTILE} from ${HOSTILE}`,
    `[${stamp(42)} ERR  JobDispatcher] System.InvalidOperationException: ${HOSTILE}`,
    ...HOSTILE_BLOCK_LINES.map((l) => ` ---> ${l}`),
    '   at GitHub.Runner.Listener.JobDispatcher.RunAsync(Pipelines.AgentJobRequestMessage message)',
    `[${stamp(50)} INFO Listener] Exiting...`,
  );
  writeFileSync(join(dir, 'Runner_20250304-100000-utc.log'), `${lines.join('\n')}\n`);
  return dir;
}

// ── planted secrets ─────────────────────────────────────────────────────────────────────

export const SECRETS = {
  ghp: 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
  gho: 'gho_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2',
  ghs: 'ghs_Qw3Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4',
  ghu: 'ghu_Mn5Bv6Cx7Zl8Kj9Hg0Fd1Sa2Po3Iu4Yt5Re6',
  /** Planted where an evidence excerpt is cut (` … `): only its first 12 characters reach it. */
  cut: 'ghp_Cut0ffT0k3nPr3f1x99Zz88Yy77Xx66WwVv5',
  pat: `github_pat_11ABCDEFG0a1B2c3D4e5F6_${'h8I9j0K1l2'.repeat(5)}M3n4O5p6Q`,
  jwt: 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJidWlsZGJveCIsIm9yZyI6ImFjbWUifQ.c2lnbmF0dXJlLXNlY3JldC1wYXJ0LTAxMjM0NTY3ODk',
  bearer: 'Zk9x3Lm2Qp7Rt5Vw8Yb1Nc4Hd6Jf0Gs2Ka9Ue3Wi',
  proxyPassword: 'p4ssw0rd',
  proxyUser: 'proxyuser',
  queryToken: 'abc123def456ghi789jkl012mno345',
  tenant: 'Tn7sEcReTtEnAnT0123456789abcdefXYZ',
  org: 'acme-secret',
  repo: 'widgets-private',
  runner: 'buildbox-zeta-42',
  proxyHost: 'proxy.corp.example',
  gheHost: 'ghes.acme-secret.com',
  ipv4: '10.20.30.40',
  ipv4b: '203.0.113.57',
  ipv6: '2001:db8:85a3::8a2e:370:7334',
  ipv6b: 'fe80:0:0:0:1ff:fe23:4567:890a',
  email: 'alice.smith@acme-secret.com',
  homeUser: 'alice',
  winUser: 'bob',
} as const;

/** The length the issue asks for: 36 characters after `gh?_`, 82 after `github_pat_`. */
export const SECRET_LENGTHS = { gh: 36, pat: 82 } as const;

export const SESSION_ID = '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8';
export const JOB_ID = 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13';
export const PLAN_ID = '9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58';
export const REQUEST_ID = '7319';

/**
 * A runner day with secrets of every kind in the lines that reach a report: the settings dump,
 * the proxy line, session conflicts, failures naming hosts, IPs and tokens, home paths, a
 * Worker job message naming the repository, and ERR lines no rule explains.
 * `httpTrace` adds the HostContext WARN banner of GITHUB_ACTIONS_RUNNER_HTTPTRACE.
 */
export function writeSecretsDiag(options: { httpTrace?: boolean } = {}): string {
  const s = SECRETS;
  const dir = join(tempDir('secrets'), '_diag');
  mkdirSync(dir, { recursive: true });
  const server = `https://pipelinesghubeus5.actions.githubusercontent.com/${s.tenant}`;
  const proxyUrl = `https://${s.proxyUser}:${s.proxyPassword}@${s.proxyHost}:3128`;
  const lines: string[] = [];
  if (options.httpTrace) {
    const banner = [
      '*****************************************************************************************',
      '**                                                                                     **',
      '** Http trace is enabled, all your http traffic will be dumped into runner diag log.   **',
      '** DO NOT share the log in public place! The trace may contains secrets in plain text. **',
      '**                                                                                     **',
      '*****************************************************************************************',
    ];
    for (const b of banner) lines.push(`[${stamp(0)} WARN HostContext] ${b}`);
  }
  lines.push(
    `[${stamp(0)} INFO HostContext] Configuring anonymous proxy ${proxyUrl} for all HTTP requests.`,
    `[${stamp(0)} INFO HostContext] Well known directory 'Root': '/home/${s.homeUser}/actions-runner'`,
    `[${stamp(0)} INFO Listener] Runner is built for Linux (X64) - linux-x64.`,
    `[${stamp(0)} INFO Listener] RuntimeInformation: Ubuntu 22.04.4 LTS.`,
    `[${stamp(0)} INFO Listener] Version: 2.330.0`,
    `[${stamp(0)} INFO CommandSettings] Command 'run': 'True'`,
    `[${stamp(0)} INFO MessageListener] {`,
    '  "AgentId": 17,',
    `  "AgentName": "${s.runner}",`,
    '  "PoolId": 1,',
    '  "PoolName": "Default",',
    `  "ServerUrl": "${server}/",`,
    `  "GitHubUrl": "https://github.com/${s.org}/${s.repo}",`,
    '  "WorkFolder": "_work"',
    '}',
  );
  for (let i = 0; i < 4; i++) {
    lines.push(
      `[${stamp(1 + i)} ERR  GitHubActionsService] POST request to ${server}/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Conflict`,
      `[${stamp(1 + i)} ERR  MessageListener] Catch exception during create session.`,
      `[${stamp(1 + i)} ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: The actions runner ${s.runner} already has an active session for owner ${s.runner}.`,
      '   at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)',
      `[${stamp(1 + i)} INFO MessageListener] The session for this runner already exists.`,
      `[${stamp(1 + i)} ERR  Terminal] WRITE ERROR: A session for this runner already exists.`,
      `[${stamp(1 + i)} INFO MessageListener] Sleeping for 30 seconds before retrying.`,
    );
  }
  lines.push(
    `[${stamp(6)} INFO MessageListener] Session created.`,
    `[${stamp(6)} INFO Terminal] WRITE LINE: ${stamp(6)}: Listening for Jobs`,
    `[${stamp(10)} INFO MessageListener] Message '37' received from session '${SESSION_ID}'.`,
    `[${stamp(10)} INFO JobDispatcher] Job request ${REQUEST_ID} for plan ${PLAN_ID} job ${JOB_ID} received.`,
    `[${stamp(10)} INFO Terminal] WRITE LINE: ${stamp(10)}: Running job: deploy ${s.org}/${s.repo} to ${s.gheHost}`,
    `[${stamp(10)} INFO JobDispatcher] Start renew job request ${REQUEST_ID} for job ${JOB_ID}.`,
    `[${stamp(12)} INFO JobDispatcher] Worker finished for job ${JOB_ID}. Code: 100`,
    `[${stamp(12)} INFO JobDispatcher] finish job request for job ${JOB_ID} with result: Succeeded`,
    `[${stamp(12)} INFO Terminal] WRITE LINE: ${stamp(12)}: Job deploy ${s.org}/${s.repo} to ${s.gheHost} completed with result: Succeeded`,
  );
  // Proxy failures: the proxy URL with credentials, the proxy host and its IPs.
  for (let i = 0; i < 4; i++) {
    lines.push(
      `[${stamp(20 + i)} ERR  GitHubActionsService] GET request to ${server}/_apis/distributedtask/pools/1/messages?sessionId=${SESSION_ID}&token=${s.queryToken} failed. HTTP Status: ProxyAuthenticationRequired`,
      `[${stamp(20 + i)} ERR  MessageListener] System.Net.Http.HttpRequestException: The proxy tunnel request to proxy '${proxyUrl}/' failed with status code '407'.`,
      `   at System.Net.Http.HttpConnectionPool.EstablishProxyTunnelAsync(Boolean async, CancellationToken cancellationToken)`,
      `[${stamp(20 + i)} ERR  Terminal] WRITE ERROR: ${stamp(20 + i)}: Runner connect error: The proxy tunnel request to proxy '${proxyUrl}/' failed with status code '407'.. Retrying until reconnected.`,
    );
  }
  // DNS failures naming the GHES host and addresses.
  for (let i = 0; i < 3; i++) {
    lines.push(
      `[${stamp(30 + i)} ERR  MessageListener] System.Net.Http.HttpRequestException: Name or service not known (${s.gheHost}:443)`,
      ' ---> System.Net.Sockets.SocketException (0xFFFDFFFF): Name or service not known',
      '   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)',
      `[${stamp(30 + i)} ERR  Terminal] WRITE ERROR: ${stamp(30 + i)}: Runner connect error: Name or service not known (${s.gheHost}:443). Retrying until reconnected.`,
    );
  }
  lines.push(`[${stamp(34)} INFO Terminal] WRITE LINE: ${stamp(34)}: Runner reconnected.`);
  // ERR/WARN lines no rule explains, each carrying secrets: they reach every report as patterns.
  lines.push(
    `[${stamp(40)} ERR  AcmeUploader] upload failed with Authorization: Bearer ${s.bearer} token ${s.ghp} for ${s.email}`,
    `[${stamp(41)} ERR  AcmeUploader] retry with ${s.gho} and ${s.ghs} and ${s.ghu} from ${s.ipv4} via ${s.ipv6}`,
    `[${stamp(42)} ERR  AcmeUploader] pat ${s.pat} jwt ${s.jwt}`,
    `[${stamp(43)} WARN AcmeUploader] cache at /home/${s.homeUser}/.cache and C:\\Users\\${s.winUser}\\AppData\\Local\\Temp unreachable from ${s.ipv4b} ${s.ipv6b}`,
    `[${stamp(44)} WARN AcmeUploader] clone https://github.com/${s.org}/${s.repo}.git via ${proxyUrl} on ${s.runner} (HTTP 403, GitHub.Services.Common.VssServiceException)`,
    `[${stamp(45)} ERR  AcmeUploader] callback ${server}/_apis/pipelines/workflows/1/artifacts?api-version=6.0&token=${s.queryToken} for ${s.org} at ${s.gheHost} status 503`,
    // A long line: the excerpt keeps its first 239 and last 158 characters, cutting the token.
    `[${stamp(46)} ERR  AcmeUploader] ${'word '.repeat(36)}w ${s.cut}${' tail'.repeat(80)}`,
    `[${stamp(50)} INFO Listener] Exiting...`,
  );
  writeFileSync(join(dir, 'Runner_20250304-100000-utc.log'), `${lines.join('\n')}\n`);

  // The Worker of the job: its job message names the repository.
  const worker = [
    `[${stamp(10)} INFO Worker] Version: 2.330.0`,
    `[${stamp(10)} INFO Worker] Job message:`,
    ' {',
    '  "messageType": "PipelineAgentJobRequest",',
    `  "plan": { "planId": "${PLAN_ID}", "planType": "free", "version": 12 },`,
    `  "jobId": "${JOB_ID}",`,
    `  "jobDisplayName": "deploy ${s.org}/${s.repo} to ${s.gheHost}",`,
    `  "requestId": ${REQUEST_ID},`,
    `  "contextData": { "github": { "t": 2, "d": [ { "k": "repository", "v": "${s.org}/${s.repo}" }, { "k": "workflow", "v": "deploy" } ] } }`,
    '}',
    `[${stamp(10)} INFO JobRunner] Job ID ${JOB_ID}`,
    `[${stamp(11)} ERR  GitHubActionsService] POST request to https://${s.gheHost}/api/v3/repos/${s.org}/${s.repo}/statuses failed. HTTP Status: Forbidden`,
    `[${stamp(11)} WARN JobRunner] Sending mail to ${s.email} about ${s.org}/${s.repo} from /home/${s.homeUser}/work failed`,
    `[${stamp(12)} INFO Worker] Job completed.`,
  ];
  writeFileSync(join(dir, 'Worker_20250304-101000-utc.log'), `${worker.join('\n')}\n`);
  return dir;
}

/** The values planted in `writeSecretsDiag`, each in full. */
export function plantedValues(): string[] {
  const s = SECRETS;
  return [
    s.ghp, s.gho, s.ghs, s.ghu, s.cut, s.pat, s.jwt, s.bearer, `${s.proxyUser}:${s.proxyPassword}`, s.queryToken, s.tenant, s.org, s.repo,
    s.runner, s.proxyHost, s.gheHost, s.ipv4, s.ipv4b, s.ipv6, s.ipv6b, s.email, `/home/${s.homeUser}`, `C:\\Users\\${s.winUser}`,
  ];
}

/**
 * What must never appear in a redacted report: every planted value, and the fragments that
 * would survive if a value were only partly replaced (a token cut by an excerpt, a runner name
 * whose digits a pattern template masked, an IPv6 address with masked groups, a proxy user).
 */
export function leakProbes(): string[] {
  const s = SECRETS;
  const probes = [
    ...plantedValues(),
    ...[s.ghp, s.gho, s.ghs, s.ghu, s.cut].map((t) => t.slice(4, 15)),
    s.pat.slice(11, 24),
    ...s.jwt.split('.').map((p) => p.slice(0, 16)),
    s.bearer.slice(0, 12),
    s.proxyUser,
    s.proxyPassword,
    s.runner.replace(/-\d+$/, ''),
    'corp.example',
    '85a3::8a2e',
    '1ff:fe23',
    '203.0.113',
    'alice',
    `Users\\${s.winUser}`,
  ];
  return [...new Set(probes)];
}

// Writes a realistic synthetic _diag folder of a chosen size, deterministically from a seed:
// 8 MB Runner pages, one Worker file per job (tens of KB to a few MB), multi-line exceptions
// and JSON dumps, and failure episodes (503 outages, session conflicts, DNS errors) mixed in.
//
//   node scripts/bench/generate.mjs --size 256 --seed 1 --out .bench/diag-256
//
// The lines follow the grammar of spec/runner-log-format.md; their content is invented.
import { mkdirSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export function parseArgs(argv) {
  const args = { size: 256, seed: 1, out: null, page: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') args.size = Number(argv[++i]);
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--page') args.page = Number(argv[++i]);
  }
  args.out ??= `.bench/diag-${args.size}mb-s${args.seed}`;
  return args;
}

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const stamp = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
};
const nameStamp = (ms) => stamp(ms).replace(/[-:Z]/g, '').replace(' ', '-');

class Writer {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.bytes = 0;
    this.buf = [];
    this.bufBytes = 0;
  }
  line(text) {
    this.buf.push(text);
    this.bufBytes += text.length + 1;
    this.bytes += Buffer.byteLength(text) + 1;
    if (this.bufBytes > 1 << 20) this.flush();
  }
  flush() {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.bufBytes = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

export function generate({ size, seed, out, page }) {
  const rnd = prng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const guid = () =>
    [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('')).join('-');
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const target = size * 1024 * 1024;
  const pageBytes = page * 1024 * 1024;
  const server = 'https://pipelinesghubeus21.actions.githubusercontent.com/Xq7rTb2LmN4pVw9sKd3HfYcZ6aEjU1oGi5BnRt8MxWvQy0PcLs';
  let now = Date.UTC(2026, 9, 1, 6, 0, 0);
  let total = 0;
  let files = 0;
  let lines = 0;
  let runner = null;
  let requestId = 100000;
  const session = guid();

  const newPage = (start) => {
    if (runner !== null) {
      total += runner.bytes;
      runner.close();
    }
    runner = new Writer(join(out, `Runner_${nameStamp(now)}-utc.log`));
    files++;
    if (start) startup();
  };
  const R = (level, source, msg) => {
    runner.line(`[${stamp(now)} ${level} ${source}] ${msg}`);
    lines++;
  };
  const startup = () => {
    R('INFO', 'HostContext', 'No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)');
    R('INFO', 'HostContext', "Well known directory 'Root': '/home/ci/actions-runner'");
    R('INFO', 'Listener', 'Runner is built for Linux (X64) - linux-x64.');
    R('INFO', 'Listener', 'RuntimeInformation: Ubuntu 22.04.4 LTS.');
    R('INFO', 'Listener', 'Version: 2.330.0');
    R('INFO', 'CommandSettings', "Command 'run': 'True'");
    R('INFO', 'MessageListener', '{');
    for (const l of ['  "AgentId": 42,', '  "AgentName": "bench-01",', '  "PoolId": 1,', '  "PoolName": "Default",', `  "ServerUrl": "${server}/",`, '  "GitHubUrl": "https://github.com/acme/widgets",', '  "WorkFolder": "_work"', '}']) {
      runner.line(l);
      lines++;
    }
    R('INFO', 'RSAFileKeyManager', 'Loading RSA key parameters from file /home/ci/actions-runner/.credentials_rsaparams');
    R('INFO', 'GitHubActionsService', 'AAD Correlation ID for this token request: Unknown');
    R('INFO', 'MessageListener', 'Session created.');
    R('INFO', 'Terminal', "WRITE LINE: Current runner version: '2.330.0'");
    R('INFO', 'Terminal', `WRITE LINE: ${stamp(now)}: Listening for Jobs`);
  };
  const exception = (source, type, message) => {
    R('ERR ', source, `${type}: ${message}`);
    const frames = 8 + Math.floor(rnd() * 12);
    for (let i = 0; i < frames; i++) {
      runner.line(`   at GitHub.Runner.Listener.Frame${i}.InvokeAsync(CancellationToken cancellationToken) in /home/runner/work/runner/src/File${i}.cs:line ${10 + i}`);
      if (i % 4 === 3) runner.line('--- End of stack trace from previous location ---');
    }
    lines += frames + Math.floor(frames / 4);
  };
  const outage = () => {
    const cycles = 2 + Math.floor(rnd() * 5);
    for (let c = 0; c < cycles; c++) {
      for (let a = 1; a <= 5; a++) {
        R('WARN', 'GitHubActionsService', `Attempt ${a} of GET request to ${server}/_apis/distributedtask/pools/1/messages?sessionId=${session}&status=Online&runnerVersion=2.330.0&os=Linux&architecture=X64&disableUpdate=false failed (HTTP Status: ServiceUnavailable). The operation will be retried in ${(10 + rnd() * 10).toFixed(3)} seconds.`);
        now += 12_000;
      }
      R('ERR ', 'MessageListener', 'Catch exception during get next message.');
      exception('MessageListener', 'GitHub.Services.WebApi.VssServiceResponseException', 'Service Unavailable');
      R('INFO', 'MessageListener', 'Retriable exception: Service Unavailable');
      if (c === 0) R('ERR ', 'Terminal', `WRITE ERROR: ${stamp(now)}: Runner connect error: Service Unavailable. Retrying until reconnected.`);
      R('INFO', 'RunnerServer', 'Refresh MessageQueue VssConnection to get on a different AFD node.');
      R('INFO', 'MessageListener', `Sleeping for ${(15 + rnd() * 15).toFixed(3)} seconds before retrying.`);
      now += 25_000;
    }
    R('INFO', 'Terminal', `WRITE LINE: ${stamp(now)}: Runner reconnected.`);
  };
  const conflict = () => {
    for (let i = 0; i < 3; i++) {
      R('ERR ', 'GitHubActionsService', `POST request to ${server}/_apis/distributedtask/pools/1/sessions failed. HTTP Status: Conflict`);
      R('ERR ', 'MessageListener', 'Catch exception during create session.');
      exception('MessageListener', 'GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException', 'The actions runner bench-01 already has an active session.');
      R('INFO', 'MessageListener', 'The session for this runner already exists.');
      R('ERR ', 'Terminal', 'WRITE ERROR: A session for this runner already exists.');
      R('INFO', 'MessageListener', 'Sleeping for 30 seconds before retrying.');
      now += 30_000;
    }
    R('INFO', 'MessageListener', 'Session created.');
  };
  const job = () => {
    const jobId = guid();
    const planId = guid();
    const rid = String(requestId++);
    const name = pick(['build (ubuntu, 20)', 'test (node 22)', 'lint', 'deploy-staging', 'e2e (chromium)']);
    R('INFO', 'MessageListener', `Message '${rid}' received from session '${session}'.`);
    R('INFO', 'JobDispatcher', `Job request ${rid} for plan ${planId} job ${jobId} received.`);
    R('INFO', 'MessageListener', 'Received job status event. JobState: Busy');
    R('INFO', 'Terminal', `WRITE LINE: ${stamp(now)}: Running job: ${name}`);
    R('INFO', 'JobDispatcher', `Start renew job request ${rid} for job ${jobId}.`);
    R('INFO', 'ProcessInvokerWrapper', 'Starting process:');
    R('INFO', 'ProcessInvokerWrapper', "  File name: '/home/ci/actions-runner/bin/Runner.Worker'");
    R('INFO', 'ProcessInvokerWrapper', "  Arguments: 'spawnclient 112 115'");
    const pid = 10000 + Math.floor(rnd() * 50000);
    R('INFO', 'ProcessInvokerWrapper', `Process started with process id ${pid}, waiting for process exit.`);
    const length = 20000 + Math.floor(rnd() * 60000);
    const hash = hex(64);
    R('INFO', 'JobDispatcher', `Send job request message to worker for job ${jobId}.`);
    R('INFO', 'ProcessChannel', `Sending message of length ${length}, with hash '${hash}'`);
    // The Worker log, written alongside.
    const w = new Writer(join(out, `Worker_${nameStamp(now)}-utc.log`));
    files++;
    let wt = now;
    const W = (level, source, msg) => {
      w.line(`[${stamp(wt)} ${level} ${source}] ${msg}`);
      lines++;
    };
    W('INFO', 'Worker', 'Version: 2.330.0');
    W('INFO', 'Worker', 'Waiting to receive the job message from the channel.');
    W('INFO', 'ProcessChannel', `Receiving message of length ${length}, with hash '${hash}'`);
    W('INFO', 'Worker', 'Job message:');
    w.line(' {');
    const vars = 20 + Math.floor(rnd() * 200);
    w.line('  "variables": {');
    for (let i = 0; i < vars; i++) w.line(`    "var${i}": { "value": "${hex(16)}" },`);
    w.line('    "system.github.token": { "value": "***", "isSecret": true }');
    w.line('  },');
    w.line('  "messageType": "PipelineAgentJobRequest",');
    w.line(`  "plan": { "planId": "${planId}", "planType": "free", "version": 12 },`);
    w.line(`  "jobId": "${jobId}",`);
    w.line(`  "jobDisplayName": "${name}",`);
    w.line(`  "requestId": ${rid},`);
    w.line('  "contextData": { "github": { "t": 2, "d": [ { "k": "repository", "v": "acme/widgets" } ] } }');
    w.line('}');
    lines += vars + 11;
    W('INFO', 'JobRunner', `Job ID ${jobId}`);
    const steps = 3 + Math.floor(rnd() * 8);
    const failing = rnd() < 0.1 ? Math.floor(rnd() * steps) : -1;
    for (let s = 0; s < steps; s++) {
      W('INFO', 'StepsRunner', `Processing step: DisplayName='Run step ${s}'`);
      W('INFO', 'StepsRunner', 'Evaluating: success()');
      W('INFO', 'StepsRunner', 'Result: true');
      W('INFO', 'StepsRunner', 'Starting the step.');
      const procs = 1 + Math.floor(rnd() * 30);
      for (let p = 0; p < procs; p++) {
        W('INFO', 'ProcessInvokerWrapper', 'Starting process:');
        W('INFO', 'ProcessInvokerWrapper', "  File name: '/usr/bin/bash'");
        W('INFO', 'ProcessInvokerWrapper', `  Arguments: '-e /home/ci/actions-runner/_work/_temp/${guid()}.sh'`);
        W('INFO', 'ProcessInvokerWrapper', `  Working directory: '/home/ci/actions-runner/_work/widgets/widgets'`);
        W('INFO', 'ProcessInvokerWrapper', `Process started with process id ${20000 + p}, waiting for process exit.`);
        wt += 1000 + Math.floor(rnd() * 20000);
        W('INFO', 'ProcessInvokerWrapper', `Finished process ${20000 + p} with exit code ${s === failing && p === procs - 1 ? 1 : 0}, and elapsed time 00:00:0${Math.floor(rnd() * 9)}.1234567.`);
      }
      const result = s === failing ? 'Failed' : 'Succeeded';
      W('INFO', 'StepsRunner', `Step result: ${result}`);
      W('INFO', 'ExecutionContext', 'Publish step telemetry for current step {');
      w.line(`  "action": "run",\n  "type": "run",\n  "stage": "Main",\n  "stepId": "${guid()}",\n  "result": "${result.toLowerCase()}",\n  "errorMessages": [${s === failing ? '"Process completed with exit code 1."' : ''}],\n  "executionTimeInSeconds": ${Math.floor(rnd() * 300)}\n}.`);
      lines += 8;
      if (s === failing) break;
    }
    W('INFO', 'JobRunner', `Job result after all job steps finish: ${failing >= 0 ? 'Failed' : 'Succeeded'}`);
    W('INFO', 'Worker', 'Job completed.');
    total += w.bytes;
    w.close();
    // Renewals while the job ran.
    while (now + 60_000 < wt) {
      now += 60_000;
      R('INFO', 'JobDispatcher', `Successfully renew job request ${rid}, job is valid till ${new Date(now + 600_000).toISOString()}`);
    }
    now = wt + 1000;
    const code = failing >= 0 ? 102 : 100;
    R('INFO', 'ProcessInvokerWrapper', `Finished process ${pid} with exit code ${code}, and elapsed time 00:05:12.9811022.`);
    R('INFO', 'JobDispatcher', `Worker finished for job ${jobId}. Code: ${code}`);
    R('INFO', 'JobDispatcher', `finish job request for job ${jobId} with result: ${failing >= 0 ? 'Failed' : 'Succeeded'}`);
    R('INFO', 'Terminal', `WRITE LINE: ${stamp(now)}: Job ${name} completed with result: ${failing >= 0 ? 'Failed' : 'Succeeded'}`);
    R('INFO', 'JobDispatcher', `Stop renew job request for job ${jobId}.`);
    R('INFO', 'JobDispatcher', `job renew has been cancelled, stop renew job request ${rid}.`);
    R('INFO', 'MessageListener', 'Received job status event. JobState: Online');
  };

  newPage(true);
  while (total + runner.bytes < target) {
    const r = rnd();
    if (r < 0.55) job();
    else if (r < 0.6) outage();
    else if (r < 0.62) conflict();
    else {
      // Idle: heartbeats and token refreshes, verbose-looking chatter.
      for (let i = 0; i < 20; i++) {
        now += 90_000;
        R('INFO', 'RSAFileKeyManager', 'Loading RSA key parameters from file /home/ci/actions-runner/.credentials_rsaparams');
        R('INFO', 'GitHubActionsService', 'AAD Correlation ID for this token request: Unknown');
        R('INFO', 'MessageListener', `No message retrieved from session '${session}' within last 30 minutes.`);
      }
    }
    now += 5_000 + Math.floor(rnd() * 120_000);
    if (runner.bytes >= pageBytes) {
      now += 1000;
      newPage(false);
    }
  }
  total += runner.bytes;
  runner.close();
  return { out, files, bytes: total, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const r = generate(args);
  console.log(`wrote ${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MB, ${r.lines} lines to ${r.out}`);
}

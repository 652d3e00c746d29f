/**
 * The synthetic runner day in test-logs/full-session, read through `readDiag`, checked
 * field by field against full-session/EXPECTED.md.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { RunlogEvent } from '../src/index.js';
import { collect, FULL, ofKind, only, RUNNER_1, RUNNER_2, typed, where, WORKER_1 } from './helpers.js';
import { isNotableInfo } from '../src/notable.js';

const JOB_ID = 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13';
const PLAN_ID = '9b2e4c71-5a3d-4f86-b0e9-2c7d1a6f3e58';
const SESSION_ID = '3f6c2a9e-8b1d-4e57-9a0c-5d2e7f14b6a8';
const IPC_HASH = '0f10a7078a32ff6f41e25427ec7e50f9d26356c1426dcd68e1851c23c0e6d7b6';
const SERVICE_HASH = '95bcf5a94aa01ff6b1e27da772b7571069bcc7af6bf432af46df1a326ad8e11c';
const MESSAGES_URL =
  'https://pipelinesghubeus21.actions.githubusercontent.com/Xq7rTb2LmN4pVw9sKd3HfYcZ6aEjU1oGi5BnRt8MxWvQy0PcLs/_apis/distributedtask/pools/1/messages' +
  `?sessionId=${SESSION_ID}&lastMessageId=37&status=Online&runnerVersion=2.330.0&os=Linux&architecture=X64&disableUpdate=false`;

let events: RunlogEvent[];
let stats: Awaited<ReturnType<typeof collect>>['stats'];

beforeAll(async () => {
  ({ events, stats } = await collect(FULL));
});

describe('files and process runs', () => {
  it('reads 3 files, 866 lines, and counts them per file', () => {
    expect(stats.files.map((f) => [f.path.split('/').pop(), f.kind, f.lines, f.records])).toEqual([
      [RUNNER_1, 'runner', 149, 141],
      [WORKER_1, 'worker', 626, 252],
      [RUNNER_2, 'runner', 91, 73],
    ]);
    expect(stats).toMatchObject({ lines: 866, records: 466, truncatedLines: 0, warnings: [] });
    expect(stats.events).toBe(events.length);
    expect(stats.files.every((f) => f.encoding === 'utf-8' && f.nulLines === 0)).toBe(true);
  });

  it('stitches the rollover page into the Listener process run: one runner run, one worker run', () => {
    expect(ofKind(events, 'log.file').map((e) => [where(e), e.fileKind, e.role, e.run, e.nameTime, e.envelope, e.encoding])).toEqual([
      [`${RUNNER_1}:1`, 'runner', 'start', 1, '2025-12-09T06:58:12Z', 'none', 'utf-8'],
      [`${WORKER_1}:1`, 'worker', 'start', 1, '2025-12-09T09:41:08Z', 'none', 'utf-8'],
      [`${RUNNER_2}:1`, 'runner', 'rollover', 1, '2025-12-09T09:44:40Z', 'none', 'utf-8'],
    ]);
  });

  it('merges the three files by time; a tie goes to the earlier file, and lines keep their order', () => {
    const times = events.map((e) => e.time).filter((t): t is string => t !== null);
    expect([...times].sort()).toEqual(times);
    // 09:41:08: the rest of the Runner's second (IPC send, line 133) comes before the Worker's first line.
    const ipcSent = events.findIndex((e) => e.kind === 'ipc.sent');
    const workerFile = events.findIndex((e) => e.kind === 'log.file' && e.source.file.endsWith(WORKER_1));
    expect(ipcSent).toBeLessThan(workerFile);
    // 09:44:40: page 1's last line (JobState Online) before page 2's first line.
    const online = events.findIndex((e) => e.kind === 'job.status' && e.state === 'Online');
    const page2 = events.findIndex((e) => e.kind === 'log.file' && e.source.file.endsWith(RUNNER_2));
    expect(online).toBeLessThan(page2);
    for (const file of [RUNNER_1, RUNNER_2, WORKER_1]) {
      const lines = events.filter((e) => e.source.file.endsWith(file) && e.kind !== 'job.linked').map((e) => e.source.line);
      expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    }
  });
});

describe('Listener startup', () => {
  it('runner.started: version 2.330.0, Linux X64 linux-x64, Ubuntu 22.04.4 LTS (line 7)', () => {
    const e = only(events, 'runner.started');
    expect(where(e)).toBe(`${RUNNER_1}:7`);
    expect(e).toMatchObject({
      time: '2025-12-09T06:58:12Z',
      process: 'runner',
      level: 'INFO',
      component: 'Listener',
      text: 'Version: 2.330.0',
      version: '2.330.0',
      os: 'Ubuntu 22.04.4 LTS',
      arch: 'X64',
      platform: 'Linux',
      package: 'linux-x64',
      agent: false,
    });
  });

  it("runner.command `run` (line 47) and the CommandSettings flags", () => {
    expect(where(only(events, 'runner.command'))).toBe(`${RUNNER_1}:47`);
    expect(only(events, 'runner.command').command).toBe('run');
    const options = ofKind(events, 'runner.option');
    expect(options.find((o) => o.name === 'once')).toMatchObject({ optionKind: 'flag', value: 'False' });
  });

  it('runner.settings: the PascalCase dump of lines 65-73', () => {
    const e = only(events, 'runner.settings');
    expect(where(e)).toBe(`${RUNNER_1}:65-73`);
    expect(e).toMatchObject({
      runnerName: 'build-01',
      runnerId: 17,
      poolId: 1,
      poolName: 'Default',
      serverUrl: 'https://pipelinesghubeus21.actions.githubusercontent.com/Xq7rTb2LmN4pVw9sKd3HfYcZ6aEjU1oGi5BnRt8MxWvQy0PcLs/',
      serverUrlV2: null,
      gitHubUrl: 'https://github.com/acme/widgets',
      workFolder: '_work',
      ephemeral: null,
      disableUpdate: null,
      useV2Flow: null,
    });
  });

  it('v1 message-queue flow: no runner.flow event, no proxy', () => {
    expect(ofKind(events, 'runner.flow')).toEqual([]);
    expect(ofKind(events, 'runner.proxy').filter((e) => e.process === 'runner').map((e) => [where(e), e.url, e.authenticated])).toEqual([
      [`${RUNNER_1}:1`, null, false],
    ]);
  });

  it('session: attempt (80), token (93), created (100), version and listening (102, 103)', () => {
    expect(ofKind(events, 'session.attempt').map(where)).toEqual([`${RUNNER_1}:80`]);
    expect(ofKind(events, 'token.acquired').map(where)).toEqual([`${RUNNER_1}:93`]);
    expect(ofKind(events, 'session.created').map(where)).toEqual([`${RUNNER_1}:100`]);
    expect(only(events, 'runner.version')).toMatchObject({ version: '2.330.0', source: { line: 102 } });
    expect(only(events, 'runner.listening')).toMatchObject({ time: '2025-12-09T06:58:14Z', source: { line: 103 } });
  });

  it('the two empty `WRITE LINE: ` lines stay terminal lines with an empty message', () => {
    expect(ofKind(events, 'terminal.line').filter((e) => e.message === '').map(where)).toEqual([`${RUNNER_1}:98`, `${RUNNER_1}:99`]);
  });
});

describe('the job, Listener side', () => {
  it('17 heartbeats, all for session 3f6c2a9e-…', () => {
    const beats = ofKind(events, 'poll.heartbeat');
    expect(beats.filter((e) => e.source.file.endsWith(RUNNER_1))).toHaveLength(5);
    expect(beats.filter((e) => e.source.file.endsWith(RUNNER_2))).toHaveLength(12);
    expect(new Set(beats.map((e) => e.sessionId))).toEqual(new Set([SESSION_ID]));
    expect(where(beats[0]!)).toBe(`${RUNNER_1}:105`);
  });

  it('message 37 received (110), service body 4164 bytes (111), job request 7319 (112)', () => {
    expect(only(events, 'message.received')).toMatchObject({ messageId: '37', sessionId: SESSION_ID, source: { line: 110 } });
    expect(only(events, 'job.message')).toMatchObject({ length: 4164, hash: SERVICE_HASH, source: { line: 111 } });
    expect(only(events, 'job.received')).toMatchObject({
      requestId: '7319',
      planId: PLAN_ID,
      jobId: JOB_ID,
      time: '2025-12-09T09:41:07Z',
      source: { line: 112 },
    });
  });

  it('JobState Busy (114) then Online (149); running job `build (20.x)` (115)', () => {
    expect(ofKind(events, 'job.status').map((e) => [e.state, e.source.line])).toEqual([
      ['Busy', 114],
      ['Online', 149],
    ]);
    expect(only(events, 'job.started')).toMatchObject({ jobId: JOB_ID, name: 'build (20.x)', source: { line: 115 } });
  });

  it('4 renewals 60 s apart, each tied to the job', () => {
    const renewals = ofKind(events, 'job.renewed');
    expect(renewals.map((e) => [e.source.line, e.time])).toEqual([
      [118, '2025-12-09T09:41:08Z'],
      [136, '2025-12-09T09:42:08Z'],
      [137, '2025-12-09T09:43:08Z'],
      [138, '2025-12-09T09:44:08Z'],
    ]);
    expect(renewals.every((e) => e.requestId === '7319' && e.jobId === JOB_ID)).toBe(true);
  });

  it('worker spawned as pid 48112 (131); IPC send of 3849 bytes with its hash (133)', () => {
    expect(only(events, 'worker.spawned')).toMatchObject({ pid: 48112, source: { line: 131 } });
    expect(only(events, 'ipc.sent')).toMatchObject({ length: 3849, hash: IPC_HASH, source: { line: 133 } });
  });

  it('worker exit code 100 after 00:03:32.4112843 (141, 142), job Succeeded (143)', () => {
    const exits = ofKind(events, 'process.exited').filter((e) => e.process === 'runner');
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ pid: 48112, exitCode: 100, elapsed: '00:03:32.4112843', isWorker: true, source: { line: 141 } });
    expect(only(events, 'worker.exited')).toMatchObject({ jobId: JOB_ID, exitCode: 100, source: { line: 142 } });
    expect(only(events, 'job.completed')).toMatchObject({ jobId: JOB_ID, name: 'build (20.x)', result: 'Succeeded', source: { line: 143 } });
  });

  it('the console echo of the completion (144) is not a second job.completed', () => {
    const echo = events.find((e) => e.source.file.endsWith(RUNNER_1) && e.source.line === 144)!;
    expect(echo).toMatchObject({ kind: 'terminal.line', message: 'Job build (20.x) completed with result: Succeeded' });
  });
});

describe('the job, Worker side', () => {
  it('worker.started 2.330.0 (5), IPC receive of the same length and hash (10)', () => {
    expect(only(events, 'worker.started')).toMatchObject({ version: '2.330.0', process: 'worker', source: { line: 5 } });
    expect(only(events, 'ipc.received')).toMatchObject({ length: 3849, hash: IPC_HASH, source: { line: 10 } });
  });

  it('worker.job_message: lines 12-306, ids and GitHub context from the JSON', () => {
    const e = only(events, 'worker.job_message');
    expect(where(e)).toBe(`${WORKER_1}:12-306`);
    expect(e).toMatchObject({
      jobId: JOB_ID,
      jobDisplayName: 'build (20.x)',
      jobName: 'build',
      requestId: '7319',
      planId: PLAN_ID,
      messageType: 'PipelineAgentJobRequest',
      repository: 'acme/widgets',
      workflow: 'CI',
      runId: '12873649021',
    });
  });

  it('worker.job_id (307), job result Succeeded (612), job completed (626)', () => {
    expect(only(events, 'worker.job_id')).toMatchObject({ jobId: JOB_ID, source: { line: 307 } });
    expect(only(events, 'worker.job_result')).toMatchObject({ result: 'Succeeded', source: { line: 612 } });
    expect(only(events, 'worker.job_completed')).toMatchObject({ time: '2025-12-09T09:44:39Z', source: { line: 626 } });
  });

  it('6 steps, all Succeeded, at the EXPECTED.md lines', () => {
    expect(ofKind(events, 'step.started').map((e) => [e.name, e.source.line])).toEqual([
      ['Run actions/checkout@v4', 384],
      ['Run actions/setup-node@v4', 422],
      ['Run npm ci', 460],
      ['Run npm test', 495],
      ['Post Run actions/setup-node@v4', 530],
      ['Post Run actions/checkout@v4', 568],
    ]);
    expect(ofKind(events, 'step.completed').map((e) => [e.name, e.result, e.source.line])).toEqual([
      ['Run actions/checkout@v4', 'Succeeded', 404],
      ['Run actions/setup-node@v4', 'Succeeded', 442],
      ['Run npm ci', 'Succeeded', 480],
      ['Run npm test', 'Succeeded', 515],
      ['Post Run actions/setup-node@v4', 'Succeeded', 550],
      ['Post Run actions/checkout@v4', 'Succeeded', 588],
    ]);
  });

  it('6 step-telemetry blocks ending in `}.`, all succeeded without error messages', () => {
    const t = ofKind(events, 'step.telemetry');
    expect(t.map(where)).toEqual(
      ['405-419', '443-457', '481-492', '516-527', '551-565', '589-603'].map((s) => `${WORKER_1}:${s}`),
    );
    expect(t.every((e) => e.result === 'succeeded' && e.errorMessages.length === 0)).toBe(true);
    expect(t[0]).toMatchObject({ action: 'actions/checkout', ref: 'v4', stepType: 'node20', stage: 'Main', executionTimeInSeconds: 3 });
    expect(t[4]).toMatchObject({ action: 'actions/setup-node', stage: 'Post' });
    expect(t[2]).toMatchObject({ action: 'run', ref: null, stepType: 'run' });
  });

  it('step processes exit 0 and are not the worker', () => {
    const exits = ofKind(events, 'process.exited').filter((e) => e.process === 'worker');
    expect(exits.length).toBeGreaterThanOrEqual(6);
    expect(exits.every((e) => e.exitCode === 0 && !e.isWorker)).toBe(true);
  });

  it('job.linked ties the Worker log to the Runner dispatch by job id, right after the job message', () => {
    const link = only(events, 'job.linked');
    expect(link).toMatchObject({ jobId: JOB_ID, requestId: '7319', by: 'jobId', process: 'worker' });
    expect(link.workerFile.endsWith(WORKER_1)).toBe(true);
    expect(link.runnerFile?.endsWith(RUNNER_1)).toBe(true);
    const i = events.indexOf(link);
    expect(events[i - 1]!.kind).toBe('worker.job_message');
  });
});

describe('the 503 outage and the shutdown (rollover page)', () => {
  it('20 http.failure events: 17 retried WARNs and 3 final `Attempt 6` ERRs, status 503 ServiceUnavailable', () => {
    const failures = ofKind(events, 'http.failure');
    expect(failures).toHaveLength(20);
    const warns = failures.filter((e) => e.level === 'WARN');
    const errs = failures.filter((e) => e.level === 'ERR');
    expect(warns).toHaveLength(17);
    expect(errs.map((e) => e.source.line)).toEqual([13, 35, 56]);
    expect(failures.every((e) => e.status === 503 && e.statusText === 'ServiceUnavailable' && e.method === 'GET' && e.url === MESSAGES_URL)).toBe(true);
    expect(warns[0]).toMatchObject({ attempt: 1, final: false, retryInSeconds: 10.913, reason: null, time: '2025-12-09T13:05:02Z', source: { line: 8 } });
    expect(errs[0]).toMatchObject({ attempt: 6, final: true, retryInSeconds: null });
  });

  it('3 poll errors, each with its VssServiceResponseException dump (5 frames) and a retriable classification', () => {
    expect(ofKind(events, 'poll.error').map((e) => e.source.line)).toEqual([14, 36, 57]);
    const ex = ofKind(events, 'exception');
    expect(ex.map(where)).toEqual([`${RUNNER_2}:15-21`, `${RUNNER_2}:37-43`, `${RUNNER_2}:58-64`]);
    expect(ex[0]).toMatchObject({
      type: 'GitHub.Services.WebApi.VssServiceResponseException',
      message: 'Service Unavailable',
      inner: [],
      frames: 5,
      redump: false,
      level: 'ERR',
      component: 'MessageListener',
    });
    expect(ofKind(events, 'error.classified').map((e) => [e.retriable, e.message, e.source.line])).toEqual([
      [true, 'Service Unavailable', 22],
      [true, 'Service Unavailable', 44],
      [true, 'Service Unavailable', 65],
    ]);
  });

  it('one connection.lost (23) with its reason, one connection.restored (74)', () => {
    expect(only(events, 'connection.lost')).toMatchObject({ reason: 'Service Unavailable', level: 'ERR', time: '2025-12-09T13:06:52Z', source: { line: 23 } });
    expect(only(events, 'connection.restored')).toMatchObject({ time: '2025-12-09T13:12:49Z', source: { line: 74 } });
    expect(ofKind(events, 'connection.refreshed').map((e) => e.source.line)).toEqual([24, 45, 66]);
  });

  it('retry.sleep seconds as logged (21.734 on line 29)', () => {
    expect(ofKind(events, 'retry.sleep').map((e) => [e.seconds, e.source.line, e.attemptsLeft, e.errorCount])).toEqual([
      [21.734, 29, null, null],
      [17.208, 50, null, null],
      [26.95, 71, null, null],
    ]);
  });

  it('shutdown: Ctrl-C (84), UserCancelled (85), poll cancelled (86), session deleted (90), exit code 0 cancelled (91)', () => {
    expect(ofKind(events, 'runner.shutdown').map((e) => [e.reason, e.source.line])).toEqual([
      ['Ctrl-C', 84],
      ['UserCancelled', 85],
    ]);
    expect(ofKind(events, 'poll.cancelled').filter((e) => e.source.file.endsWith(RUNNER_2)).map((e) => e.source.line)).toEqual([1, 86]);
    expect(where(only(events, 'session.deleted'))).toBe(`${RUNNER_2}:90`);
    expect(only(events, 'runner.exited')).toMatchObject({ code: 0, cancelled: true, time: '2025-12-09T16:20:04Z', source: { line: 91 } });
    expect(events[events.length - 1]!.kind).toBe('runner.exited');
  });
});

describe('the unrecognized policy', () => {
  it("`all` (default) gives every record an event; `problems` keeps unrecognized WARN/ERR and the INFO landmarks; `none` drops them", async () => {
    const all = events.filter((e) => e.kind !== 'log.file' && e.kind !== 'job.linked');
    expect(all).toHaveLength(466); // one event per record
    const problems = (await collect(FULL, { unrecognized: 'problems' })).events;
    const none = (await collect(FULL, { unrecognized: 'none' })).events;
    expect(ofKind(problems, 'unrecognized').every((e) => e.level === 'WARN' || e.level === 'ERR' || isNotableInfo(e.component, e.text))).toBe(true);
    expect(ofKind(problems, 'unrecognized').length).toBeLessThan(ofKind(events, 'unrecognized').length / 4);
    expect(ofKind(none, 'unrecognized')).toEqual([]);
    expect(typed(none)).toEqual(typed(events));
  });

  it('without linkJobs there is no job.linked', async () => {
    expect(ofKind((await collect(FULL, { linkJobs: false })).events, 'job.linked')).toEqual([]);
  });
});

/**
 * Several files → one stream (spec §1.3, §1.6, §6.5): time order with ties broken by file
 * order then line order, rollover pages stitched into process runs, Worker logs linked to the
 * job the Listener dispatched, and the same result whatever order the paths come in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFiles, type InMemoryFile, type RunlogEvent } from '../src/index.js';
import { collect, FULL, log, ofKind, only, RUNNER_1, RUNNER_2, tempDir, typed, where, WORKER_1 } from './helpers.js';

let tmp: { dir: string; cleanup(): void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

/** Writes files into a fresh sub-directory and returns its path. */
function writeDir(name: string, files: Record<string, string>): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function fileEvents(events: readonly RunlogEvent[]): [string, string, number][] {
  return ofKind(events, 'log.file').map((e) => [e.source.file.split('/').pop()!, e.role, e.run]);
}

const JOB = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const HASH = 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A Listener that dispatches one job and spawns its worker at 10:00:05. */
const DISPATCHING_RUNNER = log`
  [2024-01-01 10:00:00Z INFO HostContext] No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)
  [2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0
  [2024-01-01 10:00:05Z INFO JobDispatcher] Job request 42 for plan 11111111-2222-4333-8444-555555555555 job ${JOB} received.
  [2024-01-01 10:00:05Z INFO ProcessInvokerWrapper]   File name: '/home/ci/actions-runner/bin/Runner.Worker'
  [2024-01-01 10:00:05Z INFO ProcessInvokerWrapper] Process started with process id 4242, waiting for process exit.
  [2024-01-01 10:00:05Z INFO ProcessChannel] Sending message of length 1234, with hash '${HASH}'
  [2024-01-01 10:01:00Z INFO ProcessInvokerWrapper] Finished process 4242 with exit code 100, and elapsed time 00:00:55.0000000.
  [2024-01-01 10:01:00Z INFO JobDispatcher] Worker finished for job ${JOB}. Code: 100
`;

describe('time order', () => {
  it('interleaves files by time; equal seconds go to the earlier file, lines stay in file order', async () => {
    const dir = writeDir('interleave', {
      'Runner_20240101-100000-utc.log': log`
        [2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0
        [2024-01-01 10:00:02Z INFO MessageListener] Session created.
        [2024-01-01 10:00:04Z INFO MessageListener] Received job status event. JobState: Busy
        [2024-01-01 10:00:04Z INFO MessageListener] Received job status event. JobState: Online
      `,
      'Worker_20240101-100001-utc.log': log`
        [2024-01-01 10:00:01Z INFO Worker] Version: 2.320.0
        [2024-01-01 10:00:04Z INFO Worker] Job completed.
        [2024-01-01 10:00:05Z INFO JobRunner] Job result after all job steps finish: Succeeded
      `,
    });
    const { events } = await collect(dir);
    expect(events.map(where)).toEqual([
      'Runner_20240101-100000-utc.log:1', // log.file
      'Runner_20240101-100000-utc.log:1',
      'Worker_20240101-100001-utc.log:1', // log.file
      'Worker_20240101-100001-utc.log:1',
      'Runner_20240101-100000-utc.log:2',
      'Runner_20240101-100000-utc.log:3', // 10:00:04 tie: the Runner file sorts first...
      'Runner_20240101-100000-utc.log:4', // ...and keeps its line order
      'Worker_20240101-100001-utc.log:2',
      'Worker_20240101-100001-utc.log:3',
    ]);
  });

  it('places an event without a timestamp with the last timed event before it in its file', async () => {
    const dir = writeDir('untimed', {
      'Runner_20240101-000000-utc.log': readFileSync(join(FULL, '..', '..', 'grammar', 'no-timestamp', 'Runner_20240101-000000-utc.log'), 'utf8'),
      'Worker_20240101-000010-utc.log': '[2024-01-01 00:00:10Z INFO Worker] Version: 2.311.0\n',
    });
    const { events } = await collect(dir);
    const worker = events.findIndex((e) => e.kind === 'worker.started');
    // The untimed block after 00:00:01 (lines 4-14) comes before the worker's 00:00:10 line,
    // the timed line 15 (00:00:31) after it.
    expect(events.slice(0, worker).some((e) => e.source.line === 14)).toBe(true);
    expect(events.slice(worker).some((e) => e.source.line === 15)).toBe(true);
  });

  it('gives the same events whatever order the paths are given in', async () => {
    const paths = [join(FULL, RUNNER_1), join(FULL, WORKER_1), join(FULL, RUNNER_2)];
    const expected = (await collect(paths)).events;
    for (const order of [[2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
      expect((await collect(order.map((i) => paths[i]!))).events).toEqual(expected);
    }
    expect((await collect(FULL)).events).toEqual(expected);
  });

  it('parseFiles (in memory) merges and links like readDiag, in any order', async () => {
    const files: InMemoryFile[] = [RUNNER_1, WORKER_1, RUNNER_2].map((n) => ({ name: join(FULL, n), text: readFileSync(join(FULL, n), 'utf8') }));
    const expected = (await collect(FULL)).events;
    expect(parseFiles(files)).toEqual(expected);
    expect(parseFiles([files[2]!, files[0]!, files[1]!])).toEqual(expected);
  });
});

describe('process runs and page rollover', () => {
  it('a rollover page continues the run; a new Listener process starts run 2; Workers count their own runs', async () => {
    const dir = writeDir('runs', {
      'Runner_20240101-100000-utc.log': log`
        [2024-01-01 10:00:00Z INFO HostContext] No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)
        [2024-01-01 10:00:00Z INFO Listener] Runner is built for Linux (X64) - linux-x64.
        [2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0
      `,
      'Runner_20240101-110000-utc.log': log`
        [2024-01-01 11:00:00Z INFO MessageListener] No message retrieved from session 'a1' within last 30 minutes.
        [2024-01-01 11:30:00Z INFO Listener] Runner execution has finished with return code 0
      `,
      'Runner_20240101-120000-utc.log': log`
        [2024-01-01 12:00:00Z INFO HostContext] No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)
        [2024-01-01 12:00:00Z INFO Listener] Version: 2.321.0
      `,
      'Worker_20240101-100500-utc.log': '[2024-01-01 10:05:00Z INFO Worker] Version: 2.320.0\n',
      'Worker_20240101-101000-utc.log': '[2024-01-01 10:10:00Z INFO StepsRunner] Step result: Succeeded\n',
    });
    const { events } = await collect(dir);
    expect(fileEvents(events)).toEqual([
      ['Runner_20240101-100000-utc.log', 'start', 1],
      ['Worker_20240101-100500-utc.log', 'start', 1],
      ['Worker_20240101-101000-utc.log', 'rollover', 1],
      ['Runner_20240101-110000-utc.log', 'rollover', 1],
      ['Runner_20240101-120000-utc.log', 'start', 2],
    ]);
  });

  it('a rollover page whose first records include a mid-run `Well known directory`, the shutdown or the exit line is still a rollover', async () => {
    const dir = writeDir('rollover-markers', {
      'Runner_20240101-100000-utc.log': log`
        [2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0
      `,
      'Runner_20240101-110000-utc.log': log`
        [2024-01-01 11:00:00Z INFO HostContext] Runner will be shutdown for UserCancelled
        [2024-01-01 11:00:00Z INFO HostContext] Well known directory 'Bin': '/home/ci/actions-runner/bin'
        [2024-01-01 11:00:02Z ERR  Listener] System.OperationCanceledException: The operation was canceled.
        [2024-01-01 11:00:02Z INFO Listener] Runner execution been cancelled.
      `,
    });
    expect(fileEvents((await collect(dir)).events)).toEqual([
      ['Runner_20240101-100000-utc.log', 'start', 1],
      ['Runner_20240101-110000-utc.log', 'rollover', 1],
    ]);
  });

  it('a file whose first record is a HostContext line starts a process (spec §6.1), even abridged', async () => {
    const dir = writeDir('hostcontext-first', {
      'Runner_20240101-100000-utc.log': "[2024-01-01 10:00:00Z INFO HostContext] Well known directory 'Root': '/home/ci/a'\n",
      'Runner_20240101-100500-utc.log': "[2024-01-01 10:05:00Z INFO HostContext] Well known directory 'Root': '/home/ci/b'\n",
    });
    expect(fileEvents((await collect(dir)).events)).toEqual([
      ['Runner_20240101-100000-utc.log', 'start', 1],
      ['Runner_20240101-100500-utc.log', 'start', 2],
    ]);
  });

  it('an excerpt that starts mid-stream, with nothing before it, is run 1 of unknown role', async () => {
    const dir = writeDir('excerpt', { 'Runner_20240101-100000-utc.log': '[2024-01-01 10:00:00Z INFO MessageListener] Session created.\n' });
    expect(fileEvents((await collect(dir)).events)).toEqual([['Runner_20240101-100000-utc.log', 'unknown', 1]]);
  });

  it('a page that rolled over after 20 records is judged on its first 20 only', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `[2024-01-01 11:00:${String(i).padStart(2, '0')}Z INFO JobDispatcher] Successfully renew job request 42, job is valid till x`);
    lines.push('[2024-01-01 11:00:30Z INFO CommandSettings] Flag \'once\': \'False\'');
    const dir = writeDir('late-marker', {
      'Runner_20240101-100000-utc.log': '[2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0\n',
      'Runner_20240101-110000-utc.log': `${lines.join('\n')}\n`,
    });
    expect(fileEvents((await collect(dir)).events)[1]).toEqual(['Runner_20240101-110000-utc.log', 'rollover', 1]);
  });
});

describe('linking Worker logs to their jobs', () => {
  it('by job id, as soon as the Worker names its job', async () => {
    const dir = writeDir('link-jobid', {
      'Runner_20240101-100000-utc.log': DISPATCHING_RUNNER,
      'Worker_20240101-100005-utc.log': log`
        [2024-01-01 10:00:05Z INFO Worker] Version: 2.320.0
        [2024-01-01 10:00:05Z INFO JobRunner] Job ID ${JOB}
        [2024-01-01 10:00:59Z INFO Worker] Job completed.
      `,
    });
    const { events } = await collect(dir);
    const link = only(events, 'job.linked');
    expect(link).toMatchObject({ jobId: JOB, requestId: '42', by: 'jobId', source: { line: 2 }, time: '2024-01-01T10:00:05Z' });
    expect(link.runnerFile).toBe(join(dir, 'Runner_20240101-100000-utc.log'));
    expect(link.workerFile).toBe(join(dir, 'Worker_20240101-100005-utc.log'));
    expect(events[events.indexOf(link) - 1]!.kind).toBe('worker.job_id');
  });

  it('by the IPC length and hash when the Worker log lacks the job id (at the end of the Worker file)', async () => {
    const dir = writeDir('link-ipc', {
      'Runner_20240101-100000-utc.log': DISPATCHING_RUNNER,
      'Worker_20240101-100005-utc.log': log`
        [2024-01-01 10:00:05Z INFO Worker] Version: 2.320.0
        [2024-01-01 10:00:05Z INFO ProcessChannel] Receiving message of length 1234, with hash '${HASH}'
        [2024-01-01 10:00:59Z INFO Worker] Job completed.
      `,
    });
    const { events } = await collect(dir);
    const link = only(events, 'job.linked');
    expect(link).toMatchObject({ jobId: JOB, requestId: '42', by: 'ipc', source: { line: 3 } });
    const workerEnd = events.findIndex((e) => e.kind === 'worker.job_completed');
    expect(events.indexOf(link)).toBe(workerEnd + 1);
  });

  it('by time as a last resort: a Worker file created within seconds after the spawn', async () => {
    const dir = writeDir('link-time', {
      'Runner_20240101-100000-utc.log': DISPATCHING_RUNNER,
      'Worker_20240101-100006-utc.log': log`
        [2024-01-01 10:00:06Z INFO Worker] Version: 2.320.0
        [2024-01-01 10:00:59Z INFO Worker] Job completed.
      `,
    });
    expect(only((await collect(dir)).events, 'job.linked')).toMatchObject({ jobId: JOB, by: 'time' });
  });

  it('not at all when the Worker file is far from any spawn, or only got the empty cancel message', async () => {
    const dir = writeDir('link-none', {
      'Runner_20240101-100000-utc.log': DISPATCHING_RUNNER,
      'Worker_20240101-103000-utc.log': log`
        [2024-01-01 10:30:00Z INFO Worker] Version: 2.320.0
        [2024-01-01 10:30:00Z INFO ProcessChannel] Receiving message of length 0, with hash '${EMPTY_HASH}'
      `,
    });
    expect(ofKind((await collect(dir)).events, 'job.linked')).toEqual([]);
  });

  it('each dispatch links one Worker: two jobs, two workers, linked by IPC in the right pairs', async () => {
    const second = DISPATCHING_RUNNER.replace(/10:0(\d)/g, '10:1$1').replaceAll(JOB, JOB.replace('aaaa', 'bbbb')).replace('request 42', 'request 43').replace('1234', '999').replace(/process id 4242/, 'process id 4243');
    const dir = writeDir('link-two', {
      'Runner_20240101-100000-utc.log': DISPATCHING_RUNNER + second.split('\n').slice(2).join('\n'),
      'Worker_20240101-100005-utc.log': `[2024-01-01 10:00:05Z INFO ProcessChannel] Receiving message of length 1234, with hash '${HASH}'\n`,
      'Worker_20240101-101005-utc.log': `[2024-01-01 10:10:05Z INFO ProcessChannel] Receiving message of length 999, with hash '${HASH}'\n`,
    });
    const links = ofKind((await collect(dir)).events, 'job.linked');
    expect(links.map((l) => [l.workerFile.split('/').pop(), l.jobId, l.requestId, l.by])).toEqual([
      ['Worker_20240101-100005-utc.log', JOB, '42', 'ipc'],
      ['Worker_20240101-101005-utc.log', JOB.replace('aaaa', 'bbbb'), '43', 'ipc'],
    ]);
  });

  it('the Worker log without its Runner log: job.linked names the job, with no runner file', async () => {
    const { events } = await collect(join(FULL, WORKER_1));
    expect(only(events, 'job.linked')).toMatchObject({ jobId: 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13', runnerFile: null, requestId: '7319', by: 'jobId' });
  });

  it('parseFiles links the same way (IPC)', () => {
    const files: InMemoryFile[] = [
      { name: 'Worker_20240101-100005-utc.log', text: `[2024-01-01 10:00:05Z INFO ProcessChannel] Receiving message of length 1234, with hash '${HASH}'\n` },
      { name: 'Runner_20240101-100000-utc.log', text: DISPATCHING_RUNNER },
    ];
    expect(only(parseFiles(files), 'job.linked')).toMatchObject({ jobId: JOB, by: 'ipc', runnerFile: 'Runner_20240101-100000-utc.log' });
    expect(typed(parseFiles(files)).map((e) => e.kind)).toContain('worker.spawned');
  });
});

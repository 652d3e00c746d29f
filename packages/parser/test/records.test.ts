/**
 * Lines → records (spec §2.2): a header plus its continuation lines, with the right line and
 * endLine for every record, for each form the grammar fixtures pin down in their NOTES.md.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLines, parseText, RecordAssembler, type LogRecord } from '../src/index.js';
import { assemble, log, recordsOf, TEST_LOGS } from './helpers.js';

function readText(...parts: string[]): string {
  return readFileSync(join(TEST_LOGS, ...parts), 'utf8');
}

/** `line-endLine` of a record, or `line` for a single-line record. */
function span(r: LogRecord): string {
  return r.line === r.endLine ? String(r.line) : `${r.line}-${r.endLine}`;
}
function multiLine(records: readonly LogRecord[]): string[] {
  return records.filter((r) => r.endLine > r.line).map(span);
}
function lastLine(r: LogRecord): string {
  return r.continuation.length === 0 ? r.message : r.continuation[r.continuation.length - 1]!;
}

describe('plain trace files', () => {
  it('full-session Runner page 1: 149 lines, 141 records, the settings dump is lines 65-73', () => {
    const records = recordsOf('full-session', '_diag', 'Runner_20251209-065812-utc.log');
    expect(records).toHaveLength(141);
    expect(records.every((r) => r.level === 'INFO')).toBe(true);
    expect(multiLine(records)).toEqual(['65-73']);
    const dump = records.find((r) => r.line === 65)!;
    expect(dump).toMatchObject({ component: 'MessageListener', message: '{', endLine: 73, time: '2025-12-09T06:58:13Z' });
    expect(lastLine(dump)).toBe('}');
    expect(records[0]!.time).toBe('2025-12-09T06:58:12Z');
    expect(records[records.length - 1]).toMatchObject({ line: 149, time: '2025-12-09T09:44:40Z' });
  });

  it('full-session Runner page 2: 73 records; exception dumps with `--- End of stack trace` stay in one record', () => {
    const records = recordsOf('full-session', '_diag', 'Runner_20251209-094440-utc.log');
    expect(records).toHaveLength(73);
    const levels = records.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.level]: (acc[r.level] ?? 0) + 1 }), {});
    expect(levels).toEqual({ ERR: 10, INFO: 46, WARN: 17 });
    const first = records.find((r) => r.line === 15)!;
    expect(span(first)).toBe('15-21');
    expect(first.message).toBe('GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable');
    expect(lastLine(first)).toBe('   at GitHub.Runner.Listener.MessageListener.GetNextMessageAsync(CancellationToken token)');
    expect(first.continuation).toContain('--- End of stack trace from previous location ---');
  });

  it('full-session Worker: the job message (` {` JSON) is lines 12-306 and each telemetry block ends with `}.`', () => {
    const records = recordsOf('full-session', '_diag', 'Worker_20251209-094108-utc.log');
    expect(records).toHaveLength(252);
    const byLine = new Map(records.map((r) => [r.line, r]));
    const job = byLine.get(12)!;
    expect(job).toMatchObject({ message: 'Job message:', endLine: 306, component: 'Worker' });
    expect(job.continuation[0]).toBe(' {');
    expect(lastLine(job)).toBe('}');
    for (const [from, to] of [
      [405, 419],
      [443, 457],
      [481, 492],
      [516, 527],
      [551, 565],
      [589, 603],
    ] as const) {
      const t = byLine.get(from)!;
      expect(span(t)).toBe(`${from}-${to}`);
      expect(t.message).toBe('Publish step telemetry for current step {');
      expect(lastLine(t)).toBe('}.');
    }
    expect(byLine.get(307)?.message).toBe('Job ID c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13');
  });

  it('crlf: 43 lines, 26 records, exception 17-30, separator 31 alone, re-logged inner 32-36', () => {
    const records = recordsOf('grammar', 'crlf', 'Runner_20240301-101500-utc.log');
    expect(records).toHaveLength(26);
    expect(multiLine(records)).toEqual(['17-30', '32-36']);
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(17)!.message).toBe(
      'System.Net.Http.HttpRequestException: No such host is known. (pipelinesghubeus6.actions.githubusercontent.com:443)',
    );
    expect(byLine.get(17)!.continuation).toContain(' ---> System.Net.Sockets.SocketException (11001): No such host is known.');
    expect(byLine.get(31)!.message).toBe('#'.repeat(53));
    expect(byLine.get(32)!.message).toBe('System.Net.Sockets.SocketException (11001): No such host is known.');
    for (const r of records) {
      expect(r.message.endsWith('\r')).toBe(false);
      for (const c of r.continuation) expect(c.endsWith('\r')).toBe(false);
    }
    expect([records[0]!.time, records[25]!.time]).toEqual(['2024-03-01T10:15:00Z', '2024-03-01T10:44:13Z']);
  });

  it('bom-utf8: 62 lines, 51 records (VERB 11, ERR 5, INFO 35), settings 25-32, exception 44-48', () => {
    const records = recordsOf('grammar', 'bom-utf8', 'Agent_20250930-120000-utc.log');
    expect(records).toHaveLength(51);
    expect(records[0]).toMatchObject({ line: 1, level: 'VERB', component: 'AgentProcess', message: 'Entering MainAsync' });
    const levels = records.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.level]: (acc[r.level] ?? 0) + 1 }), {});
    expect(levels).toEqual({ VERB: 11, ERR: 5, INFO: 35 });
    expect(multiLine(records)).toEqual(['25-32', '44-48']);
  });

  it('no-timestamp: 28 lines, 20 records; timestamp-less headers start records of their own', () => {
    const records = recordsOf('grammar', 'no-timestamp', 'Runner_20240101-000000-utc.log');
    expect(records).toHaveLength(20);
    expect(records.filter((r) => r.time !== null).map((r) => r.line)).toEqual([1, 2, 3, 15, 16, 17, 28]);
    expect(records.filter((r) => r.time === null).map((r) => r.line)).toEqual([4, 5, 10, 11, 12, 13, 14, 18, 19, 24, 25, 26, 27]);
    expect(multiLine(records)).toEqual(['5-9', '19-23']);
    expect(records.find((r) => r.line === 5)).toMatchObject({ level: 'ERR', component: 'MessageListener', timeMs: null });
  });

  it('continuations: 108 lines, 22 records; ` ---> ` and `--- End of inner exception` lines continue the dump', () => {
    const records = recordsOf('grammar', 'continuations', 'Worker_20240815-093000-utc.log');
    expect(records).toHaveLength(22);
    expect(multiLine(records)).toEqual(['6-59', '64-77', '79-86', '92-105']);
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(6)!.continuation[0]).toBe(' {');
    expect(byLine.get(78)!.message).toBe('#'.repeat(53));
    expect(byLine.get(87)!.message).toBe('#'.repeat(53));
    expect(byLine.get(88)!.message).toBe('System.Net.Sockets.SocketException (104): Connection reset by peer');
    expect(lastLine(byLine.get(92)!)).toBe('}.');
  });

  it('worker-crash Runner: 44 lines, 40 records; the captured worker output 39-43 is its own ERR record', () => {
    const records = recordsOf('grammar', 'worker-crash', 'Runner_20240820-140000-utc.log');
    expect(records).toHaveLength(40);
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(38)).toMatchObject({ level: 'ERR', message: 'Unhandled exception happened in worker:', endLine: 38 });
    expect(span(byLine.get(39)!)).toBe('39-43');
  });

  it('worker-crash Worker: 76 lines, 23 records; the last line is a bare header without newline (empty message)', () => {
    const records = recordsOf('grammar', 'worker-crash', 'Worker_20240820-140002-utc.log');
    expect(records).toHaveLength(23);
    expect(records[records.length - 1]).toMatchObject({ line: 76, endLine: 76, level: 'ERR', component: 'Worker', message: '' });
    expect(multiLine(records)).toContain('7-60');
  });

  it('old-dotnet31: 21 records; the `%n` message keeps its empty last continuation line (11-20)', () => {
    const records = recordsOf('grammar', 'old-dotnet31', 'Runner_20211015-080000-utc.log');
    expect(records).toHaveLength(21);
    expect(multiLine(records)).toEqual(['11-20', '25-34', '39-51']);
    const auth = records.find((r) => r.line === 11)!;
    expect(auth.message).toBe('Authentication failed with status code 401.');
    expect(lastLine(auth)).toBe('');
    const old = '--- End of stack trace from previous location where exception was thrown ---';
    expect(records.find((r) => r.line === 25)!.continuation.filter((c) => c === old)).toHaveLength(2);
    expect(records.find((r) => r.line === 39)!.continuation.filter((c) => c === old)).toHaveLength(3);
  });

  it('pre-2.164: 47 lines, 34 records; settings 15-23 and exception 39-44', () => {
    const records = recordsOf('grammar', 'pre-2.164', 'Runner_20191201-100000-utc.log');
    expect(records).toHaveLength(34);
    expect(multiLine(records)).toEqual(['15-23', '39-44']);
  });

  it('keeps a large job message whole: a 20 000-line event payload before `repository` (real PR events are big)', () => {
    const event = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`field_${i}`, `value ${i}`]));
    const message = {
      steps: [],
      jobId: 'c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13',
      requestId: 7319,
      contextData: {
        github: {
          t: 2,
          d: [
            { k: 'event', v: { t: 2, d: Object.entries(event).map(([k, v]) => ({ k, v })) } },
            { k: 'repository', v: 'acme/widgets' },
            { k: 'run_id', v: '12873649021' },
          ],
        },
      },
    };
    const json = JSON.stringify(message, null, 2).split('\n');
    expect(json.length).toBeGreaterThan(20_000);
    const lines = ['[2025-12-09 09:41:08Z INFO Worker] Job message:', ` ${json[0]}`, ...json.slice(1), '[2025-12-09 09:41:08Z INFO JobRunner] Job ID x'];
    const [job] = parseLines(lines, { file: 'Worker_20251209-094108-utc.log', fileEvent: false });
    expect(job).toMatchObject({ kind: 'worker.job_message', repository: 'acme/widgets', runId: '12873649021', requestId: '7319', source: { line: 1, endLine: json.length + 1 } });
  });

  it('bounds a runaway record by text size as well as by line count', () => {
    const assembler = new RecordAssembler();
    const line = `   at ${'x'.repeat(60_000)}`;
    assembler.push('[2024-01-01 00:00:00Z ERR  Runner] System.Exception: x', 1);
    for (let i = 0; i < 400; i++) assembler.push(line, i + 2);
    const r = assembler.flush()!;
    expect(r.endLine).toBe(401);
    expect(r.continuation.length + r.droppedLines).toBe(400);
    expect(r.continuation.reduce((n, l) => n + l.length, 0)).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(r.droppedLines).toBeGreaterThan(0);
  });

  it('caps the continuation lines kept per record and counts the rest', () => {
    const assembler = new RecordAssembler({ maxContinuationLines: 3 });
    const lines = ['[2024-01-01 00:00:00Z ERR  Runner] System.Exception: x', ...Array.from({ length: 10 }, (_, i) => `   at F${i}()`)];
    lines.forEach((l, i) => assembler.push(l, i + 1));
    const r = assembler.flush()!;
    expect(r).toMatchObject({ line: 1, endLine: 11, droppedLines: 7 });
    expect(r.continuation).toEqual(['   at F0()', '   at F1()', '   at F2()']);
  });

  it('takes lines before the first header as console output, each its own record', () => {
    const { records } = assemble(['some paste preamble', 'second line', '[2024-01-01 00:00:00Z INFO Runner] x']);
    expect(records.map((r) => [r.component, r.line])).toEqual([
      ['Console', 1],
      ['Console', 2],
      ['Runner', 3],
    ]);
  });
});

describe('container stdout form ([RUNNER ...] / [WORKER ...])', () => {
  const records = recordsOf('grammar', 'stdout-prefixed', 'runner-stdout.log');

  it('gives 76 items: 56 RUNNER records, 8 WORKER records and 12 console lines', () => {
    expect(records).toHaveLength(76);
    expect(records.filter((r) => r.host === 'RUNNER')).toHaveLength(56);
    expect(records.filter((r) => r.host === 'WORKER')).toHaveLength(8);
    expect(records.filter((r) => r.component === 'Console').map((r) => r.line)).toEqual([22, 23, 25, 28, 30, 50, 54, 62, 81, 98, 99, 101]);
  });

  it('rejoins per-line prefixed multi-line messages that share the header (settings, exceptions)', () => {
    expect(multiLine(records)).toEqual(['8-18', '33-42', '44-47', '89-92']);
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(8)).toMatchObject({ message: '{', host: 'RUNNER', component: 'MessageListener' });
    expect(lastLine(byLine.get(8)!)).toBe('}');
    expect(byLine.get(33)!.message).toBe('System.TimeoutException: The HTTP request timed out after 00:01:00.');
    expect(byLine.get(33)!.continuation[0]).toBe(' ---> System.Threading.Tasks.TaskCanceledException: A task was canceled.');
    expect(lastLine(byLine.get(33)!)).toBe('   at GitHub.Runner.Listener.MessageListener.GetNextMessageAsync(CancellationToken token)');
  });

  it('keeps the `#####` separator with the same header as a record of its own (line 43)', () => {
    const sep = records.find((r) => r.line === 43)!;
    expect(sep).toMatchObject({ endLine: 43, level: 'ERR', message: '#'.repeat(53) });
  });

  it('takes empty console lines as console records, not as continuations of the Terminal line above', () => {
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(21)).toMatchObject({ component: 'Terminal', endLine: 21, message: 'WRITE LINE: ' });
    expect(byLine.get(22)).toMatchObject({ component: 'Console', message: '' });
  });

  it('reads console lines that carry the runner timestamp with that time', () => {
    expect(records.find((r) => r.line === 30)).toMatchObject({ component: 'Console', time: '2024-11-27T10:02:13Z' });
    expect(records.find((r) => r.line === 23)).toMatchObject({ component: 'Console', time: null });
  });

  it('rejoins stack frames with the host token stripped by a ticket only when they look like frames', () => {
    const text = log`
      [2024-11-27 10:03:13Z ERR  MessageListener] System.TimeoutException: timed out
      [2024-11-27 10:03:13Z ERR  MessageListener]    at A.B()
      [2024-11-27 10:03:13Z ERR  MessageListener] --- End of stack trace from previous location ---
      [2024-11-27 10:03:13Z INFO ProcessInvokerWrapper] Starting process:
      [2024-11-27 10:03:13Z INFO ProcessInvokerWrapper]   File name: '/usr/bin/git'
    `;
    const { records: rs } = assemble(text.trimEnd().split('\n'));
    expect(rs.map(span)).toEqual(['1-3', '4', '5']);
  });
});

describe('kubectl logs --timestamps', () => {
  const records = recordsOf('grammar', 'kubectl', 'runner-pod.log');

  it('strips the RFC3339Nano prefix of every line and gives 24 RUNNER records + 2 console lines', () => {
    expect(records).toHaveLength(26);
    expect(records.filter((r) => r.host === 'RUNNER')).toHaveLength(24);
    expect(records.filter((r) => r.component === 'Console').map((r) => r.line)).toEqual([41, 43]);
    expect(multiLine(records)).toEqual(['14-24', '32-39']);
    expect(records.find((r) => r.line === 32)!.message).toBe(
      'GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration 3b8f1d62-94ae-4c07-b5d1-7e2a0f9c6b48 was not found.',
    );
  });

  it('keeps the runner header time and places console lines at the kubectl time (to the second)', () => {
    expect(records[0]!.time).toBe('2024-04-12T10:43:32Z');
    expect(records.find((r) => r.line === 43)).toMatchObject({ component: 'Console', time: '2024-04-12T10:43:36Z' });
    expect(records.find((r) => r.line === 12)!.message).toBe("Could not parse the argument value '' for StartupType. Defaulting to Manual");
  });

  it('reports the envelope', () => {
    const events = parseText(
      '2024-04-12T10:43:32.119108875Z [RUNNER 2024-04-12 10:43:32Z INFO Listener] Version: 2.315.0\n2024-04-12T10:43:36.0574Z bye\n',
      { file: 'runner-pod.log' },
    );
    expect(events[0]).toMatchObject({ kind: 'log.file', envelope: 'kubectl' });
    expect(events.find((e) => e.kind === 'runner.started')).toMatchObject({ time: '2024-04-12T10:43:32Z', process: 'runner' });
  });
});

describe('journald (journalctl -u)', () => {
  const records = recordsOf('grammar', 'journald', 'runner-journal.txt');

  it('strips the syslog prefix: one record per line, empty payloads included', () => {
    expect(records).toHaveLength(40);
    expect(records.every((r) => r.line === r.endLine)).toBe(true);
    expect(records.filter((r) => r.message === '').map((r) => r.line)).toEqual([6, 8, 20, 22]);
    expect(records[0]!.message).toBe('Started actions.runner.acme.build-01.service - GitHub Actions Runner (acme.build-01).');
  });

  it('places lines in UTC once a payload carries a runner timestamp (year and offset from line 10)', () => {
    expect(records.find((r) => r.line === 10)!.time).toBe('2024-11-27T18:43:15Z');
    expect(records.find((r) => r.line === 15)!.time).toBe('2024-11-28T03:12:09Z'); // after the month/day rollover
    expect(records.find((r) => r.line === 35)!.time).toBe('2024-11-28T08:31:40Z');
  });

  it('parses a [RUNNER ...] stdout payload behind the journald prefix (line 40)', () => {
    expect(records[39]).toMatchObject({ host: 'RUNNER', level: 'INFO', component: 'HostContext', time: '2024-11-28T08:31:41Z' });
  });

  it('carries the year over New Year (the syslog stamp has none)', () => {
    const events = parseText(
      log`
        Dec 31 23:59:58 build-01 runsvc.sh[2127]: 2024-12-31 22:59:58Z: Listening for Jobs
        Dec 31 23:59:59 build-01 runsvc.sh[2127]: Started running service
        Jan  1 00:00:05 build-01 runsvc.sh[2127]: Runner listener exited with error code 0
      `,
      { file: 'journal.txt', fileEvent: false },
    );
    expect(events.map((e) => e.time)).toEqual(['2024-12-31T22:59:58Z', '2024-12-31T22:59:59Z', '2024-12-31T23:00:05Z']);
    const after = parseText(
      log`
        Dec 31 22:59:58 build-01 runsvc.sh[2127]: 2024-12-31 22:59:58Z: Listening for Jobs
        Jan  1 00:00:05 build-01 runsvc.sh[2127]: Runner listener exited with error code 0
        Jan  2 10:00:00 build-01 runsvc.sh[2127]: Started running service
      `,
      { file: 'journal.txt', fileEvent: false },
    );
    expect(after.map((e) => e.time)).toEqual(['2024-12-31T22:59:58Z', '2025-01-01T00:00:05Z', '2025-01-02T10:00:00Z']);
  });

  it('understands the short-iso form (journalctl -o short-iso)', () => {
    const events = parseText(
      log`
        2024-11-27T18:43:15+0000 build-01 runsvc.sh[2127]: 2024-11-27 18:43:15Z: Listening for Jobs
        2024-11-27T21:07:40+0100 build-01 runsvc.sh[2127]: Runner listener exited with error code 2
      `,
      { file: 'journal.txt' },
    );
    expect(events[0]).toMatchObject({ kind: 'log.file', envelope: 'journald' });
    expect(events.slice(1).map((e) => [e.kind, e.time])).toEqual([
      ['runner.listening', '2024-11-27T18:43:15Z'],
      ['runner.exited', '2024-11-27T20:07:40Z'],
    ]);
  });
});

describe('non-trace grammars', () => {
  it('SelfUpdate .failed: 11 lines, 9 entries; raw command output belongs to the entry above (2→1, 10→9)', () => {
    const events = parseText(
      readText('grammar', 'selfupdate', 'SelfUpdate-20240610-101530.log.failed'),
      { file: 'SelfUpdate-20240610-101530.log.failed', fileEvent: false },
    );
    const scripts = events.filter((e) => e.kind === 'update.script');
    expect(scripts.map((e) => `${e.source.line}-${e.source.endLine}`)).toEqual(['1-2', '3-3', '4-4', '5-5', '6-6', '7-7', '8-8', '9-10', '11-11']);
  });

  it('SelfUpdate .succeed: 17 lines, 13 entries; raw lines 2, 9, 11, 17 continue their entries', () => {
    const events = parseText(
      readText('grammar', 'selfupdate', 'SelfUpdate-20240611-080000.log.succeed'),
      { file: 'SelfUpdate-20240611-080000.log.succeed', fileEvent: false },
    );
    const scripts = events.filter((e) => e.kind === 'update.script');
    expect(scripts).toHaveLength(13);
    expect(scripts.filter((e) => e.source.endLine > e.source.line).map((e) => `${e.source.line}-${e.source.endLine}`)).toEqual([
      '1-2',
      '8-9',
      '10-11',
      '16-17',
    ]);
  });

  it('InternetCheck: 71 lines, 54 entries; response headers (48-57, empty last line) and body (58-66) are multi-line', () => {
    const records = recordsOf('grammar', 'check', 'InternetCheck_20240702-101010-utc.log');
    expect(records).toHaveLength(54);
    expect(multiLine(records)).toEqual(['48-57', '58-66']);
    expect(lastLine(records.find((r) => r.line === 48)!)).toBe('');
    expect(records[0]!.time).toBe('2024-07-02T10:10:10Z');
  });

  it('ActionsCheck: 336 lines, 253 entries, with the failure banners multi-line', () => {
    const records = recordsOf('grammar', 'check', 'ActionsCheck_20240702-101012-utc.log');
    expect(records).toHaveLength(253);
    const spans = multiLine(records);
    for (const s of ['131-136', '192-197', '253-258', '146-152', '207-213', '268-274', '175-182', '236-243', '297-304', '327-334', '60-71', '114-117', '72-80']) {
      expect(spans).toContain(s);
    }
  });
});

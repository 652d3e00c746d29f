/**
 * The library surface besides readDiag: the synchronous core (LogParser, parseLines,
 * parseText, parseFiles) and the Node stream adapters (createEventStream,
 * createLineParserStream, with split2 as the README shows).
 */
import { describe, expect, it } from '@jest/globals';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';
import {
  createEventStream,
  createLineParserStream,
  LogParser,
  parseFiles,
  parseLines,
  parseText,
  splitLines,
  type RunlogEvent,
} from '../src/index.js';
import { FULL, RUNNER_1, WORKER_1 } from './helpers.js';

const runnerText = readFileSync(join(FULL, RUNNER_1), 'utf8');

function sink(events: RunlogEvent[]): Writable {
  return new Writable({
    objectMode: true,
    write(e: RunlogEvent, _enc, done) {
      events.push(e);
      done();
    },
  });
}

describe('synchronous core', () => {
  it('parseText gives a log.file event first, then one event per record', () => {
    const events = parseText(runnerText, { file: RUNNER_1 });
    expect(events[0]).toMatchObject({ kind: 'log.file', fileKind: 'runner', role: 'start', run: 1, nameTime: '2025-12-09T06:58:12Z', source: { file: RUNNER_1, line: 1 } });
    expect(events).toHaveLength(1 + 141);
  });

  it('parseText without the file event, and with a default file name', () => {
    const [e] = parseText('[2024-11-21 14:05:48Z INFO MessageListener] Session created.\n', { fileEvent: false });
    expect(e).toEqual({
      kind: 'session.created',
      time: '2024-11-21T14:05:48Z',
      source: { file: '<input>', line: 1, endLine: 1 },
      process: 'runner',
      level: 'INFO',
      component: 'MessageListener',
      text: 'Session created.',
    });
  });

  it('parseText strips a BOM and CRLF; parseLines takes the lines as they are', () => {
    const text = '\uFEFF[2024-11-21 14:05:48Z INFO MessageListener] Session created.\r\n';
    expect(parseText(text, { fileEvent: false }).map((e) => e.kind)).toEqual(['session.created']);
    expect(splitLines('a\r\nb\n\nc')).toEqual(['a', 'b', '', 'c']);
    expect(parseLines(['[2024-11-21 14:05:48Z INFO MessageListener] Session created.'], { fileEvent: false })[0]!.kind).toBe('session.created');
  });

  it('the fileKind option overrides what the name implies', () => {
    const events = parseText('[2024-11-21 14:05:48Z INFO Worker] Version: 2.320.0\n', { file: 'paste.txt', fileKind: 'worker' });
    expect(events.map((e) => [e.kind, e.process])).toEqual([
      ['log.file', 'worker'],
      ['worker.started', 'worker'],
    ]);
  });

  it('the unrecognized option: all, problems, none', () => {
    const text = '[2024-11-21 14:05:48Z INFO Runner] RunAsync\n[2024-11-21 14:05:48Z WARN Runner] odd\n';
    const kinds = (u: 'all' | 'problems' | 'none'): string[] => parseText(text, { fileEvent: false, unrecognized: u }).map((e) => `${e.kind}:${e.level}`);
    expect(kinds('all')).toEqual(['unrecognized:INFO', 'unrecognized:WARN']);
    expect(kinds('problems')).toEqual(['unrecognized:WARN']);
    expect(kinds('none')).toEqual([]);
  });

  it('`problems` also keeps the INFO landmarks rules read (the catalog\'s INFO signatures), and no other INFO', () => {
    const text = [
      '[2024-11-21 14:05:48Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for job 6f1c1b3e-0000-4000-8000-000000000001.',
      '[2024-11-21 14:05:48Z INFO JobDispatcher] Pull OrchestrationId a71f0c3e.firmware.__default from JWT claims',
      '[2024-11-21 14:05:48Z INFO JobServerQueue] Try to upload 3 log files or attachments, success rate: 2/3.',
      '[2024-11-21 14:05:48Z INFO StepsRunner] Try to upload 3 log files or attachments, success rate: 2/3.',
      '[2024-11-21 14:05:48Z INFO MessageListener] Local clock might be skewed.',
    ].join('\n');
    const lines = parseText(text, { fileEvent: false, unrecognized: 'problems' }).map((e) => `${e.kind}:${e.source.line}`);
    expect(lines).toEqual(['unrecognized:1', 'unrecognized:3', 'unrecognized:5']);
  });

  it('never throws on garbage: binary noise ends up as records and events', () => {
    const noise = Array.from({ length: 200 }, (_, i) => String.fromCharCode(...Array.from({ length: 40 }, (_, j) => (i * 31 + j * 7) % 256))).join('\n');
    expect(() => parseText(`[\n]\n[2024-11-21 14:05:48Z\n{{{{\n}}}}\n${noise}`)).not.toThrow();
  });

  it('LogParser: push returns the events a line completed, flush the rest; info counts them', () => {
    const p = new LogParser({ file: WORKER_1, fileEvent: false });
    expect(p.push('[2025-12-09 09:41:08Z INFO Worker] Job message:')).toEqual([]);
    expect(p.push(' {')).toEqual([]);
    expect(p.push('  "jobId": "c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13"')).toEqual([]);
    expect(p.push('}')).toEqual([]);
    const next = p.push('[2025-12-09 09:41:08Z INFO JobRunner] Job ID c1d7e5a2-3f94-5b08-8e6c-a4b2d9f07e13');
    expect(next.map((e) => [e.kind, e.source.line, e.source.endLine])).toEqual([['worker.job_message', 1, 4]]);
    expect(p.flush().map((e) => e.kind)).toEqual(['worker.job_id']);
    expect(p.info).toEqual({ lines: 5, records: 2, events: 2 });
  });

  it('parseFiles orders in-memory files by name time, whatever order they come in', () => {
    const files = [
      { name: 'Worker_20240101-100005-utc.log', text: '[2024-01-01 10:00:05Z INFO Worker] Version: 2.320.0\n' },
      { name: 'Runner_20240101-100000-utc.log', text: '[2024-01-01 10:00:00Z INFO Listener] Version: 2.320.0\n' },
    ];
    expect(parseFiles(files).map((e) => `${e.kind}@${e.source.file}`)).toEqual([
      'log.file@Runner_20240101-100000-utc.log',
      'runner.started@Runner_20240101-100000-utc.log',
      'log.file@Worker_20240101-100005-utc.log',
      'worker.started@Worker_20240101-100005-utc.log',
    ]);
  });
});

describe('stream adapters', () => {
  it('createEventStream: bytes from a file stream in, the events of parseText out', async () => {
    const events: RunlogEvent[] = [];
    await pipeline(createReadStream(join(FULL, RUNNER_1), { highWaterMark: 1024 }), createEventStream({ file: RUNNER_1 }), sink(events));
    expect(events).toEqual(parseText(runnerText, { file: RUNNER_1 }));
  });

  it('createEventStream accepts string chunks and reports the encoding it decoded', async () => {
    const events: RunlogEvent[] = [];
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[2024-11-21 14:05:48Z INFO MessageListener] Session created.\r\n', 'utf16le')]);
    await pipeline(Readable.from([utf16]), createEventStream({ file: 'Runner_20241121-140548-utc.log' }), sink(events));
    expect(events.map((e) => e.kind)).toEqual(['log.file', 'session.created']);
    expect(events[0]).toMatchObject({ encoding: 'utf-16le' });
    const fromStrings: RunlogEvent[] = [];
    const src = new PassThrough();
    const done = pipeline(src, createEventStream({ fileEvent: false }), sink(fromStrings));
    src.write('[2024-11-21 14:05:48Z INFO MessageList');
    src.end('ener] Session created.\n');
    await done;
    expect(fromStrings.map((e) => e.kind)).toEqual(['session.created']);
  });

  it('createLineParserStream after split2 (the README pipeline) gives the events of parseText', async () => {
    const events: RunlogEvent[] = [];
    await pipeline(createReadStream(join(FULL, RUNNER_1)), split2(), createLineParserStream({ file: RUNNER_1 }), sink(events));
    expect(events).toEqual(parseText(runnerText, { file: RUNNER_1 }));
  });

  it('createLineParserStream drops the \\r that split2 leaves on CRLF lines, and takes Buffers', async () => {
    const events: RunlogEvent[] = [];
    const lines = ['[2024-03-01 10:15:02Z INFO MessageListener] Session created.\r', Buffer.from('[2024-03-01 10:15:02Z INFO Terminal] WRITE LINE: 2024-03-01 10:15:02Z: Listening for Jobs\r')];
    await pipeline(Readable.from(lines, { objectMode: true }), createLineParserStream({ fileEvent: false }), sink(events));
    expect(events.map((e) => [e.kind, e.text.endsWith('\r')])).toEqual([
      ['session.created', false],
      ['runner.listening', false],
    ]);
  });
});

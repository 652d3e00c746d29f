/**
 * Property-based tests (fast-check): whatever bytes arrive, the parser never throws, and it
 * never loses or invents a line — every line lands in exactly one record, in order.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LineDecoder, LogParser, RecordAssembler, createEventStream, type LogRecord, type RunlogEvent } from '../src/index.js';

/** Lines that look like runner output: headers of every form, continuations, garbage. */
const runnerish = fc.oneof(
  fc.constantFrom(
    '[2024-11-21 14:05:48Z ERR  MessageListener] GitHub.DistributedTask.WebApi.TaskAgentSessionConflictException: busy',
    '[2024-11-21 14:05:48Z INFO MessageListener] {',
    '  "AgentName": "build-01",',
    '}',
    '   at GitHub.Runner.Listener.MessageListener.CreateSessionAsync()',
    '--- End of stack trace from previous location ---',
    ' ---> System.IO.IOException: The response ended prematurely.',
    '[RUNNER 2024-05-06 19:27:36Z INFO Terminal] WRITE LINE: 2024-05-06 19:27:36Z: Listening for Jobs',
    '[ERR  MessageListener] Catch exception during create session.',
    'Nov 27 18:43:15 build-01 runsvc.sh[2127]: 2024-11-27 18:43:15Z: Runner reconnected.',
    '2024-04-12T10:43:32.123456789Z [RUNNER 2024-04-12 10:43:32Z INFO HostContext] hi',
    '[2024-11-21 14:05:48Z ERR  Terminal] WRITE ERROR (exception):',
    '[2024-11-21 14:05:48Z ERR  JobDispatcher] #####################################################',
    '[2024-11-21 14:05:48Z INFO Worker] Job message:',
    '',
    '[',
    '[2024-11-21 14:05:48Z',
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
);

function assemble(lines: string[]): LogRecord[] {
  const a = new RecordAssembler();
  const records: LogRecord[] = [];
  lines.forEach((line, i) => {
    const r = a.push(line, i + 1);
    if (r !== null) records.push(r);
  });
  const last = a.flush();
  if (last !== null) records.push(last);
  return records;
}

describe('the parser on arbitrary input', () => {
  it('never throws on arbitrary bytes, in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 20 }), (bytes, cuts) => {
        const decoder = new LineDecoder({ maxLineBytes: 512 });
        const parser = new LogParser({ file: 'Runner_20240101-000000-utc.log' });
        const out: RunlogEvent[] = [];
        const buf = Buffer.from(bytes);
        let at = 0;
        for (const cut of cuts) {
          decoder.push(buf.subarray(at, at + cut), (line) => parser.pushInto(line, out));
          at += cut;
        }
        decoder.push(buf.subarray(at), (line) => parser.pushInto(line, out));
        decoder.end((line) => parser.pushInto(line, out));
        parser.flushInto(out);
        for (const e of out) {
          expect(typeof e.kind).toBe('string');
          expect(e.source.line).toBeGreaterThanOrEqual(1);
          expect(e.source.endLine).toBeGreaterThanOrEqual(e.source.line);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never loses or invents a line: records tile the input exactly', () => {
    fc.assert(
      fc.property(fc.array(runnerish, { maxLength: 80 }), (lines) => {
        const records = assemble(lines);
        let expected = 1;
        let covered = 0;
        for (const r of records) {
          // Records are contiguous and in order ...
          expect(r.line).toBe(expected);
          expect(r.endLine).toBeGreaterThanOrEqual(r.line);
          // ... and each holds its lines: the header plus continuation (kept or counted).
          const held = 1 + r.continuation.length + r.droppedLines;
          expect(held).toBeLessThanOrEqual(r.endLine - r.line + 1);
          covered += r.endLine - r.line + 1;
          expected = r.endLine + 1;
        }
        expect(covered).toBe(lines.length);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes every line once: the decoder yields as many lines as there are newlines (plus a last partial one)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 50 }), fc.boolean(), (parts, finalNewline) => {
        const text = parts.map((p) => p.replace(/[\r\n]/g, '')).join('\n') + (finalNewline ? '\n' : '');
        const lines: string[] = [];
        const d = new LineDecoder();
        const bytes = Buffer.from(text, 'utf8');
        for (let i = 0; i < bytes.length; i += 7) d.push(bytes.subarray(i, i + 7), (l) => lines.push(l));
        d.end((l) => lines.push(l));
        const expected = text.length === 0 ? [] : text.split('\n');
        // A final newline ends the last line; it does not start an empty one.
        if (text.endsWith('\n')) expected.pop();
        expect(lines).toEqual(expected.map((l) => l.replace(/^\uFEFF/, '').replace(/\u0000/g, '')));
      }),
      { numRuns: 300 },
    );
  });

  it('the stream adapter yields the same events as the synchronous core', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runnerish, { maxLength: 40 }), async (lines) => {
        const text = lines.join('\n');
        const sync = new LogParser({ file: 'Runner_20240101-000000-utc.log' });
        const want: RunlogEvent[] = [];
        const d = new LineDecoder();
        d.push(Buffer.from(text, 'utf8'), (l) => sync.pushInto(l, want));
        d.end((l) => sync.pushInto(l, want));
        sync.flushInto(want);
        const stream = createEventStream({ file: 'Runner_20240101-000000-utc.log' });
        const got: RunlogEvent[] = [];
        stream.on('data', (e: RunlogEvent) => got.push(e));
        const done = new Promise((resolve) => stream.on('end', resolve));
        const bytes = Buffer.from(text, 'utf8');
        for (let i = 0; i < bytes.length; i += 13) stream.write(bytes.subarray(i, i + 13));
        stream.end();
        await done;
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });
});

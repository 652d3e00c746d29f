/**
 * Bytes → lines (spec §2.4): BOMs, UTF-16, CRLF, invalid bytes, NUL bytes, the line-length
 * cap, a missing final newline, and chunk boundaries anywhere. The binary variants are built
 * here from the text fixtures; none is committed.
 */
import { describe, expect, it } from '@jest/globals';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createEventStream, DEFAULT_MAX_LINE_BYTES, LineDecoder, parseText, type RunlogEvent } from '../src/index.js';
import { decodeLines, FULL, fixtureBytes, RUNNER_1, seeded, WORKER_1 } from './helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = '[2024-03-01 10:15:00Z INFO HostContext] hello';

function utf16le(text: string, bom: boolean): Buffer {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}
function utf16be(text: string, bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be;
}

/** Events of a byte stream pushed through createEventStream in the given chunks. */
async function streamEvents(chunks: Buffer[], file: string): Promise<RunlogEvent[]> {
  const events: RunlogEvent[] = [];
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    createEventStream({ file }),
    new Writable({
      objectMode: true,
      write(e: RunlogEvent, _enc, done) {
        events.push(e);
        done();
      },
    }),
  );
  return events;
}

function chunked(bytes: Buffer, size: (i: number) => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, size(i));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('encodings', () => {
  it('reads UTF-8 without BOM (the runner default)', () => {
    const { lines, decoder } = decodeLines(Buffer.from(`${HEADER}\nwörld √\n`));
    expect(lines).toEqual([HEADER, 'wörld √']);
    expect(decoder.stats).toMatchObject({ encoding: 'utf-8', bom: false, lines: 2 });
  });

  it('strips a UTF-8 BOM so that line 1 still parses as a header (bom-utf8 fixture)', () => {
    const bytes = fixtureBytes('grammar', 'bom-utf8', 'Agent_20250930-120000-utc.log');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { lines, decoder } = decodeLines(bytes);
    expect(decoder.stats).toMatchObject({ encoding: 'utf-8', bom: true, lines: 62 });
    expect(lines[0]).toBe('[2025-09-30 12:00:00Z VERB AgentProcess] Entering MainAsync');
  });

  it('strips a second BOM at the start of an appended line', () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\n`)]);
    expect(decodeLines(bytes).lines).toEqual([HEADER, HEADER]);
  });

  it.each([
    ['UTF-16LE with BOM', utf16le, true, 'utf-16le'],
    ['UTF-16BE with BOM', utf16be, true, 'utf-16be'],
    ['UTF-16LE without BOM (by NUL pattern)', utf16le, false, 'utf-16le'],
    ['UTF-16BE without BOM (by NUL pattern)', utf16be, false, 'utf-16be'],
  ] as const)('reads %s', (_name, encode, bom, encoding) => {
    const text = `${HEADER}\r\nwörld √ 😀\r\nlast`;
    const { lines, decoder } = decodeLines(encode(text, bom));
    expect(lines).toEqual([HEADER, 'wörld √ 😀', 'last']);
    expect(decoder.stats).toMatchObject({ encoding, bom, lines: 3 });
  });

  it('reads a UTF-16LE file fed one byte at a time (code units split across chunks)', () => {
    const text = `${HEADER}\r\n√ 😀 x\r\n`;
    expect(decodeLines(utf16le(text, true), () => 1).lines).toEqual([HEADER, '√ 😀 x']);
  });

  it('parses a UTF-16 runner log to the same events as its UTF-8 original', () => {
    const text = readFileSync(join(FULL, RUNNER_1), 'utf8');
    const expected = parseText(text, { file: RUNNER_1 });
    const { lines } = decodeLines(utf16le(text, true));
    expect(parseText(lines.join('\n'), { file: RUNNER_1 })).toEqual(expected);
  });

  it('splits CRLF files and leaves no \\r on messages, continuations or frames (crlf fixture)', () => {
    const bytes = fixtureBytes('grammar', 'crlf', 'Runner_20240301-101500-utc.log');
    expect(bytes.includes('\r\n')).toBe(true);
    const { lines } = decodeLines(bytes);
    expect(lines).toHaveLength(43);
    expect(lines.some((l) => l.includes('\r'))).toBe(false);
  });

  it('replaces invalid UTF-8 bytes with U+FFFD and keeps the rest of the line', () => {
    const bytes = Buffer.concat([Buffer.from('[2024-03-01 10:15:00Z INFO Runner] code page '), Buffer.from([0xff, 0xc3, 0x28, 0x80]), Buffer.from(' end\n')]);
    const { lines } = decodeLines(bytes);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith('[2024-03-01 10:15:00Z INFO Runner] code page ')).toBe(true);
    expect(lines[0]!.endsWith(' end')).toBe(true);
    expect(lines[0]).toContain('\uFFFD');
    // A header with garbage in the message is still a header.
    const [ev] = parseText(lines.join('\n'), { fileEvent: false });
    expect(ev).toMatchObject({ component: 'Runner', time: '2024-03-01T10:15:00Z' });
  });

  it('removes NUL bytes and counts the lines that had them', () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from('[2024-03-01 10:15:01Z INFO Run\0\0ner] a\0b\n'), Buffer.alloc(8, 0), Buffer.from('\n')]);
    const { lines, decoder } = decodeLines(bytes);
    expect(lines).toEqual([HEADER, '[2024-03-01 10:15:01Z INFO Runner] ab', '']);
    expect(decoder.stats.nulLines).toBe(2);
    expect(decoder.stats.encoding).toBe('utf-8');
  });

  it('does not mistake a file that starts with NUL padding (crash preallocation) for UTF-16', () => {
    const bytes = Buffer.concat([Buffer.alloc(16, 0), Buffer.from(`\n${HEADER}\n`)]);
    const { lines, decoder } = decodeLines(bytes);
    expect(decoder.stats.encoding).toBe('utf-8');
    expect(lines).toEqual(['', HEADER]);
  });
});

describe('line endings and the final line', () => {
  it('emits the last line of a file without final newline (worker-crash: bare header, killed mid-write)', () => {
    const bytes = fixtureBytes('grammar', 'worker-crash', 'Worker_20240820-140002-utc.log');
    expect(bytes[bytes.length - 1]).not.toBe(0x0a);
    const { lines } = decodeLines(bytes);
    expect(lines).toHaveLength(76);
    expect(lines[75]).toBe('[2024-08-20 14:06:30Z ERR  Worker] ');
  });

  it('treats a final CR without LF as a line ending', () => {
    expect(decodeLines(Buffer.from(`${HEADER}\r\nlast\r`)).lines).toEqual([HEADER, 'last']);
  });

  it('keeps empty lines, and yields nothing for an empty file', () => {
    expect(decodeLines(Buffer.from('\n\nx\n')).lines).toEqual(['', '', 'x']);
    expect(decodeLines(Buffer.alloc(0)).lines).toEqual([]);
  });

  it('reads a file shorter than the 4-byte encoding probe', () => {
    expect(decodeLines(Buffer.from('ab')).lines).toEqual(['ab']);
    expect(decodeLines(Buffer.from('a\n')).lines).toEqual(['a']);
  });

  it('splits a CRLF whose \\r and \\n arrive in different chunks', () => {
    expect(decodeLines(Buffer.from(`${HEADER}\r\nb\r\n`), () => HEADER.length + 1).lines).toEqual([HEADER, 'b']);
  });
});

describe('line-length cap', () => {
  const CAP = 1024;

  it('truncates a line longer than the cap to the cap and counts it', () => {
    const long = `[2024-03-01 10:15:00Z INFO Runner] ${'x'.repeat(5000)}`;
    const { lines, decoder } = decodeLines(Buffer.from(`${HEADER}\n${long}\nafter\n`), null, { maxLineBytes: CAP });
    expect(lines.map((l) => l.length)).toEqual([HEADER.length, CAP, 5]);
    expect(lines[1]).toBe(long.slice(0, CAP));
    expect(decoder.stats.truncatedLines).toBe(1);
  });

  it('truncates the same way when the long line arrives in small chunks', () => {
    const long = 'y'.repeat(10_000);
    const { lines, decoder } = decodeLines(Buffer.from(`${long}\nafter\n`), () => 333, { maxLineBytes: CAP });
    expect(lines).toEqual([long.slice(0, CAP), 'after']);
    expect(decoder.stats.truncatedLines).toBe(1);
  });

  it('does not count a line of exactly the cap as truncated, with LF or CRLF, whole or chunked', () => {
    const exact = 'z'.repeat(CAP);
    for (const chunk of [null, () => 100, () => CAP]) {
      const { lines, decoder } = decodeLines(Buffer.from(`${exact}\r\n${exact}\n`), chunk, { maxLineBytes: CAP });
      expect(lines).toEqual([exact, exact]);
      expect(decoder.stats.truncatedLines).toBe(0);
    }
  });

  it('does not leave half a multi-byte character at the cut', () => {
    const long = 'é'.repeat(CAP); // 2 bytes each: the cap falls inside the text, between characters
    const odd = `a${long}`; // the cap falls inside a character
    for (const text of [long, odd]) {
      const { lines } = decodeLines(Buffer.from(`${text}\n`), null, { maxLineBytes: CAP });
      expect(lines[0]).not.toContain('\uFFFD');
      expect(Buffer.byteLength(lines[0]!)).toBeLessThanOrEqual(CAP);
    }
  });

  it('truncates an over-long UTF-16 line without leaving half a surrogate pair', () => {
    const { lines, decoder } = decodeLines(utf16le(`a${'😀'.repeat(CAP)}\r\nnext\r\n`, true), () => 77, { maxLineBytes: CAP });
    expect(lines[1]).toBe('next');
    expect(decoder.stats.truncatedLines).toBe(1);
    const last = lines[0]!.charCodeAt(lines[0]!.length - 1);
    expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
  });

  it('uses a 64 KiB cap by default', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(64 * 1024);
    const long = 'q'.repeat(DEFAULT_MAX_LINE_BYTES + 10);
    const { lines, decoder } = decodeLines(Buffer.from(`${long}\n`));
    expect(lines[0]).toHaveLength(DEFAULT_MAX_LINE_BYTES);
    expect(decoder.stats.truncatedLines).toBe(1);
  });

  it('streams a 64 MB line in chunks without buffering it: held bytes stay at the cap', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61); // one buffer, pushed again and again: no garbage from the source
    const total = 64 * 1024 * 1024;
    const decoder = new LineDecoder({ maxLineBytes: CAP });
    const internals = decoder as unknown as { pieceBytes: number };
    const lines: string[] = [];
    const sink = (l: string): void => {
      lines.push(l);
    };
    const before = process.memoryUsage().arrayBuffers;
    let maxHeld = 0;
    decoder.push(Buffer.from(`${HEADER}\n[2024-03-01 10:15:01Z INFO Runner] `), sink);
    for (let sent = 0; sent < total; sent += chunk.length) {
      decoder.push(chunk, sink);
      maxHeld = Math.max(maxHeld, internals.pieceBytes);
    }
    decoder.push(Buffer.from('\nafter\n'), sink);
    decoder.end(sink);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(maxHeld).toBeLessThanOrEqual(CAP + 1);
    expect(grown).toBeLessThan(16 * 1024 * 1024); // a whole-line buffer would be 64 MB
    expect(lines).toHaveLength(3);
    expect(lines[1]).toHaveLength(CAP);
    expect(lines[2]).toBe('after');
    expect(decoder.stats.truncatedLines).toBe(1);
    expect(decoder.stats.bytes).toBeGreaterThan(total);
  });

  it('streams a 64 MB line through createEventStream and still parses the lines around it', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x62);
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${HEADER}\n[2024-03-01 10:15:01Z INFO Runner] `);
      for (let sent = 0; sent < 64 * 1024 * 1024; sent += chunk.length) yield chunk;
      yield Buffer.from('\n[2024-03-01 10:15:02Z INFO MessageListener] Session created.\n');
    }
    const events: RunlogEvent[] = [];
    await pipeline(
      Readable.from(source()),
      createEventStream({ file: 'Runner_20240301-101500-utc.log', maxLineBytes: 4096 }),
      new Writable({
        objectMode: true,
        write(e: RunlogEvent, _enc, done) {
          events.push(e);
          done();
        },
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['log.file', 'unrecognized', 'unrecognized', 'session.created']);
    expect(events[2]!.text.length).toBeLessThanOrEqual(4096);
  });
});

describe('chunk boundaries anywhere', () => {
  const fixtures: [string, Buffer][] = [
    ['full-session Runner page 1', fixtureBytes('full-session', '_diag', RUNNER_1)],
    ['full-session Worker (JSON dumps, telemetry)', fixtureBytes('full-session', '_diag', WORKER_1)],
    ['CRLF', fixtureBytes('grammar', 'crlf', 'Runner_20240301-101500-utc.log')],
    ['UTF-8 BOM', fixtureBytes('grammar', 'bom-utf8', 'Agent_20250930-120000-utc.log')],
    ['stdout form with √', fixtureBytes('grammar', 'stdout-prefixed', 'runner-stdout.log')],
    ['no final newline', fixtureBytes('grammar', 'worker-crash', 'Worker_20240820-140002-utc.log')],
    ['UTF-16LE', utf16le(readFileSync(join(FULL, RUNNER_1), 'utf8'), true)],
  ];

  it.each(fixtures)('LineDecoder gives the same lines for %s fed byte by byte', (_name, bytes) => {
    const whole = decodeLines(bytes);
    const bytewise = decodeLines(bytes, () => 1);
    expect(bytewise.lines).toEqual(whole.lines);
    expect(bytewise.decoder.stats).toEqual(whole.decoder.stats);
  });

  it.each(fixtures)('LineDecoder gives the same lines for %s in random chunk sizes', (_name, bytes) => {
    const whole = decodeLines(bytes).lines;
    for (const seed of [1, 2, 3]) {
      const rnd = seeded(seed);
      expect(decodeLines(bytes, () => 1 + Math.floor(rnd() * 97)).lines).toEqual(whole);
    }
  });

  it.each(fixtures.slice(0, 5))('createEventStream gives the events of whole-file parsing for %s in any chunking', async (name, bytes) => {
    const file = name.includes('Worker') ? WORKER_1 : name.includes('BOM') ? 'Agent_20250930-120000-utc.log' : RUNNER_1;
    const expected = parseText(bytes.toString('utf8'), { file });
    expect(await streamEvents([bytes], file)).toEqual(expected);
    expect(await streamEvents(chunked(bytes, () => 1), file)).toEqual(expected);
    const rnd = seeded(42);
    expect(await streamEvents(chunked(bytes, () => 1 + Math.floor(rnd() * 500)), file)).toEqual(expected);
  });
});

/**
 * Node stream adapters around the synchronous parser core, for piping:
 *
 *   fs.createReadStream('Runner_20241121-140548-utc.log')
 *     .pipe(createEventStream({ file: 'Runner_20241121-140548-utc.log' }))
 *     .on('data', (event) => ...);
 *
 * `createLineParserStream` takes lines instead of bytes, e.g. from split2:
 *
 *   source.pipe(split2()).pipe(createLineParserStream({ file }))
 */
import { Transform, type TransformCallback } from 'node:stream';
import { LineDecoder } from './decode.js';
import type { RunlogEvent } from './events.js';
import { LogParser, type ParserOptions } from './parser.js';

export interface EventStreamOptions extends ParserOptions {
  maxLineBytes?: number;
}

/** Bytes in (any chunking, any supported encoding), events out (object mode). */
export function createEventStream(options: EventStreamOptions = {}): Transform {
  const decoder = new LineDecoder(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes });
  const parser = new LogParser({
    ...options,
    get encoding() {
      return decoder.stats.encoding;
    },
  });
  let out: RunlogEvent[] = [];
  const sink = (line: string): void => parser.pushInto(line, out);
  const drain = (t: Transform): void => {
    for (const e of out) t.push(e);
    out = [];
  };
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback) {
      decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, sink);
      drain(this);
      done();
    },
    flush(done: TransformCallback) {
      decoder.end(sink);
      parser.flushInto(out);
      drain(this);
      done();
    },
  });
}

/** Lines in (strings without newline, object mode), events out (object mode). */
export function createLineParserStream(options: ParserOptions = {}): Transform {
  const parser = new LogParser(options);
  let out: RunlogEvent[] = [];
  const drain = (t: Transform): void => {
    for (const e of out) t.push(e);
    out = [];
  };
  return new Transform({
    objectMode: true,
    transform(line: unknown, _enc: BufferEncoding, done: TransformCallback) {
      const text = typeof line === 'string' ? line : Buffer.isBuffer(line) ? line.toString('utf8') : String(line);
      parser.pushInto(text.endsWith('\r') ? text.slice(0, -1) : text, out);
      drain(this);
      done();
    },
    flush(done: TransformCallback) {
      parser.flushInto(out);
      drain(this);
      done();
    },
  });
}

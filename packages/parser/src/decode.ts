/**
 * Bytes → lines, streaming. Decides the encoding from the first bytes (UTF-8 with or without
 * BOM, UTF-16LE/BE with BOM or by their NUL pattern), splits on `\n` and drops a trailing
 * `\r`, replaces invalid bytes with U+FFFD, removes NUL bytes, and caps line length: a longer
 * line is truncated and counted, and its excess bytes are skipped, never buffered.
 *
 * UTF-8 is split at the byte level: 0x0A never occurs inside a multi-byte sequence, so a line
 * is decoded once, whole, and chunk boundaries cannot split a character.
 */

import { TextDecoder } from 'node:util';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodeStats {
  bytes: number;
  lines: number;
  /** Lines longer than the cap, cut to it. */
  truncatedLines: number;
  /** Lines that held NUL bytes (removed). */
  nulLines: number;
  encoding: TextEncoding;
  bom: boolean;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export type LineSink = (line: string) => void;

export class LineDecoder {
  readonly stats: DecodeStats = { bytes: 0, lines: 0, truncatedLines: 0, nulLines: 0, encoding: 'utf-8', bom: false };
  private readonly maxLine: number;
  private decided = false;
  /** Bytes held until the encoding can be decided (fewer than 4 seen). */
  private probe: Buffer | null = null;
  // UTF-8 state: pieces of the current partial line, their total length, and whether the
  // line already went over the cap (then the rest is skipped until the next newline).
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private overflow = false;
  // UTF-16 state.
  private textDecoder: TextDecoder | null = null;
  private carry = '';
  private carryOverflow = false;

  constructor(options: { maxLineBytes?: number } = {}) {
    this.maxLine = Math.max(256, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  push(chunk: Buffer, sink: LineSink): void {
    this.stats.bytes += chunk.length;
    let buf = chunk;
    if (!this.decided) {
      buf = this.probe === null ? chunk : Buffer.concat([this.probe, chunk]);
      if (buf.length < 4) {
        this.probe = buf;
        return;
      }
      this.probe = null;
      buf = this.decide(buf);
    }
    if (this.textDecoder !== null) this.pushText(this.textDecoder.decode(buf, { stream: true }), sink);
    else this.pushUtf8(buf, sink);
  }

  end(sink: LineSink): void {
    if (!this.decided) {
      const buf = this.probe ?? Buffer.alloc(0);
      this.probe = null;
      const rest = this.decide(buf);
      if (this.textDecoder !== null) this.pushText(this.textDecoder.decode(rest, { stream: true }), sink);
      else this.pushUtf8(rest, sink);
    }
    if (this.textDecoder !== null) {
      this.pushText(this.textDecoder.decode(), sink);
      if (this.carry.length > 0 || this.carryOverflow) this.emitText(this.carry, sink);
      this.carry = '';
      this.carryOverflow = false;
      return;
    }
    if (this.pieceBytes > 0 || this.overflow) {
      const line = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.pieceBytes);
      this.pieces = [];
      this.pieceBytes = 0;
      this.emitBytes(line, 0, line.length, sink);
    }
  }

  private decide(buf: Buffer): Buffer {
    this.decided = true;
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.stats.bom = true;
      return buf.subarray(3);
    }
    if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
      this.useText('utf-16le', true);
      return buf.subarray(2);
    }
    if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
      this.useText('utf-16be', true);
      return buf.subarray(2);
    }
    // No BOM: ASCII text in UTF-16 has a NUL in every other byte.
    if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) this.useText('utf-16le', false);
    else if (buf.length >= 4 && buf[0] === 0 && buf[1] !== 0 && buf[2] === 0 && buf[3] !== 0) this.useText('utf-16be', false);
    return buf;
  }

  private useText(encoding: 'utf-16le' | 'utf-16be', bom: boolean): void {
    this.stats.encoding = encoding;
    this.stats.bom = bom;
    this.textDecoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
  }

  private pushUtf8(buf: Buffer, sink: LineSink): void {
    let start = 0;
    const len = buf.length;
    while (start < len) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) {
        this.hold(buf, start, len);
        return;
      }
      if (this.pieceBytes > 0 || this.overflow) {
        this.hold(buf, start, nl);
        const line = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.pieceBytes);
        this.pieces = [];
        this.pieceBytes = 0;
        this.emitBytes(line, 0, line.length, sink);
      } else {
        this.emitBytes(buf, start, nl, sink);
      }
      start = nl + 1;
    }
  }

  /**
   * Keeps part of a line that continues in the next chunk, up to the cap plus one byte: a
   * line exactly at the cap may still be followed by the `\r` of its CRLF.
   */
  private hold(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const room = this.maxLine + 1 - this.pieceBytes;
    if (room <= 0) {
      this.overflow = true;
      return;
    }
    const take = Math.min(room, to - from);
    // Copy: the caller's chunk must not be pinned by a partial line.
    this.pieces.push(Buffer.from(buf.subarray(from, from + take)));
    this.pieceBytes += take;
    if (take < to - from) this.overflow = true;
  }

  private emitBytes(buf: Buffer, from: number, to: number, sink: LineSink): void {
    let end = to;
    let truncated = this.overflow;
    this.overflow = false;
    if (!truncated && end > from && buf[end - 1] === 13) end--; // CRLF
    if (end - from > this.maxLine) {
      end = from + this.maxLine;
      truncated = true;
    }
    let line = buf.toString('utf8', from, end);
    if (truncated) {
      this.stats.truncatedLines++;
      // A cut can split a multi-byte character; drop the replacement char it leaves.
      if (line.charCodeAt(line.length - 1) === 0xfffd) line = line.slice(0, -1);
    }
    this.emit(line, sink);
  }

  private pushText(text: string, sink: LineSink): void {
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        this.holdText(text, start, text.length);
        return;
      }
      if (this.carry.length > 0 || this.carryOverflow) {
        this.holdText(text, start, nl);
        this.emitText(this.carry, sink);
        this.carry = '';
      } else {
        this.emitText(text.slice(start, Math.min(nl, start + this.maxLine + 1)), sink, nl - start > this.maxLine + 1);
      }
      start = nl + 1;
    }
  }

  private holdText(text: string, from: number, to: number): void {
    const room = this.maxLine + 1 - this.carry.length; // + 1: see hold()
    if (room <= 0) {
      if (to > from) this.carryOverflow = true;
      return;
    }
    const take = Math.min(room, to - from);
    this.carry += text.slice(from, from + take);
    if (take < to - from) this.carryOverflow = true;
  }

  private emitText(text: string, sink: LineSink, cut = false): void {
    let truncated = cut || this.carryOverflow;
    this.carryOverflow = false;
    let line = text;
    if (!truncated && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length > this.maxLine) {
      line = line.slice(0, this.maxLine);
      truncated = true;
    }
    if (truncated) {
      this.stats.truncatedLines++;
      // A cut can split a surrogate pair; drop the lone high half.
      const last = line.charCodeAt(line.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) line = line.slice(0, -1);
    }
    this.emit(line, sink);
  }

  private emit(line: string, sink: LineSink): void {
    let out = line;
    // An appended file can carry a second BOM at the start of a line.
    if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    if (out.indexOf('\u0000') >= 0) {
      this.stats.nulLines++;
      out = out.replace(/\u0000/g, '');
    }
    this.stats.lines++;
    sink(out);
  }
}

/**
 * .NET exception dumps (spec §2.2, §3 `ParsedException`):
 *
 *   GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration ... was not found.
 *      at GitHub.Services.OAuth.VssOAuthTokenProvider.OnGetTokenAsync(...)
 *    ---> System.IO.IOException: The response ended prematurely.
 *      --- End of inner exception stack trace ---
 *   --- End of stack trace from previous location ---
 */
import type { ExceptionInfo } from './events.js';

function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 46 || // .
    c === 96 || // ` (generic arity)
    c === 43 // + (nested types)
  );
}

/**
 * Reads `Namespace.TypeException: message` starting at `from`. The type must be a dotted
 * identifier ending in `Exception` (or `Error`, for a few .NET types). Returns null otherwise.
 */
export function exceptionAt(text: string, from = 0): ExceptionInfo | null {
  const c0 = text.charCodeAt(from);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) return null;
  let i = from;
  while (i < text.length && isIdentChar(text.charCodeAt(i))) i++;
  const type = text.slice(from, i);
  if (!(type.endsWith('Exception') || type.endsWith('Error'))) return null;
  // `SocketException (11001): No such host is known.`, `SocketException (00000005, 0xFFFDFFFF): ...`:
  // .NET writes the native error code in parentheses between the type and the message.
  if (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 40 /* ( */) {
    const close = text.indexOf(')', i + 2);
    if (close < 0 || close - i > 48) return null;
    i = close + 1;
  }
  if (i === text.length) return { type, message: '' };
  if (text.charCodeAt(i) !== 58 /* : */) return null;
  return { type, message: text.slice(text.charCodeAt(i + 1) === 32 ? i + 2 : i + 1) };
}

/** A dotted type name: an exception line is `X.Y.FooException`, not a bare `FooException` in prose. */
export function isQualifiedExceptionLine(text: string): boolean {
  const e = exceptionAt(text);
  return e !== null && e.type.includes('.');
}

export interface ParsedException extends ExceptionInfo {
  inner: ExceptionInfo[];
  frames: number;
}

/** Parses a whole dump: the first line plus continuation lines. */
export function parseExceptionDump(first: string, continuation: readonly string[]): ParsedException | null {
  const head = exceptionAt(first);
  if (head === null) return null;
  const inner: ExceptionInfo[] = [];
  let frames = 0;
  for (const line of continuation) {
    const t = line.trimStart();
    if (t.startsWith('at ')) {
      frames++;
    } else if (t.startsWith('---> ')) {
      const e = exceptionAt(t, 5);
      if (e !== null) inner.push(e);
    }
  }
  // An AggregateException's message repeats its inners in parentheses; the ` ---> ` lines
  // carry them one by one, which is what rules need.
  return { type: head.type, message: head.message, inner, frames };
}

/** Finds the first `Qualified.TypeException: message` embedded in free text (`Caught exception ...: <ex>`). */
export function findEmbeddedException(text: string): ExceptionInfo | null {
  let at = text.indexOf('Exception');
  while (at >= 0) {
    // Walk back to the start of the dotted identifier, then forward to its end: each
    // identifier is visited once, so the scan stays linear however the text repeats.
    let start = at;
    while (start > 0 && isIdentChar(text.charCodeAt(start - 1))) start--;
    const e = exceptionAt(text, start);
    if (e !== null && e.type.includes('.')) return e;
    let end = at;
    while (end < text.length && isIdentChar(text.charCodeAt(end))) end++;
    at = text.indexOf('Exception', end);
  }
  return null;
}

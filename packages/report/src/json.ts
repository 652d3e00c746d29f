/**
 * The JSON report: the `AnalysisResult` contract, pretty-printed. Key order is the order the
 * result is built in, which is fixed, so the same input gives byte-identical output.
 */
import type { AnalysisResult } from '@runlog/rules';

// JSON.stringify escapes C0 controls (ESC is written `\u001b`) but writes DEL, C1 controls (a
// one-character CSI, U+009B), line/paragraph separators and bidirectional overrides as they
// are. They only occur inside strings, so escaping them keeps the value and the bytes safe to
// print on a terminal.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `JSON.stringify`, with the characters a terminal or editor could act on escaped as `\uXXXX`. */
export function jsonText(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatJson(result: AnalysisResult): string {
  return `${jsonText(result, 2)}\n`;
}

/**
 * The CLI is the single error boundary (as in changesets): expected failures become one
 * line on stderr and exit code 2; anything else is an internal error, reported without a
 * stack trace unless RUNLOG_DEBUG is set.
 */
import { RunlogInputError } from '@runlog/parser';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A usage or input problem the user can fix: printed as `runlog: <message>`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function describeError(err: unknown, debug: boolean): string {
  if (err instanceof RunlogInputError) return `runlog: cannot read ${err.path}: ${err.reason}`;
  if (err instanceof UsageError) return `runlog: ${err.message}`;
  if (isBrokenPipe(err)) return '';
  const message = err instanceof Error ? err.message : String(err);
  if (debug && err instanceof Error && err.stack) return `runlog: internal error: ${err.stack}`;
  return `runlog: internal error: ${oneLine(message)} (this is a bug in runlog; please report it, with RUNLOG_DEBUG=1 for details)`;
}

/** `runlog events ... | head` closes stdout early: not an error worth a message. */
export function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}

function oneLine(text: string): string {
  return joinLines(text).slice(0, 500);
}

/**
 * Folds a multi-line message onto one line: each line break, with the white space around it,
 * becomes one space. What replacing `\s*\n\s*` (global) with a space did, without that
 * pattern's quadratic time on a long run of white space that holds no line break (recheck:
 * polynomial).
 */
export function joinLines(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  const last = lines.length - 1;
  const kept: string[] = [];
  lines.forEach((line, i) => {
    const t = i === 0 ? line.trimEnd() : i === last ? line.trimStart() : line.trim();
    // A blank line between two breaks is part of one run of white space: one space in all.
    if (t.length > 0 || i === 0 || i === last) kept.push(t);
  });
  return kept.join(' ');
}

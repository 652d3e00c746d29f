/**
 * The only errors the parser throws: an input that cannot be read at all. Log content never
 * throws. Each error names the path and says what is wrong in words a user can act on.
 */

export type InputErrorCode =
  | 'not-found'
  | 'permission-denied'
  | 'not-a-log'
  | 'no-logs'
  | 'no-match'
  | 'unreadable'
  | 'corrupt-archive'
  | 'archive-limit'
  | 'stdin-unavailable';

export class RunlogInputError extends Error {
  override readonly name = 'RunlogInputError';

  constructor(
    readonly path: string,
    readonly code: InputErrorCode,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** A problem with one input that does not stop the analysis: shown in the report. */
export interface DiagWarning {
  path: string;
  code: InputErrorCode | 'truncated-lines' | 'nul-bytes' | 'decompress-failed' | 'http-trace';
  message: string;
}

/** Turns a Node `fs` error into the reason a user reads. */
export function describeFsError(err: unknown): { code: InputErrorCode; reason: string } {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return { code: 'not-found', reason: 'no such file or directory' };
    case 'EACCES':
    case 'EPERM':
      return { code: 'permission-denied', reason: 'permission denied' };
    case 'ELOOP':
      return { code: 'unreadable', reason: 'too many levels of symbolic links' };
    case 'EISDIR':
      return { code: 'unreadable', reason: 'is a directory' };
    case 'ENOTDIR':
      return { code: 'not-found', reason: 'a parent of this path is not a directory' };
    case 'EMFILE':
    case 'ENFILE':
      return { code: 'unreadable', reason: 'too many open files' };
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return { code: 'unreadable', reason: message.replace(/^[A-Z]+: /, '') };
    }
  }
}

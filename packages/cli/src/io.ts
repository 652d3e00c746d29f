/**
 * The CLI's view of the process: streams, environment, terminal facts. Commands receive this
 * object instead of touching `process`, so they can be run and tested as plain functions.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * yargs drops a lone `-` (standard input) from positional arrays: it re-reads `--paths -` and
 * takes the `-` for a flag. It travels through yargs as this token; `inputPaths` turns it back.
 */
export const STDIN_ARG = '<stdin>';

/** The paths a command was given, with standard input as `-` again. */
export function inputPaths(paths: readonly string[]): string[] {
  return paths.map((p) => (p === STDIN_ARG ? '-' : p));
}

/** Writes text, waiting when the stream asks for back-pressure (large NDJSON outputs). */
export function write(stream: Writable, text: string): Promise<void> | void {
  if (stream.write(text)) return;
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

#!/usr/bin/env node
/**
 * The `runlog` executable: the only module that touches `process`.
 */
import { main } from './main.js';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `runlog events ... | head`: the reader went away; stop quietly.
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`runlog: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);

#!/usr/bin/env node
/**
 * The `runlog` executable: the only module that touches `process`.
 */
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// V8 grows its heap by a factor of up to 4 after each full GC when allocation is fast, and
// runlog allocates fast: a 1 GB _diag peaked at 284 MB RSS over a live set of ~40 MB. A growth
// factor of 1.2 keeps the peak at 191 MB for about 10% more time (README, Performance). Left
// alone when the user chose a value on the node command line.
const HEAP_GROWTH = '--heap-growing-percent';
if (!process.execArgv.some((arg) => arg.startsWith(HEAP_GROWTH))) setFlagsFromString(`${HEAP_GROWTH}=20`);

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

// Counts what happened in a runner's _diag folder using @runlog/parser's public API:
//   node index.mjs <path-to-_diag>
// Prints one summary line per event kind that occurred, then the runner's facts.
import { readDiag, parseText } from '@runlog/parser';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node index.mjs <_diag directory or log files>');
  process.exit(2);
}

const counts = new Map();
let version = null;
let runnerName = null;
const diag = readDiag(paths);
for await (const event of diag) {
  counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
  if (event.kind === 'runner.started') version = event.version;
  if (event.kind === 'runner.settings') runnerName = event.runnerName;
}
for (const [kind, n] of [...counts].sort()) console.log(`${kind}\t${n}`);
console.log(`runner ${runnerName ?? '(unknown)'} version ${version ?? '(unknown)'}: ${diag.stats.files.length} files, ${diag.stats.lines} lines`);

// The synchronous API parses a string, for tests and small inputs.
const [event] = parseText('[2024-11-21 14:05:48Z INFO MessageListener] Session created.\n', { fileEvent: false });
console.log(`parseText: ${event.kind} at ${event.time}`);

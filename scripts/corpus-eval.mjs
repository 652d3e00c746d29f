// Runs the analysis over every case of a corpus (default ../shared/corpus) and prints top-1
// accuracy (first cause id equals case.json's root_cause; for `healthy` cases: no error or
// warning cause), recall of secondary causes (among all causes and symptoms), and false
// alarms on healthy cases. Usage: node scripts/corpus-eval.mjs [corpus-dir] [--verbose]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeDiag } from '../packages/rules/dist/index.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const root = resolve(args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../../shared/corpus', import.meta.url)));
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'case.json')))
  .map((d) => d.name)
  .sort();

let top1 = 0;
let secondaryWanted = 0;
let secondaryFound = 0;
let healthyCases = 0;
let falseAlarms = 0;
const rows = [];
for (const name of cases) {
  const dir = join(root, name);
  const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
  const result = await analyzeDiag([join(dir, '_diag')]);
  const causes = result.diagnosis.causes;
  const alarms = causes.filter((c) => c.severity !== 'info');
  const ids = new Set(causes.flatMap((c) => [c.id, ...c.symptoms.map((s) => s.id)]));
  let ok;
  if (meta.root_cause === 'healthy') {
    healthyCases++;
    ok = alarms.length === 0;
    if (!ok) falseAlarms++;
  } else {
    ok = causes[0]?.id === meta.root_cause;
  }
  if (ok) top1++;
  for (const s of meta.secondary_causes ?? []) {
    secondaryWanted++;
    if (ids.has(s)) secondaryFound++;
  }
  rows.push({ name, expected: meta.root_cause, got: causes.map((c) => `${c.id}(${c.severity})`).join(' > ') || `(none: ${result.diagnosis.verdict})`, ok });
}
for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(48)} expected ${r.expected.padEnd(30)} got ${r.got}`);
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
console.log('');
console.log(`cases: ${cases.length}`);
console.log(`top-1 accuracy: ${top1}/${cases.length} (${pct(top1, cases.length)})`);
console.log(`secondary-cause recall: ${secondaryFound}/${secondaryWanted} (${pct(secondaryFound, secondaryWanted)})`);
console.log(`false alarms on healthy cases: ${falseAlarms}/${healthyCases}`);
if (verbose) console.log(JSON.stringify(rows, null, 2));

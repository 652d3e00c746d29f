// Writes src/rules/<id>/<id>.md for every rule folder from the rule's meta (built dist).
// Run `pnpm --filter @runlog/rules docs:rules` after `tsc -b` whenever a rule's meta changes;
// the catalog test fails when a page is out of date.
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderRuleDoc } from '../dist/docs.js';

const src = fileURLToPath(new URL('../src/rules/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/rules/', import.meta.url));
let n = 0;
for (const entry of readdirSync(src, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const id = entry.name;
  const built = `${dist}${id}/${id}.js`;
  if (!existsSync(built)) {
    console.error(`skipped ${id}: ${built} is not built (run tsc -b)`);
    continue;
  }
  const rule = (await import(pathToFileURL(built).href)).default;
  writeFileSync(`${src}${id}/${id}.md`, renderRuleDoc(rule.meta));
  n++;
}
console.log(`wrote ${n} rule pages`);

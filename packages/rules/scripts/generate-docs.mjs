// Writes rules/<id>/<id>.md for every rule from its meta. Run `pnpm docs:rules` after
// editing a rule's meta; the docs test fails when a page is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES, renderRuleDoc } from '../dist/index.js';

for (const rule of RULES) {
  const target = fileURLToPath(new URL(`../src/rules/${rule.meta.id}/${rule.meta.id}.md`, import.meta.url));
  writeFileSync(target, renderRuleDoc(rule.meta));
}
console.log(`wrote ${RULES.length} rule pages`);

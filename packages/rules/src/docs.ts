/**
 * Rule documentation, generated from `meta` so the two cannot drift apart: the page beside
 * each rule (`rules/<id>/<id>.md`) is this function's output, and a test fails when it is not.
 */
import type { RuleMeta } from './types.js';

const SEVERITY_WORD = { error: 'error', warning: 'warning', info: 'info' } as const;

export function renderRuleDoc(meta: RuleMeta): string {
  const lines: string[] = [];
  const list = (items: readonly string[]): void => {
    for (const item of items) lines.push(`- ${item}`);
  };
  lines.push(`# ${meta.id}`, '');
  lines.push(`**${meta.title}**`, '');
  lines.push(
    `| cause id | type | default severity | catalog |`,
    `| --- | --- | --- | --- |`,
    `| \`${meta.cause}\` | ${meta.type} | ${SEVERITY_WORD[meta.severity]} | ${meta.docs.catalog.join(', ') || '—'} |`,
    '',
  );
  lines.push('## What it means', '', meta.docs.description, '');
  lines.push('## How to confirm it', '');
  list(meta.docs.confirm);
  lines.push('', '## What to do', '', '### Now (temporary)', '');
  list(meta.remedy.temporary);
  lines.push('', '### For good (permanent)', '');
  list(meta.remedy.permanent);
  if (meta.remedy.prevention.length > 0) {
    lines.push('', '### Prevention', '');
    list(meta.remedy.prevention);
  }
  if (meta.symptomOf !== undefined && meta.symptomOf.length > 0) {
    lines.push('', '## Usually a symptom of', '');
    list(meta.symptomOf.map((c) => `\`${c}\``));
  }
  lines.push('', '## Messages', '');
  for (const [id, text] of Object.entries(meta.messages)) lines.push(`- \`${id}\`: ${text}`);
  if (meta.remedy.docs.length > 0) {
    lines.push('', '## Read more', '');
    list(meta.remedy.docs.map((d) => `<${d}>`));
  }
  lines.push('', '<!-- Generated from the rule\'s meta by `pnpm docs:rules`; edit the meta, not this file. -->', '');
  return lines.join('\n');
}

/**
 * The catalog as a whole: every rule folder registered, every cause id covered, docs in step
 * with meta, messages well-formed.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAUSE_IDS } from './causes.js';
import { renderRuleDoc } from './docs.js';
import { placeholders } from './interpolate.js';
import { RULES } from './rules/index.js';

const rulesDir = fileURLToPath(new URL('./rules/', import.meta.url));
const folders = readdirSync(rulesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('rule catalog', () => {
  it('registers every rule folder, and only those', () => {
    expect(RULES.map((r) => r.meta.id).sort()).toEqual(folders);
  });

  it('has a rule for every cause id of failure-catalog.md', () => {
    const covered = new Set(RULES.map((r) => r.meta.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has at least 30 rules', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s: file name is the rule id, with a test beside it', (id) => {
    expect(existsSync(`${rulesDir}${id}/${id}.ts`)).toBe(true);
    expect(existsSync(`${rulesDir}${id}/${id}.test.ts`)).toBe(true);
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s: doc page matches meta (run `pnpm docs:rules`)', (id, rule) => {
    const page = `${rulesDir}${id}/${id}.md`;
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8')).toBe(renderRuleDoc(rule.meta));
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s: meta is complete', (_id, rule) => {
    const m = rule.meta;
    expect(m.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(m.title.length).toBeGreaterThan(10);
    expect(m.docs.description.length).toBeGreaterThan(40);
    expect(m.docs.confirm.length).toBeGreaterThan(0);
    expect(m.remedy.temporary.length).toBeGreaterThan(0);
    expect(m.remedy.permanent.length).toBeGreaterThan(0);
    expect(Object.keys(m.messages).length).toBeGreaterThan(0);
    for (const template of Object.values(m.messages)) {
      expect(template.trim().length).toBeGreaterThan(10);
      for (const name of placeholders(template)) expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
    }
  });

  it('rule ids are unique', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

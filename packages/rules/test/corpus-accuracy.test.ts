/**
 * Accuracy over labelled cases, as a regression guard: the real excerpts of test-logs/corpus
 * (from public issue threads) and the synthetic cases of test-logs/blind, blind2 … blind6
 * (written from the spec and the runner's source without reading the rules). `node scripts/corpus-eval.mjs <dir>` prints the same figures.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeDiag } from '../src/index.js';

const TEST_LOGS = fileURLToPath(new URL('../../../test-logs/', import.meta.url));

interface Case {
  id: string;
  dir: string;
  rootCause: string;
  secondary: string[];
}

function cases(set: string): Case[] {
  const root = join(TEST_LOGS, set);
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'case.json')))
    .sort()
    .map((d) => {
      const meta = JSON.parse(readFileSync(join(root, d, 'case.json'), 'utf8')) as { root_cause: string; secondary_causes?: string[] };
      return { id: d, dir: join(root, d, '_diag'), rootCause: meta.root_cause, secondary: meta.secondary_causes ?? [] };
    });
}

describe.each(['corpus', 'blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6'])('%s cases', (set) => {
  const all = cases(set);

  it.each(all.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const result = await analyzeDiag([c.dir]);
    const causes = result.diagnosis.causes;
    if (c.rootCause === 'healthy') {
      // A healthy log raises no error or warning.
      expect(causes.filter((x) => x.severity !== 'info').map((x) => `${x.id}:${x.severity}`)).toEqual([]);
    } else {
      expect(causes[0]?.id).toBe(c.rootCause);
    }
  });

  it('has enough cases to mean something', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });
});

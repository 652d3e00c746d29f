/**
 * Fixture logs from the repository's test-logs/ folder, as `files:` for RuleTester cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEST_LOGS = fileURLToPath(new URL('../../../../test-logs/', import.meta.url));

/** The runner logs (`*.log`) of a folder under test-logs/ (e.g. `corpus/021-.../_diag`), by name; notes beside them are left out. */
export function testLogs(dir: string): Record<string, string> {
  const path = `${TEST_LOGS}${dir.replace(/\/?$/, '/')}`;
  return Object.fromEntries(readdirSync(path).filter((name) => name.endsWith('.log')).sort().map((name) => [name, readFileSync(`${path}${name}`, 'utf8')]));
}

/** A real corpus case's `_diag` by its id prefix (`021` → corpus/021-connection-timeout-config-2614/_diag). */
export function corpusCase(prefix: string): Record<string, string> {
  const id = readdirSync(`${TEST_LOGS}corpus`).find((d) => d.startsWith(`${prefix}-`));
  if (id === undefined) throw new Error(`no corpus case ${prefix}`);
  return testLogs(`corpus/${id}/_diag`);
}

/** The full synthetic session: a healthy runner day with one job and a 503 outage that recovers. */
export function fullSession(): Record<string, string> {
  return testLogs('full-session/_diag');
}

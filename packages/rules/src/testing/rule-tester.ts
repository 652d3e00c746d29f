/**
 * Table-driven rule tests, after ESLint's RuleTester: `valid` cases are named near-misses that
 * must produce no finding; `invalid` cases must produce exactly the expected findings, with
 * their message ids and trigger lines. The tester refuses duplicate names and invalid cases
 * without expectations.
 *
 *   new RuleTester().run(rule, {
 *     valid: [{ name: 'a cancelled long poll during a job is normal', log: '...' }],
 *     invalid: [{ name: 'repeated conflicts', log: '...', errors: [{ messageId: 'conflict', lines: [3, 9] }] }],
 *   });
 *
 * Uses the test framework's global `describe` and `it` (jest, vitest, mocha).
 */
import { parseFiles, type RunlogEvent } from '@runlog/parser';
import { analyzeEvents } from '../analyze.js';
import type { Finding, RuleModule, Severity, ConfidenceLevel } from '../types.js';

export interface TestCaseBase {
  /** Names the edge case; must be unique within the rule's cases. */
  name: string;
  /** Why this case behaves as it does (required reading for near-misses). */
  description?: string;
  /** One log file's text (named `Runner_20240101-000000-utc.log` unless `fileName` says otherwise). */
  log?: string;
  fileName?: string;
  /** Several files, by name (e.g. a Runner log and its Worker log). */
  files?: Record<string, string>;
}

export type ValidCase = TestCaseBase;

export interface ExpectedFinding {
  messageId: string;
  /** Exact interpolated message, when the case pins it. */
  message?: string;
  severity?: Severity;
  confidence?: ConfidenceLevel;
  /** Trigger evidence lines (single-file cases), in log order. */
  lines?: number[];
  /** Trigger evidence as `file:line` (multi-file cases). */
  evidence?: string[];
  count?: number;
  data?: Record<string, string | number>;
}

export interface InvalidCase extends TestCaseBase {
  errors: ExpectedFinding[];
}

export interface RuleTests {
  valid: ValidCase[];
  invalid: InvalidCase[];
}

type Describe = (name: string, fn: () => void) => void;
type It = (name: string, fn: () => void) => void;

const DEFAULT_FILE = 'Runner_20240101-000000-utc.log';

/** Dedents a template literal log so fixtures can be written inline, indented with the code. */
export function log(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  // The trailing line break and the white space after it go (`/\n\s*$/`, found by hand: that
  // regex retries at every newline of a blank run, recheck: polynomial).
  const body = raw.replace(/^\n/, '');
  const tailBreak = body.indexOf('\n', body.trimEnd().length);
  const lines = (tailBreak < 0 ? body : body.slice(0, tailBreak)).split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim().length > 0).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

export function eventsOf(c: TestCaseBase): RunlogEvent[] {
  const files = c.files !== undefined
    ? Object.entries(c.files).map(([name, text]) => ({ name, text }))
    : [{ name: c.fileName ?? DEFAULT_FILE, text: c.log ?? '' }];
  // The policy `analyze` reads with: a rule that needs an INFO line the parser leaves
  // unrecognized would pass here and miss in production.
  return parseFiles(files, { unrecognized: 'problems' });
}

/** Runs one rule over a case and returns its findings. */
export function findingsOf(rule: RuleModule, c: TestCaseBase): Finding[] {
  return analyzeEvents(eventsOf(c), { rules: [rule] }).findings.filter((f) => f.ruleId === rule.meta.id);
}

export class RuleTester {
  constructor(
    private readonly describeFn: Describe = (globalThis as unknown as { describe: Describe }).describe,
    private readonly itFn: It = (globalThis as unknown as { it: It }).it,
  ) {}

  run(rule: RuleModule, tests: RuleTests): void {
    const names = new Set<string>();
    for (const c of [...tests.valid, ...tests.invalid]) {
      if (names.has(c.name)) throw new Error(`${rule.meta.id}: duplicate test case name '${c.name}'`);
      names.add(c.name);
      if (c.log === undefined && c.files === undefined) throw new Error(`${rule.meta.id}: case '${c.name}' has no log`);
    }
    for (const c of tests.invalid) {
      if (c.errors.length === 0) throw new Error(`${rule.meta.id}: invalid case '${c.name}' expects no finding; make it a valid case`);
      for (const err of c.errors) {
        if (!(err.messageId in rule.meta.messages)) {
          throw new Error(`${rule.meta.id}: case '${c.name}' expects unknown messageId '${err.messageId}'`);
        }
      }
    }
    this.describeFn(rule.meta.id, () => {
      this.describeFn('valid', () => {
        for (const c of tests.valid) {
          this.itFn(c.name, () => {
            const found = findingsOf(rule, c);
            if (found.length > 0) {
              throw new Error(`expected no finding, got:\n${found.map((f) => `  ${f.messageId}: ${f.message}`).join('\n')}`);
            }
          });
        }
      });
      this.describeFn('invalid', () => {
        for (const c of tests.invalid) {
          this.itFn(c.name, () => check(rule, c));
        }
      });
    });
  }
}

function check(rule: RuleModule, c: InvalidCase): void {
  const found = findingsOf(rule, c);
  const problems: string[] = [];
  if (found.length !== c.errors.length) {
    problems.push(`expected ${c.errors.length} finding(s), got ${found.length}: ${found.map((f) => f.messageId).join(', ') || '(none)'}`);
  }
  c.errors.forEach((want, i) => {
    const got = found[i];
    if (got === undefined) return;
    if (got.messageId !== want.messageId) problems.push(`#${i}: messageId ${got.messageId}, expected ${want.messageId}`);
    if (want.message !== undefined && got.message !== want.message) problems.push(`#${i}: message\n    got:      ${got.message}\n    expected: ${want.message}`);
    if (want.severity !== undefined && got.severity !== want.severity) problems.push(`#${i}: severity ${got.severity}, expected ${want.severity}`);
    if (want.confidence !== undefined && got.confidence.level !== want.confidence) {
      problems.push(`#${i}: confidence ${got.confidence.level}, expected ${want.confidence}`);
    }
    if (want.count !== undefined && got.count !== want.count) problems.push(`#${i}: count ${got.count}, expected ${want.count}`);
    const triggers = got.evidence.filter((e) => e.role === 'trigger');
    if (want.lines !== undefined) {
      const lines = triggers.map((e) => e.line);
      if (JSON.stringify(lines) !== JSON.stringify(want.lines)) problems.push(`#${i}: trigger lines [${lines}], expected [${want.lines}]`);
    }
    if (want.evidence !== undefined) {
      const refs = triggers.map((e) => `${e.file}:${e.line}`);
      if (JSON.stringify(refs) !== JSON.stringify(want.evidence)) problems.push(`#${i}: trigger evidence [${refs}], expected [${want.evidence}]`);
    }
    if (want.data !== undefined) {
      for (const [k, v] of Object.entries(want.data)) {
        if (got.data[k] !== v) problems.push(`#${i}: data.${k} = ${String(got.data[k])}, expected ${String(v)}`);
      }
    }
    if (got.evidence.length === 0) problems.push(`#${i}: finding without evidence`);
  });
  if (problems.length > 0) throw new Error(`${rule.meta.id} / ${c.name}:\n  ${problems.join('\n  ')}`);
}

/**
 * ReDoS check of every regular expression runlog ships or runs: each regex literal and each
 * `new RegExp(<string literal>)` / `RegExp(<string literal>)` in the TypeScript sources of
 * `packages/<name>/src` (tests and fixtures excluded) and the `.mjs` files of `scripts`, found
 * with the TypeScript compiler API and checked with recheck
 * (https://makenowjust-labs.github.io/recheck/). Log lines are attacker-influenced
 * text up to 64 KiB long (the line cap), so a pattern that backtracks super-linearly on some input
 * is a denial of service: the test fails listing each one recheck finds `vulnerable`, with its
 * attack string.
 *
 * A pattern recheck cannot decide in time (`unknown`) fails too unless UNKNOWN_ALLOWED lists it
 * with a reason, and a RegExp built at run time from something other than a literal cannot be
 * checked here at all: DYNAMIC_ALLOWED must list it with the argument why it is safe. Entries
 * that no longer match anything fail as well, so the lists stay true.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, type Diagnostics } from 'recheck';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Time recheck may spend on one pattern; the slowest take about 5 s on the 2-core test machine. */
const PATTERN_TIMEOUT_MS = 30_000;
/**
 * recheck's fuzzer also judges by the clock: an attack run past `attackTimeout` (1 s by default)
 * counts as vulnerable, so on a loaded machine a safe pattern could fail (the e-mail pattern in
 * redact.ts did, once). Ten times the defaults: only step counts decide, and a truly vulnerable
 * pattern still comes out `vulnerable` (or `unknown` at PATTERN_TIMEOUT_MS, which fails too).
 */
const CHECK_PARAMS = { timeout: PATTERN_TIMEOUT_MS, attackTimeout: 10_000, incubationTimeout: 2_500 };
/** Patterns checked at once (recheck's native backend runs each on its own thread). */
const CONCURRENCY = 2;
/** The whole run: ~250 distinct patterns take about 40 s here. */
const SUITE_TIMEOUT_MS = 240_000;

/**
 * Patterns recheck reports `unknown` (it gave up), each with why it is nevertheless safe, keyed
 * `/<source>/<flags>`. Empty: every pattern is decided today.
 */
const UNKNOWN_ALLOWED: Record<string, string> = {};

/**
 * RegExps built at run time from non-literals, keyed `<file>: <the constructor call>` (white
 * space collapsed), each with the argument that it is safe whatever it is built from.
 */
const DYNAMIC_ALLOWED: Record<string, string> = {
  "packages/report/src/redact.ts: new RegExp(`(?<![A-Za-z0-9_-])(?:${alternatives.join('|')})(?![A-Za-z0-9_-])`, 'g')":
    'the names the redactor learned, each escaped with escapeRegExp (a literal), digit runs as `(?:<digits>|<n>)`, joined ' +
    'as one alternation between fixed one-character lookarounds: no quantifier anywhere, so each position tries each ' +
    'name once (time linear in the text for a given set of names)',
};

interface Found {
  file: string;
  line: number;
  source: string;
  flags: string;
}

interface Dynamic {
  file: string;
  line: number;
  key: string;
}

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && e.name !== 'fixtures') walk(p);
      } else if (keep(p)) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The files to scan: package sources (no tests, no declaration files, no fixtures) and scripts. */
function sourceFiles(): string[] {
  const packages = join(ROOT, 'packages');
  const src = readdirSync(packages, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => filesUnder(join(packages, e.name, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')));
  const scripts = filesUnder(join(ROOT, 'scripts'), (p) => p.endsWith('.mjs'));
  return [...src, ...scripts];
}

const isLiteral = (n: ts.Node | undefined): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral =>
  n !== undefined && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n));

/** Every regex literal and RegExp construction in one file. */
function collect(path: string, found: Found[], dynamic: Dynamic[]): void {
  const file = relative(ROOT, path).split(sep).join('/');
  const kind = path.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, kind);
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      const end = text.lastIndexOf('/');
      found.push({ file, line: lineOf(node), source: text.slice(1, end), flags: text.slice(end + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      const literalFlags = flags === undefined || isLiteral(flags);
      if (isLiteral(pattern) && literalFlags) {
        found.push({ file, line: lineOf(node), source: pattern.text, flags: flags === undefined ? '' : (flags as ts.StringLiteral).text });
      } else if (pattern !== undefined && pattern.kind === ts.SyntaxKind.RegularExpressionLiteral && literalFlags) {
        // `new RegExp(/x/, 'g')`: the literal is visited on its own; check it with these flags too.
        const text = pattern.getText(sf);
        found.push({ file, line: lineOf(node), source: text.slice(1, text.lastIndexOf('/')), flags: flags === undefined ? '' : (flags as ts.StringLiteral).text });
      } else {
        dynamic.push({ file, line: lineOf(node), key: `${file}: ${node.getText(sf).replace(/\s+/g, ' ')}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const show = (p: { source: string; flags: string }): string => `/${p.source}/${p.flags}`;
const where = (sites: Found[]): string => sites.map((s) => `${s.file}:${s.line}`).join(', ');
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

let found: Found[] = [];
let dynamic: Dynamic[] = [];
/** Distinct patterns (source and flags), with every place each is written. */
let distinct: { source: string; flags: string; sites: Found[] }[] = [];
let results: { pattern: (typeof distinct)[number]; diagnostics: Diagnostics; ms: number }[] = [];
let elapsedMs = 0;

beforeAll(async () => {
  for (const f of sourceFiles()) collect(f, found, dynamic);
  const byKey = new Map<string, (typeof distinct)[number]>();
  for (const f of found) {
    const key = `${f.flags}\u0000${f.source}`;
    const entry = byKey.get(key) ?? { source: f.source, flags: f.flags, sites: [] };
    entry.sites.push(f);
    byKey.set(key, entry);
  }
  distinct = [...byKey.values()];
  const started = Date.now();
  results = await pool(distinct, CONCURRENCY, async (pattern) => {
    const t = Date.now();
    const diagnostics = await check(pattern.source, pattern.flags, CHECK_PARAMS);
    return { pattern, diagnostics, ms: Date.now() - t };
  });
  elapsedMs = Date.now() - started;
}, SUITE_TIMEOUT_MS);

describe('regular expressions in packages/*/src and scripts', () => {
  it('are all found (the collector is not silently broken)', () => {
    expect(found.length).toBeGreaterThan(200);
    expect(new Set(found.map((f) => f.file.split('/')[1])).size).toBeGreaterThanOrEqual(4); // parser, rules, report, cli
    expect(found.some((f) => f.file.startsWith('scripts/'))).toBe(true);
    expect(found.some((f) => f.file === 'packages/report/src/redact.ts' && f.source.includes('[a-z0-9-]{0,61}'))).toBe(true);
    expect(found.some((f) => f.file.includes('.test.ts') || f.file.includes('/fixtures/'))).toBe(false);
    expect(results).toHaveLength(distinct.length);
    // How long recheck took, for whoever wonders why this suite is slow.
    console.log(`regex-safety: ${found.length} patterns (${distinct.length} distinct) checked in ${(elapsedMs / 1000).toFixed(1)} s`);
  });

  it('none is vulnerable to ReDoS (recheck)', () => {
    const vulnerable = results.flatMap(({ pattern, diagnostics }) =>
      diagnostics.status === 'vulnerable'
        ? [`${where(pattern.sites)}  ${show(pattern)}  ${diagnostics.complexity.summary}; attack: ${cut(diagnostics.attack.pattern, 200)}`]
        : [],
    );
    expect(vulnerable).toEqual([]);
  });

  it('every pattern recheck cannot decide is allow-listed with a reason', () => {
    const unknown = results.filter((r) => r.diagnostics.status === 'unknown');
    const unexplained = unknown
      .filter((r) => UNKNOWN_ALLOWED[show(r.pattern)] === undefined)
      .map((r) => {
        const d = r.diagnostics as Extract<Diagnostics, { status: 'unknown' }>;
        const why = 'message' in d.error ? `${d.error.kind}: ${d.error.message}` : d.error.kind;
        return `${where(r.pattern.sites)}  ${show(r.pattern)}  unknown (${why}, after ${r.ms} ms)`;
      });
    expect(unexplained).toEqual([]);
    const stale = Object.keys(UNKNOWN_ALLOWED).filter((k) => !unknown.some((r) => show(r.pattern) === k));
    expect(stale).toEqual([]); // allow-listed but now decided, or gone: remove the entry
    for (const reason of Object.values(UNKNOWN_ALLOWED)) expect(reason.length).toBeGreaterThan(20);
  });

  it('every RegExp built at run time from non-literals is allow-listed with a justification', () => {
    const unlisted = dynamic.filter((d) => DYNAMIC_ALLOWED[d.key] === undefined).map((d) => `${d.file}:${d.line}  ${d.key}`);
    expect(unlisted).toEqual([]);
    const stale = Object.keys(DYNAMIC_ALLOWED).filter((k) => !dynamic.some((d) => d.key === k));
    expect(stale).toEqual([]);
    for (const reason of Object.values(DYNAMIC_ALLOWED)) expect(reason.length).toBeGreaterThan(20);
  });
});

/**
 * `runlog rules` (the catalog) and `runlog explain <cause-id|rule-id>` (one cause's docs).
 */
import type { CommandModule } from 'yargs';
import { RULES, type RuleModule } from '@runlog/rules';
import { stripControl } from '@runlog/report';
import { chalkFor, decideColor } from '../color.js';
import { UsageError } from '../errors.js';
import { write, type CliIO } from '../io.js';
import { wrap } from '../terminal.js';

export function catalogRows(rules: readonly RuleModule[] = RULES): { rule: string; cause: string; type: string; severity: string; title: string; docs: string }[] {
  return [...rules]
    .sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))
    .map((r) => ({
      rule: r.meta.id,
      cause: r.meta.cause,
      type: r.meta.type,
      severity: r.meta.severity,
      title: r.meta.title,
      docs: `packages/rules/src/rules/${r.meta.id}/${r.meta.id}.md`,
    }));
}

export async function runRules(args: { format: 'text' | 'json' }, io: CliIO): Promise<number> {
  const rows = catalogRows();
  if (args.format === 'json') {
    const full = [...RULES]
      .sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))
      .map((r) => ({ id: r.meta.id, cause: r.meta.cause, type: r.meta.type, severity: r.meta.severity, title: r.meta.title, description: r.meta.docs.description, catalog: r.meta.docs.catalog, docs: r.meta.remedy.docs }));
    await write(io.stdout, `${JSON.stringify(full, null, 2)}\n`);
    return 0;
  }
  const w = Math.max(...rows.map((r) => r.rule.length));
  const cw = Math.max(...rows.map((r) => r.cause.length));
  let text = `${'RULE'.padEnd(w)}  ${'CAUSE ID'.padEnd(cw)}  ${'SEVERITY'.padEnd(8)}  DESCRIPTION\n`;
  for (const r of rows) text += `${r.rule.padEnd(w)}  ${r.cause.padEnd(cw)}  ${r.severity.padEnd(8)}  ${r.title}\n`;
  text += `\n${rows.length} rules. 'runlog explain <rule or cause id>' shows what a cause means and how to fix it.\n`;
  await write(io.stdout, text);
  return 0;
}

export async function runExplain(args: { id: string; color?: boolean | undefined }, io: CliIO): Promise<number> {
  const rule = RULES.find((r) => r.meta.id === args.id || r.meta.cause === args.id);
  if (rule === undefined) throw new UsageError(`no rule or cause named '${stripControl(args.id)}' (see 'runlog rules')`);
  const c = chalkFor(decideColor({ flag: args.color, env: io.env, isTTY: io.stdout.isTTY === true }));
  const width = Math.max(60, Math.min(io.stdout.columns ?? 100, 120));
  const m = rule.meta;
  const out: string[] = [];
  const para = (text: string, indent = ''): void => {
    out.push(...wrap(text, width - indent.length).map((l) => indent + l));
  };
  const list = (items: readonly string[]): void => {
    for (const item of items) out.push(...wrap(item, width - 4).map((l, k) => `${k === 0 ? '  • ' : '    '}${l}`));
  };
  out.push(c.bold(`${m.title}`), c.dim(`cause id: ${m.cause} · rule: ${m.id} · ${m.type} · default severity ${m.severity} · catalog ${m.docs.catalog.join(', ')}`), '');
  out.push(c.bold('What it means'));
  para(m.docs.description, '  ');
  out.push('', c.bold('How to confirm it'));
  list(m.docs.confirm);
  out.push('', c.bold('Fix now (temporary)'));
  list(m.remedy.temporary);
  out.push('', c.bold('Fix for good (permanent)'));
  list(m.remedy.permanent);
  if (m.remedy.prevention.length > 0) {
    out.push('', c.bold('Prevent it'));
    list(m.remedy.prevention);
  }
  if (m.remedy.docs.length > 0) out.push('', c.bold('Docs'), ...m.remedy.docs.map((d) => `  ${d}`));
  await write(io.stdout, `${out.join('\n')}\n`);
  return 0;
}

export function rulesCommand(io: CliIO, setExit: (code: number) => void): CommandModule<object, { format: 'text' | 'json' }> {
  return {
    command: 'rules',
    describe: 'List the rules and the cause ids they report',
    builder: (y) => y.option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' }) as never,
    handler: async (argv) => setExit(await runRules(argv, io)),
  };
}

export function explainCommand(io: CliIO, setExit: (code: number) => void): CommandModule<object, { id: string; color?: boolean }> {
  return {
    command: 'explain <id>',
    describe: 'Explain one cause: what it means, how to confirm it, how to fix it',
    builder: (y) =>
      y
        .positional('id', { type: 'string', demandOption: true, describe: 'A cause id (session_conflict) or rule id (session-conflict)' })
        .option('color', { type: 'boolean', describe: 'Force colour on or off' }) as never,
    handler: async (argv) => setExit(await runExplain(argv, io)),
  };
}

/**
 * `runlog analyze <paths..>`: the report.
 */
import { writeFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { readDiag, RunlogInputError } from '@runlog/parser';
import { Analyzer, unknownRuleNames, type AnalysisResult } from '@runlog/rules';
import { describeRedaction, formatGithub, formatHtml, formatJson, formatMarkdown, redactResult, type RedactionCount } from '@runlog/report';
import { chalkFor, decideColor } from '../color.js';
import { UsageError } from '../errors.js';
import { exitCodeFor, type FailOn } from '../exit-code.js';
import { inputPaths, write, type CliIO } from '../io.js';
import { Progress } from '../progress.js';
import { formatTerminal } from '../terminal.js';
import { parseBound, resolveBound } from '../time-bounds.js';

export const FORMATS = ['terminal', 'json', 'markdown', 'html', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface AnalyzeArgs {
  paths: string[];
  format: Format;
  output?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  rule?: string[] | undefined;
  disableRule?: string[] | undefined;
  failOn: FailOn;
  redact: boolean;
  redactMap?: string | undefined;
  color?: boolean | undefined;
}

export async function runAnalyze(args: AnalyzeArgs, io: CliIO): Promise<number> {
  const unknown = unknownRuleNames([...(args.rule ?? []), ...(args.disableRule ?? [])]);
  if (unknown.length > 0) throw new UsageError(`unknown rule or cause id: ${unknown.join(', ')} (see 'runlog rules')`);
  if (args.redactMap !== undefined && !args.redact) throw new UsageError('--redact-map only makes sense with --redact');
  if (args.output === '') throw new UsageError('--output needs a file name');
  if (args.redactMap === '') throw new UsageError('--redact-map needs a file name');
  const since = args.since === undefined ? null : parseBound('since', args.since);
  const until = args.until === undefined ? null : parseBound('until', args.until);
  const logEnd = since?.kind === 'relative' || until?.kind === 'relative' ? await findLogEnd(args.paths, io) : null;

  const progress = new Progress(io);
  const warned = new Set<string>();
  const diag = readDiag(args.paths, {
    unrecognized: 'problems',
    stdin: io.stdin,
    cwd: io.cwd,
    onProgress: (p) => progress.update(p),
    onWarning: (w) => {
      const line = `runlog: warning: ${w.path}: ${w.message}`;
      if (!warned.has(line)) io.stderr.write(`${line}\n`);
      warned.add(line);
    },
  });
  const analyzer = new Analyzer({
    only: args.rule ?? [],
    disable: args.disableRule ?? [],
    since: resolveBound(since, logEnd),
    until: resolveBound(until, logEnd),
  });
  try {
    for await (const batch of diag.batches()) for (const e of batch) analyzer.observe(e);
  } finally {
    progress.done();
  }
  let result = analyzer.finish({ stats: diag.stats });
  if (result.runner.httpTrace) {
    io.stderr.write(
      'runlog: WARNING: these logs were written with HTTP tracing on (GITHUB_ACTIONS_RUNNER_HTTPTRACE); they can contain tokens in clear text. Do not share them; share a report made with --redact.\n',
    );
  }

  let redaction: RedactionCount[] | undefined;
  if (args.redact) {
    const redacted = redactResult(result);
    result = redacted.result;
    redaction = redacted.summary;
    if (args.redactMap !== undefined) {
      await writeOutput(args.redactMap, `${JSON.stringify(redacted.mapping, null, 2)}\n`, { mode: 0o600 });
      io.stderr.write(`runlog: wrote the redaction map to ${args.redactMap} (keep it private)\n`);
    }
  }

  const toFile = args.output !== undefined;
  const color = args.format === 'terminal' && decideColor({ flag: args.color, env: io.env, isTTY: !toFile && io.stdout.isTTY === true });
  const text = render(result, args.format, { color, width: toFile ? 100 : io.stdout.columns ?? 100, redaction });
  if (toFile) {
    await writeOutput(args.output!, text);
    io.stderr.write(`runlog: wrote the ${args.format} report to ${args.output}\n`);
  } else {
    await write(io.stdout, text);
  }
  return exitCodeFor(result, args.failOn);
}

export function render(
  result: AnalysisResult,
  format: Format,
  o: { color: boolean; width: number; redaction: RedactionCount[] | undefined },
): string {
  switch (format) {
    case 'terminal': {
      const note = o.redaction === undefined ? null : `Redacted for sharing: ${describeRedaction(o.redaction)}`;
      return formatTerminal(result, { chalk: chalkFor(o.color), color: o.color, width: o.width, redactionNote: note });
    }
    case 'json':
      return formatJson(result);
    case 'markdown':
      return formatMarkdown(result, o.redaction === undefined ? {} : { redaction: o.redaction });
    case 'html':
      return formatHtml(result, o.redaction === undefined ? {} : { redaction: o.redaction });
    case 'github':
      return formatGithub(result);
  }
}

/** A file the user named: failing to write it is their problem to fix (exit 2), not a bug. */
async function writeOutput(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
  try {
    await writeFile(path, text, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UsageError(`cannot write ${path}: ${reason}`);
  }
}

/** The latest timestamp in the logs: durations in --since/--until count back from it. */
async function findLogEnd(paths: string[], io: CliIO): Promise<string | null> {
  if (paths.includes('-')) throw new UsageError('--since/--until durations need files (they count back from the end of the logs); use an ISO time with stdin');
  let end: string | null = null;
  for await (const batch of readDiag(paths, { unrecognized: 'none', cwd: io.cwd, linkJobs: false }).batches()) {
    for (const e of batch) if (e.time !== null && (end === null || e.time > end)) end = e.time;
  }
  return end;
}

export function analyzeCommand(io: CliIO, setExit: (code: number) => void): CommandModule<object, AnalyzeArgs> {
  return {
    command: 'analyze <paths..>',
    describe: 'Diagnose runner logs: ranked causes with evidence and fixes',
    builder: (y) =>
      y
        .positional('paths', {
          describe: 'A _diag directory, log files, globs, .gz/.zip archives, or - for stdin',
          type: 'string',
          array: true,
          demandOption: true,
        })
        .option('format', { alias: 'f', choices: FORMATS, default: 'terminal' as Format, describe: 'Report format' })
        .option('output', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
        .option('since', { type: 'string', describe: 'Ignore events before this ISO time, or this long before the end of the logs (6h, 2d)' })
        .option('until', { type: 'string', describe: 'Ignore events after this ISO time, or this long before the end of the logs' })
        .option('rule', { type: 'string', array: true, describe: 'Run only these rules (rule or cause ids; repeatable)' })
        .option('disable-rule', { type: 'string', array: true, describe: 'Skip these rules (rule or cause ids; repeatable)' })
        .option('fail-on', {
          choices: ['error', 'warning', 'info', 'none'] as const,
          default: 'error' as FailOn,
          describe: 'Exit with 1 when a cause of this severity or worse is found',
        })
        .option('redact', { type: 'boolean', default: false, describe: 'Replace tokens, names, hosts, IPs, e-mails and user names for sharing' })
        .option('redact-map', { type: 'string', describe: 'With --redact: write the original→placeholder map to this local file' })
        .option('color', { type: 'boolean', describe: 'Force colour on (--color) or off (--no-color); default: NO_COLOR, FORCE_COLOR, then the terminal' })
        .example('$0 analyze ./_diag', 'Report on a runner\'s diag folder')
        .example('$0 analyze ./_diag --format markdown --redact > report.md', 'A redacted report to attach to a ticket')
        .example('$0 analyze logs.zip --format json | jq ".diagnosis.causes[0].id"', 'The first cause id, for scripts') as never,
    handler: async (argv) => {
      if (argv.paths.length === 0) throw new RunlogInputError('(no path)', 'not-found', 'name a _diag directory or log files');
      setExit(await runAnalyze({ ...argv, paths: inputPaths(argv.paths) }, io));
    },
  };
}

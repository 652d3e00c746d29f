/**
 * `runlog events <paths..>`: the typed events as NDJSON, one per line, in time order.
 */
import type { CommandModule } from 'yargs';
import { readDiag, type RunlogEvent } from '@runlog/parser';
import { Redactor, redactDeep, describeRedaction, jsonText } from '@runlog/report';
import { inputPaths, write, type CliIO } from '../io.js';
import { EXIT_OK, UsageError } from '../errors.js';

export interface EventsArgs {
  paths: string[];
  kind?: string[] | undefined;
  redact?: boolean | undefined;
}

export async function runEvents(args: EventsArgs, io: CliIO): Promise<number> {
  const kinds = args.kind === undefined || args.kind.length === 0 ? null : new Set(args.kind);
  const warn = (w: { path: string; message: string }): void => {
    io.stderr.write(`runlog: warning: ${w.path}: ${w.message}\n`);
  };
  let redactor: Redactor | null = null;
  if (args.redact === true) {
    redactor = new Redactor();
    // Names are learned in a first pass, so a name stated late is hidden where it appears early.
    // Standard input can be read once only: there the redactor learns as it goes.
    if (!args.paths.includes('-')) await learnNames(args.paths, io, redactor);
  }
  const diag = readDiag(args.paths, { stdin: io.stdin, cwd: io.cwd, onWarning: warn });
  let httpTrace = false;
  for await (const batch of diag.batches()) {
    let text = '';
    for (const e of batch) {
      if (e.kind === 'runner.http_trace') httpTrace = true;
      if (kinds !== null && !kinds.has(e.kind)) continue;
      if (redactor !== null) {
        if (e.kind === 'runner.settings') redactor.seed({ runnerName: e.runnerName, gitHubUrl: e.gitHubUrl, serverUrl: e.serverUrl });
        text += jsonText(redactDeep(e, (s) => redactor!.redact(s))) + '\n';
      } else {
        text += jsonText(e) + '\n';
      }
    }
    if (text.length > 0) await write(io.stdout, text);
  }
  if (httpTrace) {
    io.stderr.write('runlog: WARNING: these logs were written with HTTP tracing on; they can contain tokens in clear text.\n');
  }
  if (redactor !== null) io.stderr.write(`runlog: redacted ${describeRedaction(redactor.summary())}\n`);
  return EXIT_OK;
}

async function learnNames(paths: string[], io: CliIO, redactor: Redactor): Promise<void> {
  for await (const batch of readDiag(paths, { cwd: io.cwd, unrecognized: 'all', linkJobs: false }).batches()) {
    for (const e of batch) learnFromEvent(e, redactor);
  }
}

function learnFromEvent(e: RunlogEvent, redactor: Redactor): void {
  if (e.kind === 'runner.settings') redactor.seed({ runnerName: e.runnerName, gitHubUrl: e.gitHubUrl, serverUrl: e.serverUrl });
  else if (e.kind === 'worker.job_message') redactor.seed({ repository: e.repository });
  redactor.learnFrom(e.text);
}

export function eventsCommand(io: CliIO, setExit: (code: number) => void): CommandModule<object, EventsArgs> {
  return {
    command: 'events <paths..>',
    describe: 'Print the typed events of runner logs as NDJSON (one JSON object per line)',
    builder: (y) =>
      y
        .positional('paths', {
          describe: 'A _diag directory, log files, globs, .gz/.zip archives, or - for stdin',
          type: 'string',
          array: true,
          demandOption: true,
        })
        .option('kind', {
          describe: 'Only print events of these kinds (repeatable), e.g. --kind http.failure',
          type: 'string',
          array: true,
        })
        .option('redact', {
          describe: 'Replace tokens, names, hosts, IPs, e-mails and user names, consistently',
          type: 'boolean',
          default: false,
        })
        .example('$0 events ./_diag | jq -c "select(.kind == \\"http.failure\\")"', 'HTTP failures, one per line') as never,
    handler: async (argv) => {
      if (argv.kind !== undefined && argv.kind.some((k) => k.trim() === '')) throw new UsageError('--kind needs an event kind');
      setExit(await runEvents({ ...argv, paths: inputPaths(argv.paths) }, io));
    },
  };
}

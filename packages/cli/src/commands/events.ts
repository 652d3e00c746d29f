/**
 * `runlog events <paths..>`: the typed events as NDJSON, one per line, in time order.
 */
import type { CommandModule } from 'yargs';
import { readDiag } from '@runlog/parser';
import { write, type CliIO } from '../io.js';
import { EXIT_OK } from '../errors.js';

export interface EventsArgs {
  paths: string[];
  kind?: string[];
}

export async function runEvents(args: EventsArgs, io: CliIO): Promise<number> {
  const kinds = args.kind === undefined || args.kind.length === 0 ? null : new Set(args.kind);
  const diag = readDiag(args.paths, {
    stdin: io.stdin,
    cwd: io.cwd,
    onWarning: (w) => {
      io.stderr.write(`runlog: warning: ${w.path}: ${w.message}\n`);
    },
  });
  for await (const batch of diag.batches()) {
    let text = '';
    for (const e of batch) {
      if (kinds !== null && !kinds.has(e.kind)) continue;
      text += JSON.stringify(e) + '\n';
    }
    if (text.length > 0) await write(io.stdout, text);
  }
  return EXIT_OK;
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
        .example('$0 events ./_diag | jq -c "select(.kind == \\"http.failure\\")"', 'HTTP failures, one per line') as never,
    handler: async (argv) => {
      setExit(await runEvents(argv, io));
    },
  };
}

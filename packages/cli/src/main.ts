/**
 * Command-line entry: parses arguments with yargs and runs one command. Returns the exit
 * code instead of exiting, so tests can call it.
 */
import yargs from 'yargs';
import { analyzeCommand } from './commands/analyze.js';
import { eventsCommand } from './commands/events.js';
import { explainCommand, rulesCommand } from './commands/rules.js';
import { describeError, EXIT_USAGE, isBrokenPipe } from './errors.js';
import type { CliIO } from './io.js';

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  no cause at or above --fail-on (default: error)',
  '  1  causes at or above --fail-on were found',
  '  2  usage error or unreadable input (one line on stderr names the problem)',
].join('\n');

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  let usageError: string | null = null;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const parser = yargs([...argv])
    .scriptName('runlog')
    .usage('$0 <command> [options]\n\nExplains why a GitHub Actions self-hosted runner misbehaves, from its _diag logs.')
    .command(analyzeCommand(io, setExit))
    .command(eventsCommand(io, setExit))
    .command(rulesCommand(io, setExit))
    .command(explainCommand(io, setExit))
    .demandCommand(1, 'Name a command: runlog analyze <paths..> (or events, rules, explain)')
    .strict()
    .recommendCommands()
    .epilogue(EXIT_CODES_HELP)
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, io.stdout.columns ?? 100))
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });
  let helpShown = false;
  try {
    await parser.parseAsync([...argv], {}, (_err, _argv, output) => {
      if (output) {
        helpShown = true;
        io.stdout.write(output + '\n');
      }
    });
  } catch (err) {
    if (isBrokenPipe(err)) return exitCode;
    const line = describeError(err, Boolean(io.env['RUNLOG_DEBUG']));
    if (line) io.stderr.write(line + '\n');
    return EXIT_USAGE;
  }
  if (usageError !== null) {
    io.stderr.write(`runlog: ${usageError}\nRun 'runlog --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (helpShown) return 0;
  return exitCode;
}

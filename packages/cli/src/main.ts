/**
 * Command-line entry: parses arguments with yargs and runs one command. Returns the exit
 * code instead of exiting, so tests can call it.
 */
import yargs from 'yargs';
import { RUNLOG_VERSION } from '@runlog/rules';
import { analyzeCommand } from './commands/analyze.js';
import { eventsCommand } from './commands/events.js';
import { explainCommand, rulesCommand } from './commands/rules.js';
import { describeError, EXIT_USAGE, isBrokenPipe, joinLines, UsageError } from './errors.js';
import { STDIN_ARG, type CliIO } from './io.js';

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  no cause at or above --fail-on (default: error)',
  '  1  causes at or above --fail-on were found',
  '  2  usage error or unreadable input (one line on stderr names the problem)',
].join('\n');

export async function main(rawArgv: readonly string[], io: CliIO): Promise<number> {
  const dashDash = rawArgv.indexOf('--');
  const argv = rawArgv.map((a, i) => (a === '-' && (dashDash < 0 || i < dashDash) ? STDIN_ARG : a));
  let exitCode = 0;
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
    .version(RUNLOG_VERSION)
    .wrap(Math.min(100, io.stdout.columns ?? 100))
    // `--rule a --rule b` repeats; `--rule a ./_diag` leaves the path a path.
    .parserConfiguration({ 'greedy-arrays': false })
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((msg, err) => {
      // Throwing stops yargs here: a command with invalid arguments must not run.
      if (err) throw err;
      throw new UsageError(`${joinLines(msg)} (see 'runlog --help')`);
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
  if (helpShown) return 0;
  return exitCode;
}

#!/usr/bin/env node
/**
 * liflux command-line entry. Parses arguments with yargs, dispatches to one module per command (cli/*.ts),
 * and maps failures to exit codes: 0 success, 2 bad input or usage, 1 internal error.
 * Stack traces only with --verbose.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CancelledError, InputError } from '../engine/core/errors.js';
import { commands } from './commands.js';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  let parser = yargs(argv)
    .scriptName('liflux')
    .usage('$0 <command> [options]\n\nLateral Li flux toolkit: trajectories → diffusion, KMC of Li vacancies, hot-spot stripping, flux model.')
    .option('json', { type: 'boolean', description: 'Machine-readable JSON result on stdout', default: false })
    .option('quiet', { type: 'boolean', description: 'No progress bar on stderr (warnings still print); commands that write files print only what they wrote', default: false })
    .option('verbose', { type: 'boolean', description: 'Show stack traces on errors', default: false })
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const command of commands) parser = parser.command(command);
  try {
    await parser.parseAsync();
    return 0;
  } catch (err) {
    return reportError(err, verbose);
  }
}

function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof UsageError) {
    process.stderr.write(`liflux: ${err.message}\nRun 'liflux --help' for usage.\n`);
    return 2;
  }
  if (err instanceof InputError) {
    process.stderr.write(`liflux: error: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
  if (err instanceof CancelledError) {
    process.stderr.write(`liflux: ${err.message}\n`);
    return 130;
  }
  const e = err as Error;
  process.stderr.write(`liflux: internal error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('(run with --verbose for the stack trace)\n');
  return 1;
}

process.exitCode = await main(hideBin(process.argv));

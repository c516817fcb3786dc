import { Command, CommanderError, Option } from 'commander';
import { runDue } from './due-command.ts';
import { BadInputError, EXIT } from './errors.ts';

/** Builds the `dunghan` command tree; `io` lets tests capture output. */
export function buildProgram(io: { out: (text: string) => void; err: (text: string) => void }): Command {
  const program = new Command('dunghan')
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (text, write) => write(`dunghan: ${text.replace(/^error: /, '')}`),
    })
    .description(
      'Đúng Hạn — deadline monitor for the dossiers of Vietnamese administrative procedures.\n' +
        'Exit codes: 0 ok, 1 runtime failure, 2 bad input (with a message naming the argument).',
    )
    .showHelpAfterError(false)
    .exitOverride();

  program
    .command('due')
    .description(
      'Compute the legal due date of a dossier on the Vietnamese working-day calendar and print one JSON object\n' +
        '{receivedAt, effectiveReceiptDate, dueAt, duration, cutoff, calendar, provisional[, explanation]}.',
    )
    .requiredOption('--received <iso>', 'receipt instant, ISO-8601 with offset (e.g. 2024-02-07T16:30:00+07:00)')
    .requiredOption('--duration <n>', 'time limit: <N>wd working days, <N>wh working hours, <N>d calendar days')
    .option(
      '--cutoff <HH:MM>',
      'receipts at or after this time count from the next working day (default: office closing 17:00)',
    )
    .option('--calendar <file>', 'calendar file (JSON or YAML) instead of the built-in civil-service calendar')
    .addOption(new Option('--explain', 'add the explanation: effective receipt day, each day skipped and why'))
    .addHelpText(
      'after',
      '\nExample:\n  dunghan due --received 2024-02-07T16:30:00+07:00 --duration 5wd --cutoff 15:00 --explain',
    )
    .action(async (options) => {
      io.out(`${JSON.stringify(await runDue(options), null, 2)}\n`);
    });

  return program;
}

/** Runs the command line and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram({
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander rejects is bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof BadInputError) {
      process.stderr.write(`dunghan: ${error.message}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(`dunghan: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));

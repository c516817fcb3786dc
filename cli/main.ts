import { Command, CommanderError } from 'commander';
import { registerAdmin } from './admin-commands.ts';
import type { Io, Register } from './command.ts';
import { registerDesk } from './desk-commands.ts';
import { registerDue } from './due-command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { registerImport } from './import-command.ts';
import { registerReconcile } from './reconcile-command.ts';
import { registerReport } from './report-command.ts';
import { registerStart } from './start-command.ts';
import { registerStore } from './store-commands.ts';
import { registerSync } from './sync-command.ts';
import { registerVerify } from './verify-command.ts';

/**
 * The `dunghan` command: a table of command modules, each registering its commands (cli/command.ts),
 * in the order `dunghan --help` lists them. Where a command runs and as whom is decided in
 * cli/platform.ts; how an error ends, in cli/exit-codes.ts.
 */
const MODULES: readonly Register[] = [
  registerDue,
  registerStore,
  registerStart,
  registerAdmin,
  registerReport,
  registerVerify,
  registerDesk,
  registerImport,
  registerReconcile,
  registerSync,
];

/** Builds the `dunghan` command tree; `io` lets tests capture output. */
export function buildProgram(io: Io): Command {
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
  for (const register of MODULES) register(program, io);
  return program;
}

/** Runs the command line with this output and returns the exit code (in-process: the tests' matrix). */
export async function run(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander rejects is bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const result = error instanceof RuntimeFailure || error instanceof BadInputError ? error.result : undefined;
    if (result !== undefined) io.out(`${JSON.stringify(result, null, 2)}\n`);
    io.err(`dunghan: ${(error as Error).message ?? String(error)}\n`);
    return exitCodeFor(error);
  }
}

/** Runs the command line on this process's output and returns the exit code (bin/dunghan.js). */
export function main(argv: string[]): Promise<number> {
  return run(argv, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}

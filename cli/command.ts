import { type Command, Option } from 'commander';
import { PASSWORD_ENV } from './identity.ts';

/*
 * What every command module shares (issue #33): each module registers its commands on the program with
 * {@link Register}; cli/main.ts is the table of modules. The options that mean the same everywhere are
 * defined here once.
 */

/** Where a command writes: stdout and stderr, or what a test captures. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A command module: adds its commands to the program. */
export type Register = (program: Command, io: Io) => void;

/** `--data-dir`: the local store (dynalite on disk). */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'local store (dynalite on disk)').default('.dunghan');
}

/** `--as <user name>`: act as that person, signed in at the local provider (ADR 0023). */
export function asOption(): Option {
  return new Option(
    '--as <username>',
    `act as this person, signed in at the local sign-in server (password from ${PASSWORD_ENV} or asked); default: the operator of the data directory`,
  );
}

/** `--aws`: the deployed table instead of the local store. */
export function awsOption(what = 'work on'): Option {
  return new Option('--aws', `${what} the AWS table named by TABLE_NAME (credentials from the environment)`);
}

/** The options of a command on the store: `--data-dir`, `--aws` and `--as`. */
export function onStore(command: Command): Command {
  return command.addOption(dataDirOption()).addOption(awsOption()).addOption(asOption());
}

/** `--author`: who makes a change, for the audit. */
export const AUTHOR_HELP = 'who makes the change, for the audit (default: $DUNGHAN_AUTHOR or the OS user)';

/** Prints a command's result as indented JSON. */
export function printer(io: Io): (value: unknown) => void {
  return (value) => io.out(`${JSON.stringify(value, null, 2)}\n`);
}

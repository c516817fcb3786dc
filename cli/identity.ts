import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { LocalRuntime } from '../local/local-runtime.ts';
import { passwordSignIn } from '../local/password-sign-in.ts';
import { type Actor, describeActor } from '../shared/domain/authority/actors.ts';
import { AccessDeniedError, type Action, authorize, type Target } from '../shared/domain/authority/authority.ts';
import { EMPTY_DIRECTORY, UnitBook } from '../shared/domain/units/unit-directory.ts';
import type { ConfigSource } from '../shared/ports/config-source.ts';
import { BadInputError } from './errors.ts';

/*
 * Who a command acts as (issue #30, ADR 0023). On a local data directory, the operator at this shell —
 * they hold its files — unless `--as <user name>` names a person, who then signs in at the local OpenID
 * provider (the running `npm start`'s, or one started for the command) and acts with their own grants.
 * An apology is approved only as a head (`--as`): the operator never signs one.
 */

export interface ActingOptions {
  dataDir: string;
  as?: string;
}

/** The environment variable a script gives the password in (a terminal is asked instead). */
export const PASSWORD_ENV = 'DUNGHAN_PASSWORD';

export function localOperator(): Actor {
  let name = 'operator';
  try {
    name = userInfo().username || name;
  } catch {
    // No user database (a container): the operator stays unnamed.
  }
  return { kind: 'operator', name };
}

async function readPassword(username: string): Promise<string> {
  const given = process.env[PASSWORD_ENV];
  if (given) return given;
  if (!process.stdin.isTTY)
    throw new BadInputError(
      '--as',
      `sign in as ${username}: give the password in ${PASSWORD_ENV} or run in a terminal`,
    );
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // The typed characters are not echoed.
  (prompt as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.includes('Mật khẩu')) process.stderr.write(s);
  };
  try {
    return await new Promise<string>((resolve) => prompt.question(`Mật khẩu của ${username}: `, resolve));
  } finally {
    prompt.close();
    process.stderr.write('\n');
  }
}

/** The actor of a command on this runtime: the signed-in `--as` person, else the local operator. */
export async function actorFor(runtime: LocalRuntime, options: ActingOptions): Promise<Actor> {
  if (options.as === undefined) return localOperator();
  const issuer = runtime.identityIssuer;
  if (!issuer) throw new BadInputError('--as', 'no sign-in server is running for this data directory');
  const password = await readPassword(options.as);
  let idToken: string;
  try {
    ({ idToken } = await passwordSignIn(issuer, options.as, password));
  } catch {
    throw new BadInputError(
      '--as',
      `sign-in refused for ${options.as}: wrong user name or password, or the account is disabled`,
    );
  }
  return runtime.verifier.verify(idToken);
}

/**
 * Asks the authority whether the command's actor may (ADR 0023): a refusal exits 2 naming `--as`, the
 * person and why; a dossier out of scope stays "not found" for the caller to say.
 */
export async function askAuthority(
  actor: Actor,
  action: Exclude<Action, 'dossier.sync'>,
  target: Target,
  directory: Pick<ConfigSource, 'getUnitDirectory'>,
): Promise<UnitBook> {
  const units = new UnitBook((await directory.getUnitDirectory()) ?? EMPTY_DIRECTORY);
  try {
    authorize(actor, action, target, units);
  } catch (error) {
    if (error instanceof AccessDeniedError)
      throw new BadInputError('--as', `${describeActor(actor)}: ${error.message}`);
    throw error;
  }
  return units;
}

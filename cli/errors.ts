import { InvalidInputError } from '../shared/support/errors.ts';

/**
 * Bad command-line input, of the vocabulary's kind `invalid_input` (shared/support/errors.ts): exit
 * code 2 with one line naming the argument and what is wrong.
 */
export class BadInputError extends InvalidInputError {
  override name = 'BadInputError';
  constructor(
    readonly argument: string,
    reason: string,
    /** A JSON result to print on stdout as well (a validation report). */
    readonly result?: unknown,
  ) {
    super(`${argument}: ${reason}`, argument);
  }
}

/**
 * A command that ran and failed in part (exit code 1), with its JSON result to print (a detector report, an
 * import's refused rows): not an error kind of its own but the CLI's way to end such a run.
 */
export class RuntimeFailure extends Error {
  override name = 'RuntimeFailure';
  constructor(
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

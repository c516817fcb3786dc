/** Bad command-line input: exit code 2 with one line naming the argument and what is wrong. */
export class BadInputError extends Error {
  override name = 'BadInputError';
  constructor(
    readonly argument: string,
    reason: string,
    /** A JSON result to print on stdout as well (a validation report). */
    readonly result?: unknown,
  ) {
    super(`${argument}: ${reason}`);
  }
}

/** A runtime failure (exit code 1), with a JSON result to print when there is one (a detector report). */
export class RuntimeFailure extends Error {
  override name = 'RuntimeFailure';
  constructor(
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

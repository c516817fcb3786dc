/** Bad command-line input: exit code 2 with one line naming the argument and what is wrong. */
export class BadInputError extends Error {
  override name = 'BadInputError';
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument}: ${reason}`);
  }
}

/** Exit codes of the `dunghan` command. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

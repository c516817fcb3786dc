import { kindOf } from '../shared/support/errors.ts';
import { RuntimeFailure } from './errors.ts';

/** Exit codes of the `dunghan` command. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/**
 * The one translation of errors into exit codes: bad input and what was named but does not exist exit 2
 * (the user can fix the command); a conflict, a refusal, an unavailable service or anything else exit 1.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof RuntimeFailure) return EXIT.failure;
  const kind = kindOf(error);
  return kind === 'invalid_input' || kind === 'not_found' ? EXIT.badInput : EXIT.failure;
}

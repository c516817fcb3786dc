/**
 * The project's error vocabulary: every error the domain and the use cases throw on purpose is one of
 * six kinds, and the edges translate the kind — once — into what their users see: an HTTP status
 * (shared/adapters/http-status.ts) or an exit code and one line on stderr (cli/exit-codes.ts). Anything
 * else is a defect or an outage and surfaces as such (500, exit 1, a failed invocation).
 */
export type ErrorKind = 'invalid_input' | 'not_found' | 'conflict' | 'refused' | 'unavailable' | 'unauthenticated';

export abstract class DungHanError extends Error {
  abstract readonly kind: ErrorKind;
}

/** The input is wrong: the message names the field and the reason. Retrying the same input cannot help. */
export class InvalidInputError extends DungHanError {
  readonly kind = 'invalid_input';
  override name = 'InvalidInputError';
  constructor(
    message: string,
    /** The field, argument or path at fault, when there is one. */
    readonly field?: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What was asked for does not exist (a dossier, a rule, a calendar, a quarantine entry). */
export class NotFoundError extends DungHanError {
  readonly kind = 'not_found';
  override name = 'NotFoundError';
}

/** Someone else changed it first: read again and retry, or tell the user it changed. */
export class ConflictError extends DungHanError {
  readonly kind = 'conflict';
  override name = 'ConflictError';
}

/** Valid input that the rules do not allow (a second re-appointment, an expired link, a refused address). */
export class RefusedError extends DungHanError {
  readonly kind = 'refused';
  override name = 'RefusedError';
}

/** A service is unavailable for now (throttled, paused): nothing happened; retry later. */
export class UnavailableError extends DungHanError {
  readonly kind = 'unavailable';
  override name = 'UnavailableError';
}

/** Nobody is signed in, or the token or session is not valid (expired, wrongly signed, another audience). */
export class UnauthenticatedError extends DungHanError {
  readonly kind = 'unauthenticated';
  override name = 'UnauthenticatedError';
}

/** The kind of an error, or undefined for an error outside the vocabulary (a defect, an outage). */
export function kindOf(error: unknown): ErrorKind | undefined {
  return error instanceof DungHanError ? error.kind : undefined;
}

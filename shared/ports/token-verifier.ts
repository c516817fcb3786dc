import type { Person } from '../domain/authority/actors.ts';

/** Verifies a bearer or ID token into the person it names, or throws UnauthenticatedError (ADR 0023). */
export interface TokenVerifier {
  verify(token: string): Promise<Person>;
}

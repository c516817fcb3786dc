import type { UserDirectory, UserDirectoryDiff } from '../domain/users/user-directory.ts';

/** Mirrors the user directory into an identity provider (the Cognito user pools); idempotent (ADR 0023). */
export interface IdentityMirror {
  apply(diff: UserDirectoryDiff, next: UserDirectory): Promise<void>;
}

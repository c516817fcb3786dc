/**
 * Signing a person in on the pages' own form (issue #30): Cognito's managed login has no Vietnamese, so
 * on AWS the pages ask for the user name and password themselves and talk to the user pool — the
 * challenges included (the first sign-in's new password, the TOTP code, enrolling TOTP).
 */
export type SignInStep =
  | { kind: 'signed_in'; idToken: string; refreshToken?: string | undefined }
  | { kind: 'new_password'; session: string }
  | { kind: 'totp'; session: string }
  | { kind: 'totp_setup'; session: string; secret: string };

export interface PasswordSignIn {
  /** Starts a sign-in; a wrong user name or password (or a disabled person) is an UnauthenticatedError. */
  start(username: string, password: string, context: { ip?: string | undefined }): Promise<SignInStep>;
  /** Answers a challenge: the new password, or the six-digit TOTP code. */
  answer(
    username: string,
    step: Exclude<SignInStep, { kind: 'signed_in' }>,
    answer: string,
    context: { ip?: string | undefined },
  ): Promise<SignInStep>;
  /** A new ID token for the session of this person, at the issuer that signed them in. */
  refresh(
    username: string,
    refreshToken: string,
    issuer: string,
  ): Promise<{ idToken: string; refreshToken?: string | undefined }>;
  /** Revokes the refresh token (sign-out). */
  revoke(refreshToken: string, issuer: string): Promise<void>;
}

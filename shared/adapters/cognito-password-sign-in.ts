import { createHmac } from 'node:crypto';
import {
  AssociateSoftwareTokenCommand,
  type AuthenticationResultType,
  type ChallengeNameType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PasswordSignIn, SignInStep } from '../ports/password-sign-in.ts';
import { InvalidInputError, UnauthenticatedError, UnavailableError } from '../support/errors.ts';

/** The errors Cognito answers for a person who may not sign in now: each is "wrong name or password" to them. */
const REFUSED = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  'UserNotConfirmedException',
  'PasswordResetRequiredException',
]);
const BAD_ANSWER = new Set([
  'CodeMismatchException',
  'EnableSoftwareTokenMFAException',
  'InvalidPasswordException',
  'ExpiredCodeException',
]);

/**
 * The pages' own sign-in at a Cognito user pool (USER_PASSWORD_AUTH with the client's secret hash): the
 * new password of a first sign-in, the TOTP code, and enrolling TOTP where the pool requires MFA
 * (the administrators'). Threat protection sees the person's address (`UserContextData.IpAddress`).
 */
export class CognitoPasswordSignIn implements PasswordSignIn {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly app: { clientId: string; clientSecret: string },
  ) {}

  private hash(username: string): string {
    return createHmac('sha256', this.app.clientSecret)
      .update(username + this.app.clientId)
      .digest('base64');
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = (error as Error).name;
      if (REFUSED.has(name)) throw new UnauthenticatedError('sign-in: wrong user name or password', { cause: error });
      if (BAD_ANSWER.has(name)) throw new InvalidInputError(`sign-in: ${name}`, 'answer', { cause: error });
      if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
        throw new UnavailableError('sign-in: too many attempts, try again later', { cause: error });
      // No answer from the pool at all (a network fault, a timeout): nothing happened, try again later.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined)
        throw new UnavailableError('sign-in: the user pool cannot be reached now', { cause: error });
      throw error;
    }
  }

  private async step(result: {
    AuthenticationResult?: AuthenticationResultType;
    ChallengeName?: ChallengeNameType;
    Session?: string;
  }): Promise<SignInStep> {
    if (result.AuthenticationResult?.IdToken)
      return {
        kind: 'signed_in',
        idToken: result.AuthenticationResult.IdToken,
        refreshToken: result.AuthenticationResult.RefreshToken,
      };
    const session = result.Session ?? '';
    switch (result.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        return { kind: 'new_password', session };
      case 'SOFTWARE_TOKEN_MFA':
        return { kind: 'totp', session };
      case 'MFA_SETUP': {
        const associated = await this.call(() =>
          this.client.send(new AssociateSoftwareTokenCommand({ Session: session })),
        );
        return { kind: 'totp_setup', session: associated.Session ?? session, secret: associated.SecretCode ?? '' };
      }
      default:
        throw new UnauthenticatedError(`sign-in: the pool asks ${result.ChallengeName ?? 'nothing'}, not offered here`);
    }
  }

  async start(username: string, password: string, context: { ip?: string | undefined }): Promise<SignInStep> {
    const result = await this.call(() =>
      this.client.send(
        new InitiateAuthCommand({
          ClientId: this.app.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password, SECRET_HASH: this.hash(username) },
          ...(context.ip ? { UserContextData: { IpAddress: context.ip } } : {}),
        }),
      ),
    );
    return this.step(result);
  }

  async answer(
    username: string,
    step: Exclude<SignInStep, { kind: 'signed_in' }>,
    answer: string,
    context: { ip?: string | undefined },
  ): Promise<SignInStep> {
    const respond = (ChallengeName: ChallengeNameType, responses: Record<string, string>, Session: string) =>
      this.call(() =>
        this.client.send(
          new RespondToAuthChallengeCommand({
            ClientId: this.app.clientId,
            ChallengeName,
            Session,
            ChallengeResponses: { USERNAME: username, SECRET_HASH: this.hash(username), ...responses },
            ...(context.ip ? { UserContextData: { IpAddress: context.ip } } : {}),
          }),
        ),
      );
    if (step.kind === 'new_password')
      return this.step(await respond('NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: answer }, step.session));
    if (step.kind === 'totp')
      return this.step(await respond('SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: answer }, step.session));
    const verified = await this.call(() =>
      this.client.send(new VerifySoftwareTokenCommand({ Session: step.session, UserCode: answer })),
    );
    if (verified.Status !== 'SUCCESS') throw new InvalidInputError('sign-in: the code does not match', 'answer');
    return this.step(await respond('MFA_SETUP', {}, verified.Session ?? step.session));
  }

  async refresh(username: string, refreshToken: string, _issuer?: string) {
    const result = await this.call(() =>
      this.client.send(
        new InitiateAuthCommand({
          ClientId: this.app.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: this.hash(username) },
        }),
      ),
    );
    const idToken = result.AuthenticationResult?.IdToken;
    if (!idToken) throw new UnauthenticatedError('session: the pool did not refresh it');
    return { idToken, refreshToken: result.AuthenticationResult?.RefreshToken ?? refreshToken };
  }

  async revoke(refreshToken: string, _issuer?: string): Promise<void> {
    await this.call(() =>
      this.client.send(
        new RevokeTokenCommand({
          Token: refreshToken,
          ClientId: this.app.clientId,
          ClientSecret: this.app.clientSecret,
        }),
      ),
    ).catch(() => undefined);
  }
}

/**
 * The pages' one form for both user pools (ADR 0023): a person is looked for in the staff's pool, then
 * in the administrators' (MFA required there); the pool that knows them answers every later step of
 * their sign-in (its index rides in the challenge's session) and refreshes their session (by issuer).
 */
export class UserPoolsSignIn implements PasswordSignIn {
  constructor(private readonly pools: readonly { issuer: string; signIn: PasswordSignIn }[]) {}

  private tag(index: number, step: SignInStep): SignInStep {
    return step.kind === 'signed_in' ? step : { ...step, session: `${index}:${step.session}` };
  }

  async start(username: string, password: string, context: { ip?: string | undefined }): Promise<SignInStep> {
    let refusal: unknown;
    for (const [index, pool] of this.pools.entries()) {
      try {
        return this.tag(index, await pool.signIn.start(username, password, context));
      } catch (error) {
        if (!(error instanceof UnauthenticatedError)) throw error;
        refusal = error;
      }
    }
    throw refusal ?? new UnauthenticatedError('sign-in: wrong user name or password');
  }

  async answer(
    username: string,
    step: Exclude<SignInStep, { kind: 'signed_in' }>,
    answer: string,
    context: { ip?: string | undefined },
  ): Promise<SignInStep> {
    const at = step.session.indexOf(':');
    const index = Number(step.session.slice(0, at));
    const pool = this.pools[index];
    if (!pool) throw new UnauthenticatedError('sign-in: start again');
    return this.tag(
      index,
      await pool.signIn.answer(username, { ...step, session: step.session.slice(at + 1) }, answer, context),
    );
  }

  private poolOf(issuer: string): PasswordSignIn {
    const pool = this.pools.find((p) => p.issuer === issuer);
    if (!pool) throw new UnauthenticatedError('session: signed in at an issuer this deployment no longer trusts');
    return pool.signIn;
  }

  refresh(username: string, refreshToken: string, issuer: string) {
    return this.poolOf(issuer).refresh(username, refreshToken, issuer);
  }

  revoke(refreshToken: string, issuer: string): Promise<void> {
    return this.poolOf(issuer).revoke(refreshToken, issuer);
  }
}

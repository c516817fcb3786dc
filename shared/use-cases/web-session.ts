import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Person } from '../domain/authority/actors.ts';
import type { RelyingParty } from '../ports/relying-party.ts';
import type { CookieChange, SessionStore, WebSession } from '../ports/session-store.ts';

export type { CookieChange };

import type { PasswordSignIn, SignInStep } from '../ports/password-sign-in.ts';
import type { TokenVerifier } from '../ports/token-verifier.ts';
import { InvalidInputError, RefusedError, UnauthenticatedError } from '../support/errors.ts';

/*
 * Sessions done properly (issue #30, ADR 0023): the code flow with PKCE and nonce; the browser keeps a
 * random id (HttpOnly, Secure, SameSite=Lax cookie, `__Host-` prefixed), the store the person and the
 * refresh token under a hash of it; the ID token lives 10 minutes and is refreshed at the issuer — which
 * refuses a disabled person —; an hour without a request or eight hours in all end it; sign-out deletes
 * it and ends the issuer's session; every state-changing form carries the session's CSRF token.
 */

export const SESSION_COOKIE = '__Host-dunghan-session';
export const SIGNIN_COOKIE = '__Host-dunghan-signin';
export const IDLE_MS = 60 * 60_000;
export const ABSOLUTE_MS = 8 * 60 * 60_000;
const SIGNIN_MS = 10 * 60_000;
/** A session's last-seen time is written at most this often (one write per request would be wasted). */
const TOUCH_MS = 60_000;

export interface WebAuthDeps {
  sessions: SessionStore;
  relyingParty: RelyingParty;
  /** The pages' own sign-in form at the user pool (Cognito), instead of the issuer's pages (a redirect). */
  password?: PasswordSignIn | undefined;
  verifier: TokenVerifier;
  /** Wall-clock time (sessions expire in real time even when the dossiers' clock is simulated). */
  now(): number;
  /** The origins sign-out leads to (the issuer's, its sign-out page's): the pages' forms may go there. */
  formTargets: readonly string[];
}

const random = () => randomBytes(32).toString('base64url');
const keyOf = (cookie: string) => createHash('sha256').update(cookie).digest('base64url');

/** Only a path of these pages is a place to return to after sign-in (no open redirect). */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\') || next.length > 2000) return '/';
  return next;
}

/** Starts a sign-in: where to send the browser, and the cookie that binds the callback to it. */
export async function beginSignIn(deps: WebAuthDeps, next: string | undefined) {
  const cookie = random();
  const pending = {
    state: random(),
    nonce: random(),
    codeVerifier: random(),
    next: safeNext(next),
    createdAt: deps.now(),
  };
  await deps.sessions.putPendingSignIn(keyOf(cookie), pending, deps.now() + SIGNIN_MS);
  const location = await deps.relyingParty.authorizationUrl({
    state: pending.state,
    nonce: pending.nonce,
    codeChallenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
  });
  return { location, cookies: [{ name: SIGNIN_COOKIE, value: cookie, maxAgeS: SIGNIN_MS / 1000 }] };
}

/** The issuer's callback: the code exchanged, the ID token verified, a session made. */
export async function completeSignIn(deps: WebAuthDeps, callbackUrl: URL, signInCookie: string | undefined) {
  const pending = signInCookie ? await deps.sessions.takePendingSignIn(keyOf(signInCookie)) : undefined;
  if (!pending) throw new UnauthenticatedError('sign-in: no sign-in under way in this browser (start again)');
  return openSession(deps, await deps.relyingParty.exchange(callbackUrl, pending), pending.next);
}

/** A session for verified tokens; the browser goes on to `next`. */
async function openSession(
  deps: WebAuthDeps,
  tokens: { idToken: string; refreshToken?: string | undefined },
  next: string,
) {
  const person = await deps.verifier.verify(tokens.idToken);
  const cookie = random();
  const now = deps.now();
  const session: WebSession = {
    person,
    tokenExpiresAt: expiryOf(tokens.idToken, now),
    refreshToken: tokens.refreshToken,
    idToken: tokens.idToken,
    createdAt: now,
    lastSeenAt: now,
    csrf: random(),
  };
  await deps.sessions.putSession(keyOf(cookie), session, now + ABSOLUTE_MS);
  return {
    location: safeNext(next),
    cookies: [
      { name: SESSION_COOKIE, value: cookie, maxAgeS: ABSOLUTE_MS / 1000 },
      { name: SIGNIN_COOKIE, value: '', maxAgeS: 0 },
    ],
  };
}

function expiryOf(idToken: string, now: number): number {
  try {
    const { exp } = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
    };
    return typeof exp === 'number' ? exp * 1000 : now;
  } catch {
    return now;
  }
}

/**
 * The person signed in with this cookie, refreshed at the issuer when the token has expired; undefined
 * (and the session deleted) when it is unknown, idle too long, too old, or the issuer refuses to refresh.
 */
export async function resumeSession(
  deps: WebAuthDeps,
  cookie: string | undefined,
): Promise<{ person: Person; csrf: string } | undefined> {
  if (!cookie || cookie.length > 200) return undefined;
  const key = keyOf(cookie);
  const session = await deps.sessions.getSession(key);
  const now = deps.now();
  if (!session) return undefined;
  if (now - session.lastSeenAt > IDLE_MS || now - session.createdAt > ABSOLUTE_MS) {
    await deps.sessions.deleteSession(key);
    return undefined;
  }
  let current = session;
  if (now >= session.tokenExpiresAt) {
    if (!session.refreshToken) {
      await deps.sessions.deleteSession(key);
      return undefined;
    }
    try {
      const tokens = deps.password
        ? await deps.password.refresh(
            session.person.username ?? session.person.subject,
            session.refreshToken,
            session.person.issuer,
          )
        : await deps.relyingParty.refresh(session.refreshToken);
      const person = await deps.verifier.verify(tokens.idToken);
      current = {
        ...session,
        person,
        idToken: tokens.idToken,
        tokenExpiresAt: expiryOf(tokens.idToken, now),
        refreshToken: tokens.refreshToken ?? session.refreshToken,
      };
    } catch (error) {
      if (!(error instanceof UnauthenticatedError)) throw error;
      await deps.sessions.deleteSession(key);
      return undefined;
    }
  }
  if (current !== session || now - session.lastSeenAt > TOUCH_MS)
    await deps.sessions.putSession(key, { ...current, lastSeenAt: now }, session.createdAt + ABSOLUTE_MS);
  return { person: current.person, csrf: current.csrf };
}

/** Thrown when a state-changing form does not carry its session's CSRF token. */
export class CsrfError extends RefusedError {
  override name = 'CsrfError';
}

/** Checks a form's CSRF token against the session's, in constant time. */
export function checkCsrf(expected: string, given: string | undefined | null): void {
  const a = Buffer.from(expected);
  const b = Buffer.from(given ?? '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new CsrfError('csrf: the form is stale or forged');
}

/** Signs out (CSRF-checked): the session deleted here, then the issuer's session ended. */
export async function signOut(deps: WebAuthDeps, cookie: string | undefined, csrf: string | null) {
  const key = cookie ? keyOf(cookie) : undefined;
  const session = key ? await deps.sessions.getSession(key) : undefined;
  if (session && key) {
    checkCsrf(session.csrf, csrf);
    await deps.sessions.deleteSession(key);
    if (deps.password && session.refreshToken)
      await deps.password.revoke(session.refreshToken, session.person.issuer).catch(() => undefined);
  }
  const location = deps.password
    ? '/auth/signed-out'
    : ((await deps.relyingParty.signOutUrl(session?.idToken)) ?? '/auth/signed-out');
  return { location, cookies: [{ name: SESSION_COOKIE, value: '', maxAgeS: 0 }] };
}

/** What the pages' own sign-in form shows next: a session made, or the challenge to answer. */
export type PasswordStepResult =
  | { done: true; location: string; cookies: CookieChange[] }
  | {
      done: false;
      challenge: 'new_password' | 'totp' | 'totp_setup';
      secret?: string | undefined;
      username: string;
      cookies: CookieChange[];
      /** The last answer was refused (a mistyped code, a password the pool's policy refuses): try again. */
      mistake?: boolean | undefined;
    };

/** The form's anti-forgery cookie: the form carries the same random value (a login CSRF is refused). */
export function signInFormToken(): { token: string; cookies: CookieChange[] } {
  const token = random();
  return { token, cookies: [{ name: SIGNIN_COOKIE, value: token, maxAgeS: SIGNIN_MS / 1000 }] };
}

async function afterStep(
  deps: WebAuthDeps,
  username: string,
  step: SignInStep,
  next: string,
): Promise<PasswordStepResult> {
  if (step.kind === 'signed_in') return { done: true, ...(await openSession(deps, step, next)) };
  const cookie = random();
  await deps.sessions.putPendingSignIn(
    keyOf(cookie),
    {
      state: JSON.stringify({ username, step }),
      nonce: '',
      codeVerifier: '',
      next: safeNext(next),
      createdAt: deps.now(),
    },
    deps.now() + SIGNIN_MS,
  );
  return {
    done: false,
    challenge: step.kind,
    ...(step.kind === 'totp_setup' ? { secret: step.secret } : {}),
    username,
    cookies: [{ name: SIGNIN_COOKIE, value: cookie, maxAgeS: SIGNIN_MS / 1000 }],
  };
}

/** The pages' own form posted: the double-submitted token checked, then the user pool asked. */
export async function passwordSignIn(
  deps: WebAuthDeps,
  input: {
    username: string;
    password: string;
    next: string;
    formToken: string;
    cookie: string | undefined;
    ip?: string;
  },
): Promise<PasswordStepResult> {
  if (!deps.password) throw new UnauthenticatedError('sign-in: this deployment signs in at its issuer');
  checkCsrf(input.cookie ?? '', input.formToken);
  const username = input.username.trim().toLowerCase().slice(0, 128);
  return afterStep(deps, username, await deps.password.start(username, input.password, { ip: input.ip }), input.next);
}

/** A challenge answered (the new password, the TOTP code), bound to the browser by its sign-in cookie. */
export async function answerSignIn(
  deps: WebAuthDeps,
  input: { answer: string; cookie: string | undefined; ip?: string },
): Promise<PasswordStepResult> {
  if (!deps.password) throw new UnauthenticatedError('sign-in: this deployment signs in at its issuer');
  const pending = input.cookie ? await deps.sessions.takePendingSignIn(keyOf(input.cookie)) : undefined;
  if (!pending) throw new UnauthenticatedError('sign-in: no sign-in under way in this browser (start again)');
  const { username, step } = JSON.parse(pending.state) as {
    username: string;
    step: Exclude<SignInStep, { kind: 'signed_in' }>;
  };
  let next: SignInStep;
  try {
    next = await deps.password.answer(username, step, input.answer, { ip: input.ip });
  } catch (error) {
    // A mistyped code or a password the pool refuses: the same challenge stays open for another try.
    if (!(error instanceof InvalidInputError)) throw error;
    const again = await afterStep(deps, username, step, pending.next);
    return again.done ? again : { ...again, mistake: true };
  }
  return afterStep(deps, username, next, pending.next);
}

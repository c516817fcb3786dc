import type { Person } from '../domain/authority/actors.ts';

/*
 * Web sessions (issue #30): the browser holds a random id in an HttpOnly, Secure, SameSite cookie; the
 * store holds, under a hash of it, who is signed in and how to refresh them. Nothing of a token ever
 * reaches a URL, a page or a log line.
 */

export interface WebSession {
  /** The person as their last verified ID token named them. */
  person: Person;
  /** When that ID token expires (epoch ms): past it, the session refreshes before it answers. */
  tokenExpiresAt: number;
  /** The issuer's refresh token (rotated at each refresh); absent, the session ends with the token. */
  refreshToken?: string | undefined;
  /** The ID token, kept for the issuer's sign-out (`id_token_hint`). */
  idToken?: string | undefined;
  createdAt: number;
  lastSeenAt: number;
  /** The per-session CSRF token every state-changing form carries. */
  csrf: string;
}

/** A sign-in under way: what the callback must find (bound to the browser by its own cookie). */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to return: a path of these pages, never another site. */
  next: string;
  createdAt: number;
}

export interface SessionStore {
  getSession(key: string): Promise<WebSession | undefined>;
  putSession(key: string, session: WebSession, expiresAt: number): Promise<void>;
  deleteSession(key: string): Promise<void>;
  /** Stores a pending sign-in; it is read once (taken) by the callback. */
  putPendingSignIn(key: string, pending: PendingSignIn, expiresAt: number): Promise<void>;
  takePendingSignIn(key: string): Promise<PendingSignIn | undefined>;
}

/** A cookie to set (or clear, with `maxAgeS` 0). */
export interface CookieChange {
  name: string;
  value: string;
  maxAgeS: number;
}

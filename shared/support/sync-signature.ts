import { createHmac, timingSafeEqual } from 'node:crypto';
import { DungHanError } from './errors.ts';

/*
 * How a one-stop system signs what it sends to `POST /sync` (ADR 0017): each system has its own secret;
 * the request carries the system's id, the time it was signed (Unix seconds) and
 * `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` — the scheme Stripe and Slack use for webhooks,
 * simple to add to any sender (OpenCPS's integration already builds the JSON body and its headers).
 * A request signed more than five minutes from now is refused, so a captured request cannot be replayed
 * later; within that window a replay changes nothing (the events are idempotent).
 */

export const SYNC_HEADERS = {
  system: 'x-dunghan-system',
  timestamp: 'x-dunghan-timestamp',
  signature: 'x-dunghan-signature',
} as const;

/** How far a request's signing time may be from the receiver's clock. */
export const SYNC_TOLERANCE_SECONDS = 300;

/** The sender is not who it says, or its signature is stale: answered 401, nothing written. */
export class SyncAuthError extends DungHanError {
  readonly kind = 'unauthenticated';
  override name = 'SyncAuthError';
}

export function signSyncBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** The headers a sender adds to a body. */
export function syncHeaders(system: string, secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [SYNC_HEADERS.system]: system,
    [SYNC_HEADERS.timestamp]: String(timestamp),
    [SYNC_HEADERS.signature]: signSyncBody(secret, timestamp, body),
  };
}

/** Checks a request; returns the sending system's id, or throws {@link SyncAuthError} saying why. */
export function verifySyncRequest(
  secrets: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  nowMs: number,
): string {
  const header = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  const system = header(SYNC_HEADERS.system);
  const timestamp = header(SYNC_HEADERS.timestamp);
  const signature = header(SYNC_HEADERS.signature);
  if (!system || !timestamp || !signature)
    throw new SyncAuthError(`missing ${Object.values(SYNC_HEADERS).join(', ')} headers`);
  const secret = Object.hasOwn(secrets, system) ? secrets[system] : undefined;
  if (!secret) throw new SyncAuthError('unknown sending system');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > SYNC_TOLERANCE_SECONDS)
    throw new SyncAuthError(`the signing time is more than ${SYNC_TOLERANCE_SECONDS} s from now`);
  const expected = Buffer.from(signSyncBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SyncAuthError('bad signature');
  return system;
}

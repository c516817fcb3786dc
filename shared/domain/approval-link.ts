import { createHmac, timingSafeEqual } from 'node:crypto';
import { RefusedError } from '../support/errors.ts';

/** Why a link was refused. */
export type LinkProblem = 'malformed' | 'tampered' | 'expired' | 'other_dossier';

export class InvalidLinkError extends RefusedError {
  override name = 'InvalidLinkError';
  constructor(readonly problem: LinkProblem) {
    super(`approval link refused: ${problem}`);
  }
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Signs an approval token for one dossier, valid until `expiresAt` (epoch ms), bound to the head it is
 * mailed to (their e-mail, `boundTo`): the link alone approves nothing — that head signs in (ADR 0023).
 * HMAC-SHA256.
 */
export function signApprovalToken(secret: string, dossierId: string, expiresAt: number, boundTo?: string): string {
  const payload = b64(JSON.stringify({ d: dossierId, e: expiresAt, ...(boundTo ? { h: boundTo.toLowerCase() } : {}) }));
  const mac = createHmac('sha256', secret).update(payload).digest();
  return `${payload}.${b64(mac)}`;
}

/**
 * Verifies a token for a dossier at `now`: the signature (constant-time), the dossier it was issued for
 * and its expiry. Replays are refused by the approval itself (a dossier is re-appointed only once).
 */
export function verifyApprovalToken(
  secret: string,
  token: string,
  dossierId: string,
  now: number,
): { boundTo?: string | undefined } {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) throw new InvalidLinkError('malformed');
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidLinkError('tampered');
  let claims: { d?: unknown; e?: unknown; h?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      d?: unknown;
      e?: unknown;
      h?: unknown;
    };
  } catch {
    throw new InvalidLinkError('malformed');
  }
  if (claims.d !== dossierId) throw new InvalidLinkError('other_dossier');
  if (typeof claims.e !== 'number' || claims.e < now) throw new InvalidLinkError('expired');
  return typeof claims.h === 'string' ? { boundTo: claims.h } : {};
}

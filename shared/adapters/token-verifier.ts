import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Grant, type Person, parseGrant } from '../domain/authority/actors.ts';
import type { TokenVerifier } from '../ports/token-verifier.ts';
import type { IssuerSettings } from '../settings/identity-env.ts';
import { UnauthenticatedError } from '../support/errors.ts';

/*
 * The one place tokens are verified (issue #30): the signature against the issuer's published keys
 * (JWKS, fetched and cached by jose), the issuer, the audience, the expiry (30 s of clock skew) and the
 * algorithm (asymmetric only: `alg: none` and HMAC tokens are refused). The same code runs on AWS
 * (Cognito) and locally (the embedded OpenID provider).
 */

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_S = 30;

function claim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  // A flat claim named with dots or colons (`cognito:groups`) first, then the nested path (`realm_access.roles`).
  if (path in payload) return payload[path];
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 300) : undefined;
}

/** The grants a token's claims carry, kept to the roles the issuer may grant. */
export function grantsOf(payload: JWTPayload, settings: IssuerSettings): Grant[] {
  const raw = claim(payload, settings.claims.grants);
  const names = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const grants: Grant[] = [];
  for (const name of names.slice(0, 200)) {
    const grant = typeof name === 'string' ? parseGrant(name) : undefined;
    if (grant && settings.roles.includes(grant.role)) grants.push(grant);
  }
  return grants;
}

/** The person a verified token's claims describe. */
export function personOf(payload: JWTPayload, settings: IssuerSettings): Person {
  const subject = text(claim(payload, settings.claims.subject));
  if (!subject) throw new UnauthenticatedError('token: no subject');
  const username = text(claim(payload, settings.claims.username)) ?? text(payload.preferred_username);
  const email = text(claim(payload, settings.claims.email));
  return {
    kind: 'person',
    issuer: settings.issuer,
    subject,
    ...(username ? { username } : {}),
    name: text(claim(payload, settings.claims.name)) ?? username ?? email ?? subject,
    ...(email ? { email } : {}),
    grants: grantsOf(payload, settings),
  };
}

/**
 * A verifier for the configured issuers; `keys` overrides the key sets (tests with local keys). An
 * unknown issuer is refused before any key is fetched.
 */
export function createTokenVerifier(
  issuers: readonly IssuerSettings[],
  options: { keys?: (settings: IssuerSettings) => JWTVerifyGetKey; now?: () => number } = {},
): TokenVerifier {
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keysOf = (settings: IssuerSettings) => {
    let keys = keySets.get(settings.issuer);
    if (!keys) {
      keys =
        options.keys?.(settings) ??
        createRemoteJWKSet(new URL(settings.jwksUri ?? `${settings.issuer.replace(/\/$/, '')}/.well-known/jwks.json`), {
          timeoutDuration: 5000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        });
      keySets.set(settings.issuer, keys);
    }
    return keys;
  };
  return {
    async verify(token: string): Promise<Person> {
      if (!token || token.length > 16_384) throw new UnauthenticatedError('token: missing or too long');
      const issuer = unverifiedIssuer(token);
      const settings = issuers.find((i) => i.issuer === issuer);
      if (!settings) throw new UnauthenticatedError('token: not issued by a trusted issuer');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keysOf(settings), {
          issuer: settings.issuer,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['exp', 'iat', 'sub'],
          ...(options.now ? { currentDate: new Date(options.now()) } : {}),
        }));
      } catch (error) {
        throw new UnauthenticatedError(`token: ${reasonOf(error)}`);
      }
      // Cognito's access tokens name their client in `client_id`; ID tokens (and other issuers') in `aud`.
      const audiences = [
        ...(Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : []),
        ...(payload.token_use === 'access' && typeof payload.client_id === 'string' ? [payload.client_id] : []),
      ];
      if (!audiences.some((a) => settings.audience.includes(a)))
        throw new UnauthenticatedError('token: issued for another application (audience)');
      return personOf(payload, settings);
    },
  };
}

function unverifiedIssuer(token: string): string | undefined {
  const [, body] = token.split('.');
  try {
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/** jose's error codes in words; the token itself never appears in a message or a log line. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: string })?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'signature does not verify';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim ${(error as { claim?: string }).claim ?? ''} not valid`;
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JOSE_GENERIC':
      return 'the issuer’s keys could not be fetched';
    default:
      return 'malformed';
  }
}

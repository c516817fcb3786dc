import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Person } from '../domain/authority/actors.ts';
import type { CookieChange } from '../ports/session-store.ts';
import type { TokenVerifier } from '../ports/token-verifier.ts';

/*
 * Who is asking, at the HTTP edge (issue #30): a bearer token (the API, the CLI) or the pages' session
 * cookie — verified by the one verifier, then handed to the one authority module. No token or cookie
 * value is logged or echoed.
 */

/** The cookies of a request: payload 2.0's `cookies`, else the Cookie header (a REST API's payload 1.0). */
export function cookieOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const pairs = event.cookies ?? (event.headers?.cookie ?? event.headers?.Cookie ?? '').split(';');
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Set-Cookie values: `__Host-` cookies are Secure, Path=/, no Domain (browsers treat loopback as a secure
 * context, so the local pages keep them too); HttpOnly; SameSite=Lax — the issuer's redirect back to the
 * callback is a top-level GET, which Lax lets through, while a cross-site POST carries no session.
 */
export function setCookies(changes: readonly CookieChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.name}=${c.value}; Path=/; Max-Age=${c.maxAgeS}; HttpOnly; Secure; SameSite=Lax${
        c.maxAgeS === 0 ? '; Expires=Thu, 01 Jan 1970 00:00:00 GMT' : ''
      }`,
  );
}

/** A redirect, with cookies set, never cached. */
export function redirect(location: string, cookies: readonly CookieChange[] = [], status = 302) {
  return {
    statusCode: status,
    headers: { location, 'cache-control': 'no-store' },
    ...(cookies.length > 0 ? { cookies: setCookies(cookies) } : {}),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerOf(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/** The person behind a bearer token; undefined when none was sent; UnauthenticatedError when it does not verify. */
export async function bearerPerson(
  event: APIGatewayProxyEventV2,
  verifier: TokenVerifier,
): Promise<Person | undefined> {
  const token = bearerOf(event);
  return token === undefined ? undefined : verifier.verify(token);
}

/** The path prefix the pages are served under (a REST API's stage, `/p`), for links and redirects. */
export function basePathOf(event: APIGatewayProxyEventV2): string {
  const stage = event.requestContext?.stage;
  return stage && stage !== '$default' ? `/${stage}` : '';
}

import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../shared/adapters/token-verifier.ts';
import type { IssuerSettings } from '../../shared/settings/identity-env.ts';

type KeyObjectLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const ISSUER = 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_staff';
const settings: IssuerSettings = {
  issuer: ISSUER,
  audience: ['web-client'],
  claims: { subject: 'sub', name: 'name', email: 'email', username: 'cognito:username', grants: 'cognito:groups' },
  roles: ['official', 'head', 'supervisor'],
};

let key: KeyObjectLike;
let otherKey: KeyObjectLike;
let jwk: JWK;
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

const verifier = () => createTokenVerifier([settings], { keys: () => createLocalJWKSet({ keys: [jwk] }) });

async function token(
  claims: Record<string, unknown> = {},
  signWith?: KeyObjectLike,
  header: Record<string, unknown> = {},
) {
  return new SignJWT({
    'cognito:groups': ['head:H21.65.01', 'admin', 'someone-elses-group'],
    'cognito:username': 'bia.nh',
    name: 'Nay H’Bia',
    email: 'bia.nh@x.vn',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header })
    .setIssuer(String(claims.iss ?? ISSUER))
    .setSubject('8f2c-uuid')
    .setAudience(String(claims.aud ?? 'web-client'))
    .setIssuedAt(now - 60)
    .setExpirationTime(Number(claims.exp ?? now + 600))
    .sign(signWith ?? key);
}

describe('the token verifier', () => {
  it('turns a valid ID token into the person, keeping only the grants this issuer may give', async () => {
    const person = await verifier().verify(await token());
    expect(person).toEqual({
      kind: 'person',
      issuer: ISSUER,
      subject: '8f2c-uuid',
      username: 'bia.nh',
      name: 'Nay H’Bia',
      email: 'bia.nh@x.vn',
      // `admin` is dropped: the staff pool never grants it (administrators sign in to their own pool, with MFA).
      grants: [{ role: 'head', unitId: 'H21.65.01' }],
    });
  });

  it('accepts a Cognito access token by its client_id', async () => {
    const access = await token({ aud: 'x', token_use: 'access', client_id: 'web-client' });
    expect((await verifier().verify(access)).subject).toBe('8f2c-uuid');
  });

  it.each([
    ['expired', () => token({ exp: now - 120 }), /expired/],
    ['wrongly signed', () => token({}, otherKey), /signature/],
    ['for another audience', () => token({ aud: 'another-app' }), /audience/],
    ['from another issuer', () => token({ iss: 'https://evil.example/pool' }), /trusted issuer/],
    ['malformed', async () => 'not.a.token', /trusted issuer|malformed/],
    ['empty', async () => '', /missing/],
  ])('refuses a token %s', async (_what, make, message) => {
    await expect(verifier().verify(await make())).rejects.toMatchObject({
      kind: 'unauthenticated',
      message: expect.stringMatching(message),
    });
  });

  it('refuses alg none and a token signed with the public key as an HMAC secret', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = {
      iss: ISSUER,
      sub: 'x',
      aud: 'web-client',
      iat: now,
      exp: now + 600,
      'cognito:groups': ['head:H21.65.01'],
    };
    const none = `${b64({ alg: 'none' })}.${b64(payload)}.`;
    await expect(verifier().verify(none)).rejects.toMatchObject({ kind: 'unauthenticated' });
    const hmac = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    await expect(verifier().verify(hmac)).rejects.toMatchObject({
      kind: 'unauthenticated',
      message: expect.stringMatching(/algorithm|signature/),
    });
  });

  it('never puts the token in its message', async () => {
    const expired = await token({ exp: now - 120 });
    const error = await verifier()
      .verify(expired)
      .catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(expired.slice(0, 20));
  });
});

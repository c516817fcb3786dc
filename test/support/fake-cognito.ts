import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/*
 * A fake Cognito user pool at the HTTP layer (the JSON 1.1 protocol the SDK speaks, `X-Amz-Target`), for
 * the pages' own sign-in: USER_PASSWORD_AUTH with the secret hash, the NEW_PASSWORD_REQUIRED, MFA_SETUP and
 * SOFTWARE_TOKEN_MFA challenges, refresh, revocation; ID tokens signed with its own key and published at
 * `<issuer>/.well-known/jwks.json` as Cognito does. What it does not know it answers as Cognito would not.
 */

export interface FakeUser {
  password: string;
  email: string;
  name: string;
  groups: string[];
  /** A first sign-in: the password must be changed. */
  mustChangePassword?: boolean;
  /** The pool requires MFA and the person has no authenticator yet. */
  mustEnrolTotp?: boolean;
  totpSecret?: string;
  disabled?: boolean;
  /** The pool the person was created in (by AdminCreateUser): other pools do not know them. */
  pool?: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

function unbase32(text: string): Buffer {
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The six-digit code of an authenticator app for this secret at this instant (RFC 6238, SHA-1, 30 s). */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', unbase32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export class FakeCognito {
  readonly clientId: string;
  readonly clientSecret = randomBytes(24).toString('base64url');
  readonly calls: { target: string; body: Record<string, unknown> }[] = [];
  idTokenSeconds = 600;
  private server?: Server;
  private url = '';
  private key?: Awaited<ReturnType<typeof generateKeyPair>>;
  private readonly sessions = new Map<string, { username: string; challenge: string }>();
  private readonly refreshTokens = new Map<string, string>();
  /** The groups of the pool (administration: `dunghan users --aws`). */
  readonly groups = new Set<string>();
  /** Who was signed out everywhere (their refresh tokens revoked). */
  readonly signedOut: string[] = [];
  constructor(
    readonly users: Record<string, FakeUser>,
    readonly poolId = 'ap-southeast-1_FakeStaff',
  ) {
    this.clientId = `pages-client-of-${poolId}`;
  }

  get endpoint(): string {
    return this.url;
  }
  get issuer(): string {
    return `${this.url}/${this.poolId}`;
  }

  async start(): Promise<this> {
    this.key = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(this.key.publicKey)), kid: 'fake', alg: 'RS256', use: 'sig' };
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', async () => {
        if (request.method === 'GET' && request.url === `/${this.poolId}/.well-known/jwks.json`) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ keys: [jwk] }));
          return;
        }
        const target = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.calls.push({ target, body });
        try {
          const answer = await this.handle(target, body);
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(answer));
        } catch (error) {
          const type = (error as Error).message;
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
          response.end(JSON.stringify({ __type: type, message: type }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private hashOf(username: string): string {
    return createHmac('sha256', this.clientSecret)
      .update(username + this.clientId)
      .digest('base64');
  }

  private async tokens(username: string) {
    const user = this.users[username] as FakeUser;
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      'cognito:username': username,
      'cognito:groups': user.groups,
      email: user.email,
      name: user.name,
      token_use: 'id',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'fake' })
      .setIssuer(this.issuer)
      .setAudience(this.clientId)
      .setSubject(`sub-${username}`)
      .setIssuedAt(now)
      .setExpirationTime(now + this.idTokenSeconds)
      .sign(this.key?.privateKey as CryptoKeyLike);
    const refreshToken = randomBytes(16).toString('hex');
    this.refreshTokens.set(refreshToken, username);
    return { AuthenticationResult: { IdToken: idToken, RefreshToken: refreshToken, ExpiresIn: this.idTokenSeconds } };
  }

  private challenge(username: string, name: string) {
    const session = randomUUID();
    this.sessions.set(session, { username, challenge: name });
    return { ChallengeName: name, Session: session, ChallengeParameters: {} };
  }

  private next(username: string) {
    const user = this.users[username] as FakeUser;
    if (user.mustChangePassword) return this.challenge(username, 'NEW_PASSWORD_REQUIRED');
    if (user.mustEnrolTotp) return this.challenge(username, 'MFA_SETUP');
    if (user.totpSecret) return this.challenge(username, 'SOFTWARE_TOKEN_MFA');
    return this.tokens(username);
  }

  private async handle(target: string, body: Record<string, unknown>): Promise<unknown> {
    const params = (body.AuthParameters ?? body.ChallengeResponses ?? {}) as Record<string, string>;
    switch (target) {
      case 'InitiateAuth': {
        if (body.ClientId !== this.clientId) throw new Error('ResourceNotFoundException');
        if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
          const username = this.refreshTokens.get(params.REFRESH_TOKEN ?? '');
          if (!username || this.users[username]?.disabled || params.SECRET_HASH !== this.hashOf(username))
            throw new Error('NotAuthorizedException');
          const fresh = await this.tokens(username);
          return { AuthenticationResult: { ...fresh.AuthenticationResult, RefreshToken: undefined } };
        }
        const user = this.users[params.USERNAME ?? ''];
        if (params.SECRET_HASH !== this.hashOf(params.USERNAME ?? '')) throw new Error('NotAuthorizedException');
        if (!user || user.disabled || user.password !== params.PASSWORD) throw new Error('NotAuthorizedException');
        return this.next(params.USERNAME as string);
      }
      case 'RespondToAuthChallenge': {
        const session = this.sessions.get(String(body.Session));
        if (!session || session.challenge !== body.ChallengeName || params.USERNAME !== session.username)
          throw new Error('NotAuthorizedException');
        if (params.SECRET_HASH !== this.hashOf(session.username)) throw new Error('NotAuthorizedException');
        const user = this.users[session.username] as FakeUser;
        this.sessions.delete(String(body.Session));
        if (session.challenge === 'NEW_PASSWORD_REQUIRED') {
          if ((params.NEW_PASSWORD ?? '').length < 12) {
            this.sessions.set(String(body.Session), session);
            throw new Error('InvalidPasswordException');
          }
          user.password = params.NEW_PASSWORD as string;
          user.mustChangePassword = false;
        } else if (session.challenge === 'SOFTWARE_TOKEN_MFA') {
          if (params.SOFTWARE_TOKEN_MFA_CODE !== totp(user.totpSecret ?? '')) {
            this.sessions.set(String(body.Session), session);
            throw new Error('CodeMismatchException');
          }
          return this.tokens(session.username);
        } else if (session.challenge === 'MFA_SETUP') {
          if (user.mustEnrolTotp) throw new Error('NotAuthorizedException');
          return this.tokens(session.username);
        }
        return this.next(session.username);
      }
      case 'AssociateSoftwareToken': {
        const session = this.sessions.get(String(body.Session));
        if (!session) throw new Error('NotAuthorizedException');
        const user = this.users[session.username] as FakeUser;
        user.totpSecret = base32(randomBytes(20));
        return { SecretCode: user.totpSecret, Session: body.Session };
      }
      case 'VerifySoftwareToken': {
        const session = this.sessions.get(String(body.Session));
        if (!session) throw new Error('NotAuthorizedException');
        const user = this.users[session.username] as FakeUser;
        if (body.UserCode !== totp(user.totpSecret ?? '')) throw new Error('EnableSoftwareTokenMFAException');
        user.mustEnrolTotp = false;
        return { Status: 'SUCCESS', Session: body.Session };
      }
      case 'RevokeToken':
        this.refreshTokens.delete(String(body.Token));
        return {};
      default:
        return this.administer(target, body);
    }
  }

  /** The administration calls `dunghan users --aws` makes (AdminCreateUser, groups, disable, sign-out). */
  private administer(target: string, body: Record<string, unknown>): unknown {
    const username = String(body.Username ?? '');
    const user = () => {
      const found = this.users[username];
      if (!found || (found.pool && found.pool !== body.UserPoolId)) throw new Error('UserNotFoundException');
      return found;
    };
    const attribute = (name: string) =>
      (body.UserAttributes as { Name: string; Value: string }[] | undefined)?.find((a) => a.Name === name)?.Value ?? '';
    switch (target) {
      case 'AdminCreateUser':
        if (this.users[username]) throw new Error('UsernameExistsException');
        this.users[username] = {
          pool: String(body.UserPoolId),
          password: 'temporary',
          email: attribute('email'),
          name: attribute('name'),
          groups: [],
          mustChangePassword: true,
        };
        return { User: { Username: username } };
      case 'AdminUpdateUserAttributes':
        Object.assign(user(), { email: attribute('email'), name: attribute('name') });
        return {};
      case 'AdminListGroupsForUser':
        return { Groups: user().groups.map((GroupName) => ({ GroupName })) };
      case 'CreateGroup':
        if (this.groups.has(String(body.GroupName))) throw new Error('GroupExistsException');
        this.groups.add(String(body.GroupName));
        return { Group: { GroupName: body.GroupName } };
      case 'AdminAddUserToGroup':
        if (!this.groups.has(String(body.GroupName))) throw new Error('ResourceNotFoundException');
        user().groups.push(String(body.GroupName));
        return {};
      case 'AdminRemoveUserFromGroup':
        user().groups = user().groups.filter((g) => g !== body.GroupName);
        return {};
      case 'AdminEnableUser':
        user().disabled = false;
        return {};
      case 'AdminDisableUser':
        user().disabled = true;
        return {};
      case 'AdminUserGlobalSignOut':
        user();
        this.signedOut.push(username);
        for (const [token, owner] of this.refreshTokens) if (owner === username) this.refreshTokens.delete(token);
        return {};
      default:
        throw new Error('UnknownOperationException');
    }
  }
}

type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

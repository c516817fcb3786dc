import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { page } from '../shared/domain/pages/html-page.ts';
import type { User, UserDirectory } from '../shared/domain/users/user-directory.ts';
import { escapeHtml as e } from '../shared/domain/vietnamese/format.ts';
import type { IssuerSettings } from '../shared/settings/identity-env.ts';

/*
 * The local OpenID provider (issue #30, ADR 0023): the certified `oidc-provider` package on loopback, so
 * `npm start` and `dunghan serve` sign people in as Cognito does on AWS, and the functions verify its
 * tokens with the same code (shared/adapters/token-verifier.ts). Its accounts are the user directory in
 * the table (read at each sign-in and each refresh: a disabled person is refused at once); every enabled
 * person signs in with the demo password. Its sign-in page is in Vietnamese.
 */

/** The password of every demo account (local only: Cognito or the province's SSO holds real ones). */
export const LOCAL_DEMO_PASSWORD = 'dunghan-demo';
/** The web pages' client (the approval page, the console): confidential, code flow with PKCE. */
export const LOCAL_WEB_CLIENT = { clientId: 'dunghan-web', clientSecret: 'local-only-web-client-secret' } as const;
/** The `dunghan` command's client: public (a native app), loopback redirect, PKCE. */
export const LOCAL_CLI_CLIENT = 'dunghan-cli';
/** Where the CLI's loopback redirect goes (any port, RFC 8252 §7.3). */
export const LOCAL_CLI_REDIRECT = 'http://127.0.0.1/callback';

/** Tokens live 10 minutes; a refresh keeps a session going for up to 8 hours (idle expiry: 1 hour). */
export const ID_TOKEN_TTL_S = 600;
export const REFRESH_TTL_S = 8 * 3600;

export interface LocalIdentityProvider {
  issuer: string;
  /** The issuer as the verifier is configured with it (claims as this provider writes them). */
  settings: IssuerSettings;
  close(): Promise<void>;
}

/** How the local provider's claims map to a person: the same names Keycloak uses. */
export function localIssuerSettings(issuer: string): IssuerSettings {
  return {
    issuer,
    audience: [LOCAL_WEB_CLIENT.clientId, LOCAL_CLI_CLIENT],
    claims: { subject: 'sub', name: 'name', email: 'email', username: 'preferred_username', grants: 'groups' },
    roles: ['official', 'head', 'supervisor', 'admin'],
  };
}

/**
 * The provider's state (sessions, grants, codes, refresh tokens) in this process's memory: a local
 * provider's sign-ins end with it, as its signing key does. Expired entries are dropped when read.
 */
class MemoryAdapter {
  private static readonly store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  private static readonly byUid = new Map<string, string>();
  private static readonly byUserCode = new Map<string, string>();
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    const key = this.key(id);
    MemoryAdapter.store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (typeof payload.uid === 'string') MemoryAdapter.byUid.set(payload.uid, key);
    if (typeof payload.userCode === 'string') MemoryAdapter.byUserCode.set(payload.userCode, key);
    if (typeof payload.grantId === 'string') {
      const grant = `grant:${payload.grantId}`;
      MemoryAdapter.store.set(grant, {
        payload: { keys: [...((MemoryAdapter.store.get(grant)?.payload.keys as string[]) ?? []), key] },
        expiresAt: Infinity,
      });
    }
  }
  private read(key: string | undefined): Record<string, unknown> | undefined {
    const entry = key === undefined ? undefined : MemoryAdapter.store.get(key);
    if (!entry || entry.expiresAt < Date.now()) return undefined;
    return entry.payload;
  }
  async find(id: string) {
    return this.read(this.key(id));
  }
  async findByUid(uid: string) {
    return this.read(MemoryAdapter.byUid.get(uid));
  }
  async findByUserCode(userCode: string) {
    return this.read(MemoryAdapter.byUserCode.get(userCode));
  }
  async consume(id: string): Promise<void> {
    const entry = this.read(this.key(id));
    if (entry) entry.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MemoryAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    const grant = `grant:${grantId}`;
    for (const key of (MemoryAdapter.store.get(grant)?.payload.keys as string[]) ?? []) MemoryAdapter.store.delete(key);
    MemoryAdapter.store.delete(grant);
  }
}

async function loadProvider(): Promise<typeof import('oidc-provider').default> {
  // oidc-provider 9 asks for Node 22 and says so once at import; this machine's Node 20 runs it (the
  // tests prove the flows), and the local provider is never deployed: that one notice is left out.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING: Unsupported runtime')) warn(...args);
  };
  try {
    return (await import('oidc-provider')).default;
  } finally {
    console.warn = warn;
  }
}

function signInPage(uid: string, error?: string, username = ''): string {
  return page(
    'Đăng nhập',
    `<h1>Đăng nhập Đúng Hạn</h1>
<div class="card${error ? ' error' : ''}">${error ? `<p role="alert">${e(error)}</p>` : ''}
<form method="post" action="/interaction/${e(uid)}/login" autocomplete="on">
<label for="username">Tên đăng nhập</label><input id="username" name="username" value="${e(username)}" autocomplete="username" required autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button></form>
<p class="note">Máy chủ đăng nhập thử nghiệm trên máy này: tài khoản mẫu và mật khẩu được in khi khởi động (npm start).</p></div>`,
  );
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16_384) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, html: string, formTargets: readonly string[] = []): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The sign-in form's redirects end at the pages' callback: browsers hold redirects to form-action too.
    'content-security-policy':
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTargets.join(' ')}`.trim(),
    'x-frame-options': 'DENY',
  });
  response.end(html);
}

/** The page's client (confidential, code flow) and the command's (native, PKCE). */
function clientsOf(redirects: { callbacks: string[]; signedOut: string[] }) {
  return [
    {
      client_id: LOCAL_WEB_CLIENT.clientId,
      client_secret: LOCAL_WEB_CLIENT.clientSecret,
      redirect_uris: redirects.callbacks.length > 0 ? redirects.callbacks : ['http://127.0.0.1/auth/callback'],
      post_logout_redirect_uris: redirects.signedOut,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    {
      client_id: LOCAL_CLI_CLIENT,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: [LOCAL_CLI_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ];
}

/** The provider's settings: Cognito's claims and lifetimes, Vietnamese sign-out, the accounts of the user directory. */
function providerConfiguration(
  jwk: Record<string, unknown>,
  redirects: { callbacks: string[]; signedOut: string[] },
  findUser: (username: string) => Promise<User | undefined>,
) {
  return {
    clients: clientsOf(redirects),
    adapter: MemoryAdapter,
    jwks: { keys: [jwk] },
    routes: { jwks: '/.well-known/jwks.json' },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // The grants ride with the profile, as Cognito puts `cognito:groups` in every ID token.
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'groups'],
      email: ['email'],
    },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // The ID token carries the person and their grants, as Cognito's does (the bearer the API verifies).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      IdToken: ID_TOKEN_TTL_S,
      AccessToken: ID_TOKEN_TTL_S,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: REFRESH_TTL_S,
      Grant: REFRESH_TTL_S,
      RefreshToken: REFRESH_TTL_S,
    },
    rotateRefreshToken: true,
    // Every client gets a refresh token (the web client asks offline_access like Cognito's code flow gives one).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own sign-out step, in Vietnamese: it submits itself (the person asked on the page).
        logoutSource: async (ctx: { body: string }, form: string) => {
          ctx.body = page(
            'Đăng xuất',
            `<h1>Đang đăng xuất…</h1><div class="card">${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button></div>
<script>document.querySelector('button[name=logout]').click()</script>`,
          );
        },
        postLogoutSuccessSource: async (ctx: { body: string }) => {
          ctx.body = page('Đã đăng xuất', '<div class="card ok"><h1>Đã đăng xuất</h1></div>');
        },
      },
      revocation: { enabled: true },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const user = await findUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        async claims() {
          return {
            sub: user.username,
            name: user.name,
            preferred_username: user.username,
            email: user.email,
            groups: user.grants,
          };
        },
      };
    },
  };
}

/**
 * Starts the provider on loopback. `users` reads the user directory in force; `webRedirects` are the
 * pages' callback and sign-out addresses (known once the page's port is).
 */
export async function startLocalIdentityProvider(options: {
  port?: number;
  users: () => Promise<UserDirectory | undefined>;
  webRedirects?: () => { callbacks: string[]; signedOut: string[] };
  password?: string;
}): Promise<LocalIdentityProvider> {
  const Provider = await loadProvider();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const password = options.password ?? LOCAL_DEMO_PASSWORD;
  const findUser = async (username: string): Promise<User | undefined> =>
    (await options.users())?.users.find((u) => u.username === username && !u.disabled);
  const redirects = options.webRedirects?.() ?? { callbacks: [], signedOut: [] };
  const clientOrigins = [...new Set([...redirects.callbacks, LOCAL_CLI_REDIRECT].map((u) => new URL(u).origin))];
  const provider = new Provider(issuer, providerConfiguration(jwk, redirects, findUser) as never);
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', issuer);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      callback(request, response);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(request, response);
        if (!match[2]) {
          send(response, 200, signInPage(details.uid), clientOrigins);
          return;
        }
        if (request.method !== 'POST') return send(response, 405, signInPage(details.uid), clientOrigins);
        const form = await readForm(request);
        const username = (form.get('username') ?? '').trim().toLowerCase();
        const user = await findUser(username);
        if (!user || form.get('password') !== password) {
          send(
            response,
            401,
            signInPage(details.uid, 'Tên đăng nhập hoặc mật khẩu không đúng.', username),
            clientOrigins,
          );
          return;
        }
        // Đúng Hạn's own clients: the scopes they ask are granted without a consent screen.
        const grant = new provider.Grant({ accountId: user.username, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const grantId = await grant.save();
        await provider.interactionFinished(
          request,
          response,
          { login: { accountId: user.username }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch {
        send(
          response,
          400,
          page(
            'Đăng nhập',
            '<h1>Phiên đăng nhập đã hết hạn</h1><div class="card error"><p>Vui lòng mở lại trang cần đăng nhập.</p></div>',
          ),
        );
      }
    })();
  });
  return {
    issuer,
    settings: localIssuerSettings(issuer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

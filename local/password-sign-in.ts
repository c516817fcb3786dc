import * as client from 'openid-client';
import { LOCAL_CLI_CLIENT, LOCAL_CLI_REDIRECT } from './identity-provider.ts';

/*
 * Signs a person in at the local OpenID provider by filling in its own sign-in form, through the
 * authorization code flow with PKCE as the `dunghan` command's public client — so tests and
 * `dunghan login` get real tokens from the real provider without a browser. Local only: against Cognito
 * or a province's SSO the command opens the browser instead.
 */

export interface SignedIn {
  idToken: string;
  refreshToken?: string | undefined;
  expiresAt: number;
}

/** A cookie jar for the provider's own cookies across the redirects. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export class SignInRefusedError extends Error {
  override name = 'SignInRefusedError';
}

export async function passwordSignIn(
  issuer: string,
  username: string,
  password: string,
  options: { clientId?: string; redirectUri?: string } = {},
): Promise<SignedIn> {
  const clientId = options.clientId ?? LOCAL_CLI_CLIENT;
  const redirectUri = options.redirectUri ?? LOCAL_CLI_REDIRECT;
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorize = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email dunghan offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'consent',
  });
  const cookies = new Cookies();
  const step = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookies.header() },
    });
    cookies.take(response);
    return response;
  };
  let response = await step(authorize.href);
  let location = response.headers.get('location');
  if (!location) throw new SignInRefusedError(`the provider did not start a sign-in (HTTP ${response.status})`);
  const interaction = new URL(location, issuer);
  response = await step(`${interaction.href}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  // The provider resumes the authorization, then redirects to the client with the code.
  for (let hops = 0; hops < 5; hops += 1) {
    location = response.headers.get('location');
    if (!location) throw new SignInRefusedError(`sign-in refused for ${username} (HTTP ${response.status})`);
    if (location.startsWith(`${redirectUri}?`)) break;
    response = await step(new URL(location, issuer).href);
  }
  const callback = new URL(location as string);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  if (!tokens.id_token) throw new SignInRefusedError('the provider returned no ID token');
  return {
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + (tokens.expires_in ?? 600) * 1000,
  };
}

import * as client from 'openid-client';
import { UnauthenticatedError } from '../shared/support/errors.ts';
import { LOCAL_CLI_CLIENT, LOCAL_CLI_REDIRECT } from './identity-provider.ts';
import { ScriptedBrowser } from './scripted-browser.ts';

/*
 * Signs a person in at the local OpenID provider by filling in its own sign-in form, through the
 * authorization code flow with PKCE as the `dunghan` command's public client — so tests and
 * `dunghan login` get real tokens from the real provider without a browser. Local only: against Cognito
 * or a province's SSO a person signs in in their browser.
 */

export interface SignedIn {
  idToken: string;
  refreshToken?: string | undefined;
  expiresAt: number;
}

export class SignInRefusedError extends UnauthenticatedError {
  override name = 'SignInRefusedError';
}

export async function passwordSignIn(issuer: string, username: string, password: string): Promise<SignedIn> {
  const config = await client.discovery(new URL(issuer), LOCAL_CLI_CLIENT, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorize = client.buildAuthorizationUrl(config, {
    redirect_uri: LOCAL_CLI_REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'consent',
  });
  const { url, response } = await new ScriptedBrowser().openSignedIn(authorize, username, password);
  if (!url.href.startsWith(`${LOCAL_CLI_REDIRECT}?`))
    throw new SignInRefusedError(`sign-in refused for ${username} (HTTP ${response.status})`);
  const tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
  if (!tokens.id_token) throw new SignInRefusedError('the provider returned no ID token');
  return {
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + (tokens.expires_in ?? 600) * 1000,
  };
}

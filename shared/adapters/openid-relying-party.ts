import * as client from 'openid-client';
import type { RelyingParty } from '../ports/relying-party.ts';
import { UnauthenticatedError, UnavailableError } from '../support/errors.ts';

/** The pages' client at the issuer: on AWS the staff user pool's app client, locally the embedded provider's. */
export interface WebClientSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** This deployment's callback (`<pages>/auth/callback`) and where the issuer returns after sign-out. */
  redirectUri: string;
  signedOutUri: string;
  /** The issuer's sign-out page when discovery names none (Cognito's managed login: `<domain>/logout`). */
  logoutUrl?: string | undefined;
  /**
   * `cognito`: the pages' own Vietnamese form signs people in at the user pool (USER_PASSWORD_AUTH);
   * `oidc` (default): the browser goes to the issuer's sign-in page (the local provider, a province's SSO).
   */
  mode?: 'oidc' | 'cognito' | undefined;
  /** With `cognito`: the pool's region (and another endpoint, for a test's fake user pool). */
  region?: string | undefined;
  endpoint?: string | undefined;
  /**
   * With `cognito`: every pool the form signs people in at, the staff's first, then the administrators'
   * (default: the one pool of `issuer` and `clientId`). Each client's secret is `clientSecret`, or the
   * entry `secretKey` of the secret (a JSON object) the deployment names.
   */
  pools?:
    | {
        issuer: string;
        clientId: string;
        clientSecret?: string | undefined;
        secretKey?: string | undefined;
        endpoint?: string | undefined;
      }[]
    | undefined;
}

const SCOPE = 'openid profile email';

/**
 * The relying party with `openid-client` (certified, by the author of the local provider): discovery,
 * the code flow with PKCE and nonce, refresh, and RP-initiated sign-out. A loopback issuer (the local
 * provider) is the only one allowed over http.
 */
export function openIdRelyingParty(settings: WebClientSettings): RelyingParty {
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(`${settings.issuer}/`);
  let discovered: Promise<client.Configuration> | undefined;
  const config = () => {
    discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None(),
        loopback ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw new UnavailableError('the sign-in service cannot be reached now', { cause: error });
      });
    return discovered;
  };
  const tokens = (response: client.TokenEndpointResponse) => {
    if (!response.id_token) throw new UnauthenticatedError('the issuer returned no ID token');
    return { idToken: response.id_token, refreshToken: response.refresh_token };
  };
  return {
    async authorizationUrl({ state, nonce, codeChallenge }) {
      return client
        .buildAuthorizationUrl(await config(), {
          redirect_uri: settings.redirectUri,
          scope: SCOPE,
          state,
          nonce,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        })
        .toString();
    },
    async exchange(callbackUrl, expected) {
      // The callback as registered, with the parameters the issuer sent (openid-client takes the
      // redirect_uri of the token request from it).
      const registered = new URL(settings.redirectUri);
      registered.search = callbackUrl.search;
      try {
        return tokens(
          await client.authorizationCodeGrant(await config(), registered, {
            pkceCodeVerifier: expected.codeVerifier,
            expectedState: expected.state,
            expectedNonce: expected.nonce,
            idTokenExpected: true,
          }),
        );
      } catch (error) {
        if (error instanceof UnavailableError) throw error;
        throw new UnauthenticatedError('sign-in: the issuer’s answer was refused', { cause: error });
      }
    },
    async refresh(refreshToken) {
      try {
        return tokens(await client.refreshTokenGrant(await config(), refreshToken));
      } catch (error) {
        if (error instanceof UnavailableError) throw error;
        throw new UnauthenticatedError('session: the issuer refused to refresh it', { cause: error });
      }
    },
    async signOutUrl(idTokenHint) {
      const configuration = await config();
      if (configuration.serverMetadata().end_session_endpoint) {
        return client
          .buildEndSessionUrl(configuration, {
            post_logout_redirect_uri: settings.signedOutUri,
            ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
          })
          .toString();
      }
      if (!settings.logoutUrl) return undefined;
      const url = new URL(settings.logoutUrl);
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('logout_uri', settings.signedOutUri);
      return url.toString();
    },
  };
}

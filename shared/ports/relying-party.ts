/** The pages' side of OpenID Connect (issue #30): the code flow with PKCE, refresh and sign-out at the issuer. */
export interface RelyingParty {
  authorizationUrl(input: { state: string; nonce: string; codeChallenge: string }): Promise<string>;
  /** Exchanges the callback's code; checks state, nonce and PKCE. */
  exchange(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ idToken: string; refreshToken?: string | undefined }>;
  refresh(refreshToken: string): Promise<{ idToken: string; refreshToken?: string | undefined }>;
  /** Where to send the browser to end the issuer's session too (undefined: the issuer has no such endpoint). */
  signOutUrl(idTokenHint: string | undefined): Promise<string | undefined>;
}

import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoPasswordSignIn, UserPoolsSignIn } from '../../shared/adapters/cognito-password-sign-in.ts';
import { readWebClient } from '../../shared/adapters/identity.ts';
import { openIdRelyingParty, type WebClientSettings } from '../../shared/adapters/openid-relying-party.ts';
import type { Platform } from '../../shared/adapters/platform.ts';
import { createTokenVerifier } from '../../shared/adapters/token-verifier.ts';
import { ConfigError } from '../../shared/settings/env.ts';
import { IDENTITY_ENV, type IssuerSettings, readIdentityIssuers } from '../../shared/settings/identity-env.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approve-through-link.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import type { WebAuthDeps } from '../../shared/use-cases/web-session.ts';

/** The approval page's composition root (public, signed links; announces an approval on the bus). */
export function approvalDeps(platform: Platform, linkSecret: string): ApprovalDeps {
  return {
    store: platform.table.dossiers,
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    clock: platform.clock,
    linkSecret,
    publisher: platform.publisher,
  };
}

/** Approving from the desk (`dunghan approve`): the same dependencies, no link to verify. */
export function deskApprovalDeps(platform: Platform): Omit<ApprovalDeps, 'linkSecret'> {
  const { linkSecret: _none, ...deps } = approvalDeps(platform, '');
  return deps;
}

/** The pages' sign-in: sessions in the table, the web client at its issuer, the one verifier (ADR 0023). */
export function webAuth(
  platform: Platform,
  issuers: readonly IssuerSettings[],
  client: WebClientSettings,
): WebAuthDeps {
  const pools = client.pools ?? [client];
  const password =
    client.mode === 'cognito'
      ? new UserPoolsSignIn(
          pools.map((pool) => ({
            issuer: pool.issuer,
            signIn: new CognitoPasswordSignIn(
              new CognitoIdentityProviderClient({
                ...(client.region ? { region: client.region } : {}),
                ...((pool.endpoint ?? client.endpoint) ? { endpoint: pool.endpoint ?? client.endpoint } : {}),
              }),
              { clientId: pool.clientId, clientSecret: pool.clientSecret ?? '' },
            ),
          })),
        )
      : undefined;
  return {
    sessions: platform.table.sessions,
    relyingParty: openIdRelyingParty(client),
    ...(password ? { password } : {}),
    verifier: createTokenVerifier(issuers),
    now: Date.now,
    formTargets: [
      ...new Set([client.issuer, client.logoutUrl].filter((u): u is string => !!u).map((u) => new URL(u).origin)),
    ],
  };
}

export async function webAuthFromEnvironment(platform: Platform): Promise<WebAuthDeps> {
  const client = await readWebClient();
  if (!client)
    throw new ConfigError(`invalid configuration: ${IDENTITY_ENV.webClient}: must name the pages' sign-in client`);
  return webAuth(platform, readIdentityIssuers(), client);
}

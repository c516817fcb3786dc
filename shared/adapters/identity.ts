import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../contracts/z.ts';
import type { TokenVerifier } from '../ports/token-verifier.ts';
import { ConfigError, envProblems } from '../settings/env.ts';
import { IDENTITY_ENV, readIdentityIssuers } from '../settings/identity-env.ts';
import type { WebClientSettings } from './openid-relying-party.ts';
import { createTokenVerifier } from './token-verifier.ts';

/*
 * The functions' identity wiring (issue #30): the verifier of the configured issuers and, for the
 * pages, the relying party of the web client — from the environment on AWS (the client secret from
 * Secrets Manager), from the local provider in `npm start`.
 */

const webClientSchema = z.object({
  issuer: z.url(),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.optional(z.string()),
  redirectUri: z.url(),
  signedOutUri: z.url(),
  logoutUrl: z.optional(z.url()),
  mode: z.optional(z.enum(['oidc', 'cognito'])),
  region: z.optional(z.string()),
  endpoint: z.optional(z.url()),
  pools: z.optional(
    z.array(
      z.object({
        issuer: z.url(),
        clientId: z.string().check(z.minLength(1)),
        secretKey: z.optional(z.string()),
        endpoint: z.optional(z.url()),
      }),
    ),
  ),
});

/** The pages' web client from `IDENTITY_WEB_CLIENT` (its secret from `IDENTITY_WEB_CLIENT_SECRET_ARN`). */
export async function readWebClient(
  env: Record<string, string | undefined> = process.env,
): Promise<WebClientSettings | undefined> {
  const raw = env[IDENTITY_ENV.webClient];
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`invalid configuration: ${IDENTITY_ENV.webClient}: must be JSON`);
  }
  const result = webClientSchema.safeParse(parsed);
  if (!result.success)
    throw new ConfigError(`invalid configuration: ${IDENTITY_ENV.webClient}.${envProblems(result.error)}`);
  const arn = env[IDENTITY_ENV.webClientSecretArn];
  if (!arn) return result.data;
  const secret =
    (await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';
  // One client's secret, or a JSON object of them by key (the pools' clients).
  let secrets: Record<string, string> | undefined;
  try {
    const parsed = JSON.parse(secret) as unknown;
    if (typeof parsed === 'object' && parsed !== null) secrets = parsed as Record<string, string>;
  } catch {
    secrets = undefined;
  }
  if (!secrets) return { ...result.data, clientSecret: secret };
  return {
    ...result.data,
    pools: result.data.pools?.map((p) => ({ ...p, clientSecret: p.secretKey ? secrets?.[p.secretKey] : undefined })),
  };
}

/** The verifier of the issuers in `IDENTITY_ISSUERS` (none: every protected route answers 401). */
export function verifierFromEnvironment(env: Record<string, string | undefined> = process.env): TokenVerifier {
  return createTokenVerifier(readIdentityIssuers(env));
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The approval-link signing key: from Secrets Manager when `LINK_SECRET_ARN` is set (production: never
 * in the template or the environment), else from `LINK_SECRET` (local runs and tests).
 */
export async function readLinkSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.LINK_SECRET_ARN) {
    const result = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: env.LINK_SECRET_ARN }),
    );
    const secret = result.SecretString ?? '';
    if (secret.length < 32) throw new Error('the link secret in Secrets Manager is shorter than 32 characters');
    return secret;
  }
  if (env.LINK_SECRET && env.LINK_SECRET.length >= 32) return env.LINK_SECRET;
  throw new Error('LINK_SECRET_ARN (or LINK_SECRET, at least 32 characters) must be set');
}

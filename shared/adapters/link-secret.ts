import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../settings/env.ts';

/**
 * The approval-link signing key: from Secrets Manager when `LINK_SECRET_ARN` is set (production: never
 * in the template or the environment), else from `LINK_SECRET` (local runs and tests).
 */
export async function readLinkSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  const arn = env[ENV.linkSecretArn];
  if (arn) {
    const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    const secret = result.SecretString ?? '';
    if (secret.length < 32) throw new Error('the link secret in Secrets Manager is shorter than 32 characters');
    return secret;
  }
  const local = env[ENV.linkSecret];
  if (local && local.length >= 32) return local;
  throw new Error('LINK_SECRET_ARN (or LINK_SECRET, at least 32 characters) must be set');
}

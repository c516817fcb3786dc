import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../settings/env.ts';

/**
 * The sending systems' signing secrets (ADR 0017), as one JSON object `{"<system id>": "<secret>", …}`:
 * from Secrets Manager when `SYNC_SECRETS_ARN` is set (a province adds a system by editing the secret;
 * the function reads it again within five minutes), else from `SYNC_SECRETS` (local runs and tests).
 * Each secret at least 32 characters.
 */
export function syncSecretsReader(
  env: Record<string, string | undefined> = process.env,
  options: { ttlMs?: number; client?: SecretsManagerClient } = {},
): () => Promise<Record<string, string>> {
  let cached: { at: number; value: Promise<Record<string, string>> } | undefined;
  const ttl = options.ttlMs ?? 5 * 60_000;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttl) {
      const value = load(env, options.client).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      cached = { at: now, value };
    }
    return cached.value;
  };
}

async function load(env: Record<string, string | undefined>, client?: SecretsManagerClient) {
  const arn = env[ENV.syncSecretsArn];
  const text = arn
    ? ((await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arn })))
        .SecretString ?? '')
    : env[ENV.syncSecrets];
  if (!text) throw new Error(`${ENV.syncSecretsArn} (or ${ENV.syncSecrets}) must be set`);
  return parseSyncSecrets(text);
}

/** `{"<system id>": "<secret>"}`, each secret at least 32 characters; the message never shows a secret. */
export function parseSyncSecrets(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the sync secrets must be a JSON object {"<system id>": "<secret>"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('the sync secrets must be a JSON object {"<system id>": "<secret>"}');
  const out: Record<string, string> = {};
  for (const [system, secret] of Object.entries(parsed)) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(system))
      throw new Error(`sync system id ${JSON.stringify(system)}: letters, digits, '.', '_' or '-', at most 64`);
    if (typeof secret !== 'string' || secret.length < 32)
      throw new Error(`the secret of sync system ${system} must be at least 32 characters`);
    out[system] = secret;
  }
  return out;
}

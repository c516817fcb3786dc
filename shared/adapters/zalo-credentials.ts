import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../contracts/z.ts';
import type { ZaloCredentialStore, ZaloCredentials } from './phone-channels.ts';

const credentialsSchema = z.object({
  appId: z.string().check(z.minLength(1, 'must be the Zalo app id')),
  secretKey: z.string().check(z.minLength(1, 'must be the Zalo app secret key')),
  accessToken: z.string(),
  refreshToken: z.string().check(z.minLength(1, 'must be the OA refresh token')),
  expiresAt: z._default(z.number(), 0),
});

/** The credentials from their JSON; the error names the field, never a value. */
export function parseZaloCredentials(text: string): ZaloCredentials {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the Zalo credentials are not JSON');
  }
  const result = credentialsSchema.safeParse(raw);
  if (!result.success)
    throw new Error(
      `the Zalo credentials: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return result.data;
}

/**
 * The OA's credentials in a Secrets Manager secret (`{"appId","secretKey","accessToken","refreshToken",
 * "expiresAt"}`): read before each refresh — another container may have refreshed — and written back
 * with the new pair at once, since Zalo's refresh token works once.
 */
export class SecretsManagerZaloCredentials implements ZaloCredentialStore {
  constructor(
    private readonly secretArn: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {}

  async read(): Promise<ZaloCredentials> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
    return parseZaloCredentials(SecretString ?? '');
  }

  async write(credentials: ZaloCredentials): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({ SecretId: this.secretArn, SecretString: JSON.stringify(credentials) }),
    );
  }
}

/** Credentials kept in memory (the local runtime, tests), starting from a JSON document. */
export class InMemoryZaloCredentials implements ZaloCredentialStore {
  private current: ZaloCredentials;
  constructor(initial: ZaloCredentials) {
    this.current = initial;
  }
  async read(): Promise<ZaloCredentials> {
    return { ...this.current };
  }
  async write(credentials: ZaloCredentials): Promise<void> {
    this.current = { ...credentials };
  }
}

import * as z from '../contracts/z.ts';
import { InvalidInputError } from '../support/errors.ts';

/** Seconds, a whole number within bounds, from an environment string. */
export const seconds = (max: number, fallback: number) =>
  z._default(
    z.coerce
      .number()
      .check(
        z.refine(Number.isInteger, 'must be a whole number of seconds'),
        z.gte(0, 'must not be negative'),
        z.lte(max, `must be at most ${max}`),
      ),
    fallback,
  );

/**
 * The names of the environment variables the stacks set and the functions read: one home, so the CDK
 * constructs that grant a resource and name it (infra/constructs/dunghan-function.ts) and the readers
 * here can never disagree.
 */
export const ENV = {
  table: 'TABLE_NAME',
  bus: 'EVENT_BUS_NAME',
  ruleCacheSeconds: 'RULE_CACHE_TTL_SECONDS',
  linkSecretArn: 'LINK_SECRET_ARN',
  linkSecret: 'LINK_SECRET',
  sender: 'SENDER_EMAIL',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  approvalBaseUrl: 'APPROVAL_BASE_URL',
  adminEmails: 'ADMIN_EMAILS',
  provisionalCheckFrom: 'PROVISIONAL_CHECK_FROM',
  syncSecretsArn: 'SYNC_SECRETS_ARN',
  syncSecrets: 'SYNC_SECRETS',
  /** Citizens' phones (issue #18, ADR 0019): the Zalo OA's credentials and the approved ZNS template. */
  zaloSecretArn: 'ZALO_SECRET_ARN',
  zaloCredentials: 'ZALO_CREDENTIALS',
  znsTemplateId: 'ZNS_TEMPLATE_ID',
  zaloApiBase: 'ZALO_API_BASE',
  zaloOauthBase: 'ZALO_OAUTH_BASE',
  /** SMS through AWS End User Messaging SMS: on, the registered sender (brandname) and configuration set. */
  smsEnabled: 'SMS_ENABLED',
  smsOrigination: 'SMS_ORIGINATION_IDENTITY',
  smsConfigurationSet: 'SMS_CONFIGURATION_SET',
  smsTemplate: 'SMS_TEMPLATE',
  /** Where each day's audit head is anchored (ADR 0021): an S3 bucket under Object Lock. */
  anchorBucket: 'ANCHOR_BUCKET',
  /** The event log's seal key (issue #31): its secret's ARN on AWS, the key itself locally. */
  eventSealKeyArn: 'EVENT_SEAL_KEY_ARN',
  eventSealKey: 'EVENT_SEAL_KEY',
} as const;

/** The variables every function reads. */
export const baseEnv = {
  [ENV.table]: z.string().check(z.minLength(1, 'must name the DynamoDB table')),
  [ENV.bus]: z._default(z.string().check(z.minLength(1, 'must name the event bus')), 'default'),
  [ENV.ruleCacheSeconds]: seconds(3600, 60),
};

const schema = z.object(baseEnv);

/** Every problem as `VARIABLE: reason`, joined. */
export function envProblems(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

export type AppConfig = z.output<typeof schema>;

/** Thrown at cold start when the environment is incomplete; names each variable. */
/** The environment is not a valid configuration: the message names each variable and why (exit 2 in the CLI). */
export class ConfigError extends InvalidInputError {
  override name = 'ConfigError';
}

/** The one typed, validated reader of the environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${envProblems(result.error)}`);
  }
  return result.data;
}

const anchorSchema = z.object({
  ...baseEnv,
  [ENV.anchorBucket]: z.string().check(z.minLength(3, 'must name the S3 bucket the audit anchors are kept in')),
});

export type AnchorConfig = z.output<typeof anchorSchema>;

/** The anchoring function's environment (and `dunghan verify --aws`'s): the table and the anchor bucket. */
export function readAnchorConfig(env: Record<string, string | undefined> = process.env): AnchorConfig {
  const result = anchorSchema.safeParse(env);
  if (!result.success) throw new ConfigError(`invalid configuration: ${envProblems(result.error)}`);
  return result.data;
}

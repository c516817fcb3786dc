import * as z from '../contracts/z.ts';
import { baseEnv, ConfigError, ENV, envProblems } from './env.ts';

const schema = z.object({
  ...baseEnv,
  [ENV.sender]: z.email('must be the verified sender address'),
  [ENV.approvalBaseUrl]: z.url('must be the base URL of the approval page'),
  [ENV.linkSecret]: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  [ENV.linkSecretArn]: z.optional(
    z.string().check(z.startsWith('arn:', 'must be the ARN of the Secrets Manager secret')),
  ),
  [ENV.sesConfigurationSet]: z.optional(z.string()),
  /** Administrators told when a calendar year is still provisional (comma-separated); none: no notice. */
  [ENV.adminEmails]: z.pipe(
    z.pipe(
      z._default(z.string(), ''),
      z.transform((text: string) =>
        text
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ),
    z.array(z.email('each address in ADMIN_EMAILS must be an email address')),
  ),
  [ENV.zaloSecretArn]: z.optional(
    z.string().check(z.startsWith('arn:', 'must be the ARN of the Secrets Manager secret')),
  ),
  [ENV.zaloCredentials]: z.optional(z.string()),
  [ENV.znsTemplateId]: z.optional(
    z.string().check(z.regex(/^\d{1,20}$/, 'must be the id of the approved ZNS template')),
  ),
  [ENV.zaloApiBase]: z.optional(z.url('must be the base URL of the ZNS API')),
  [ENV.zaloOauthBase]: z.optional(z.url('must be the base URL of Zalo OAuth')),
  [ENV.smsEnabled]: z._default(z.enum(['true', 'false'], 'must be true or false'), 'false'),
  [ENV.smsOrigination]: z.optional(z.string()),
  [ENV.smsConfigurationSet]: z.optional(z.string()),
  [ENV.smsTemplate]: z.optional(
    z
      .string()
      .check(
        z.includes('{ma_ho_so}', 'must contain {ma_ho_so}'),
        z.includes('{ngay_hen_moi}', 'must contain {ngay_hen_moi}'),
      ),
  ),
  [ENV.provisionalCheckFrom]: z._default(
    z.string().check(z.regex(/^\d{2}-\d{2}$/, 'must be MM-DD (the day of the year next year is checked from)')),
    '11-01',
  ),
});

export type DetectorConfig = z.output<typeof schema>;

/** The detector's and the approval API's environment, validated at cold start. */
export function readDetectorConfig(env: Record<string, string | undefined> = process.env): DetectorConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${envProblems(result.error)}`);
  }
  return result.data;
}

const apiSchema = z.object(baseEnv);

/** The approval API's environment (the link secret is read by readLinkSecret). */
export function readApiConfig(env: Record<string, string | undefined> = process.env): z.output<typeof apiSchema> {
  const result = apiSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${envProblems(result.error)}`);
  }
  return result.data;
}

import * as z from 'zod';
import { ConfigError } from './env.ts';

const schema = z.object({
  TABLE_NAME: z.string().min(1, 'must name the DynamoDB table'),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  SENDER_EMAIL: z.string().email('must be the verified sender address'),
  APPROVAL_BASE_URL: z.string().url('must be the base URL of the approval page'),
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LINK_SECRET_ARN: z.string().startsWith('arn:', 'must be the ARN of the Secrets Manager secret').optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** Administrators told when a calendar year is still provisional (comma-separated); none: no notice. */
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().email('each address in ADMIN_EMAILS must be an email address'))),
  PROVISIONAL_CHECK_FROM: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'must be MM-DD (the day of the year next year is checked from)')
    .default('11-01'),
  RULE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export type DetectorConfig = z.output<typeof schema>;

/** The detector's and the approval API's environment, validated at cold start. */
export function readDetectorConfig(env: Record<string, string | undefined> = process.env): DetectorConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

const apiSchema = z.object({
  TABLE_NAME: z.string().min(1, 'must name the DynamoDB table'),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  RULE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

/** The approval API's environment (the link secret is read by readLinkSecret). */
export function readApiConfig(env: Record<string, string | undefined> = process.env): z.output<typeof apiSchema> {
  const result = apiSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

import * as z from 'zod';

const schema = z.object({
  TABLE_NAME: z.string().min(1, 'must name the DynamoDB table'),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  RULE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export type AppConfig = z.output<typeof schema>;

/** Thrown at cold start when the environment is incomplete; names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The one typed, validated reader of the environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

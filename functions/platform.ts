import { createPlatform, type Platform } from '../shared/adapters/platform.ts';
import { systemClock } from '../shared/ports/clock.ts';
import type { AppConfig } from '../shared/settings/env.ts';

/** The platform on AWS: clients from the SDK's defaults, names from the validated environment. */
export function platformFromEnvironment(config: AppConfig): Platform {
  return createPlatform({
    tableName: config.TABLE_NAME,
    busName: config.EVENT_BUS_NAME,
    clock: systemClock,
    ruleCacheMs: config.RULE_CACHE_TTL_SECONDS * 1000,
  });
}

import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { ClientOptions } from './aws-clients.ts';

/** The two SES clients of the detector (see {@link createSesClients}). */
export interface SesClients {
  atLeastOnce: SESv2Client;
  atMostOnce: SESv2Client;
}

/** Time limits of one SES call: connecting, and the whole request (enforced: an error, not a warning). */
export const SES_TIMEOUTS = { connectionMs: 3_000, requestMs: 10_000 } as const;

/**
 * The two SES clients of the detector. `atLeastOnce` (officials' digests) lets the SDK retry throttling
 * and server errors; `atMostOnce` (citizens' apologies) makes exactly one attempt, since a 500 or a
 * dropped connection may follow an accepted message and a retry would mail the citizen twice. Both
 * enforce their timeouts (`throwOnRequestTimeout`: the Node handler otherwise only logs a warning when
 * `requestTimeout` passes, and a hung connection holds the run until the Lambda times out).
 */
export function createSesClients(
  options: {
    region?: string;
    endpoint?: string;
    credentials?: ClientOptions['credentials'];
    timeouts?: { connectionMs: number; requestMs: number };
  } = {},
): SesClients {
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: {
      connectionTimeout: (options.timeouts ?? SES_TIMEOUTS).connectionMs,
      requestTimeout: (options.timeouts ?? SES_TIMEOUTS).requestMs,
      throwOnRequestTimeout: true,
    },
  };
  return {
    atLeastOnce: new SESv2Client({ ...common, maxAttempts: 4 }),
    atMostOnce: new SESv2Client({ ...common, maxAttempts: 1 }),
  };
}

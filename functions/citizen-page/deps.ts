import { createSmsClient, EndUserSmsMessenger } from '../../shared/adapters/phone-channels.ts';
import type { Platform } from '../../shared/adapters/platform.ts';
import type { PhoneMessenger } from '../../shared/ports/phone-messenger.ts';
import { ENV } from '../../shared/settings/env.ts';
import type { LookUpDeps } from '../../shared/use-cases/look-up-dossier.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

/**
 * The citizens' page's composition root: it reads dossiers and configuration, counts attempts, and —
 * where SMS is set up — sends one-time codes to the phone on file (issue #32).
 */
export function citizenPageDeps(
  platform: Platform,
  phone: () => PhoneMessenger | undefined = () => undefined,
): LookUpDeps {
  return {
    store: platform.table.dossiers,
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    attempts: platform.table.attempts,
    clock: platform.clock,
    oneTimeCodes: { codes: platform.table.attempts, phone },
  };
}

/** SMS from the province's sender when the stack turned it on (the same variables as the detector's). */
export function smsFromEnvironment(env: Record<string, string | undefined> = process.env): PhoneMessenger | undefined {
  if (env[ENV.smsEnabled] !== 'true') return undefined;
  return new EndUserSmsMessenger(createSmsClient(), {
    originationIdentity: env[ENV.smsOrigination],
    configurationSet: env[ENV.smsConfigurationSet],
  });
}

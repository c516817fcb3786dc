import { createHmac, timingSafeEqual } from 'node:crypto';
import { ENV } from '../settings/env.ts';

/*
 * The event log's seal (issue #31): every event item is written with an HMAC over what it holds, by a key
 * only the writers of events hold (Secrets Manager on AWS) — not whoever can write the table. An event
 * written into the log behind Đúng Hạn's back has no valid seal: the ingest never folds it, and verify
 * names it. The seal covers the dossier, the event's id and type, when it was stored and its exact bytes.
 */

const VERSION = 'dunghan-event-1';

function material(item: Record<string, unknown>): string {
  const detail = item.detail as Uint8Array | undefined;
  return [
    VERSION,
    String(item.pk),
    String(item.sk),
    String(item.type),
    String(item.storedAt),
    detail ? Buffer.from(detail).toString('base64') : '',
  ].join('\n');
}

export interface EventSeal {
  /** The seal of an event item as it is about to be written. */
  sign(item: Record<string, unknown>): string;
  /** True when the item carries the seal its content gives. */
  check(item: Record<string, unknown>): boolean;
}

export function eventSeal(key: string): EventSeal {
  if (key.length < 32) throw new Error('the event seal key must be at least 32 characters');
  const sign = (item: Record<string, unknown>) => createHmac('sha256', key).update(material(item)).digest('base64url');
  return {
    sign,
    check(item) {
      const given = Buffer.from(typeof item.seal === 'string' ? item.seal : '', 'base64url');
      const expected = Buffer.from(sign(item), 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/**
 * The event seal's key: from Secrets Manager when `EVENT_SEAL_KEY_ARN` is set (AWS), else from
 * `EVENT_SEAL_KEY` (local runs); undefined when neither is (then nothing is sealed or checked).
 */
export async function readEventSealKey(
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  const arn = env[ENV.eventSealKeyArn];
  if (arn) {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    return result.SecretString ?? undefined;
  }
  return env[ENV.eventSealKey] || undefined;
}

/** The key, required: a writer of events must seal them (the ingest, the admin API's recompute, imports). */
export async function requireEventSealKey(env: Record<string, string | undefined> = process.env): Promise<string> {
  const key = await readEventSealKey(env);
  if (!key) throw new Error(`${ENV.eventSealKeyArn} (or ${ENV.eventSealKey}) must be set: events are sealed`);
  return key;
}

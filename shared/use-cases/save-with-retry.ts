import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type DossierStore, VersionConflictError } from '../ports/dossier-store.ts';
import { ConflictError } from '../support/errors.ts';
import { backoffMs, CONTENTION_RETRY, type RetryPolicy } from '../support/retry-policy.ts';

/** What a decision made of the record it was given: a record to save (then a result), or a result alone. */
/** (The callback is `after`, not `then`: a decision returned from an async function must not be a thenable.) */
export type Decision<T> =
  | { save: DossierRecord; after: (saved: DossierRecord) => T | Promise<T> }
  | { done: T; save?: undefined };

/** Thrown when other writers kept winning for the whole retry policy; nothing of this decision was saved. */
export class TooManyConflictsError extends ConflictError {
  override name = 'TooManyConflictsError';
}

export interface SaveWithRetryOptions {
  /** The record already in hand for the first attempt (`undefined`: none stored); later attempts load. */
  first?: DossierRecord | undefined;
  policy?: RetryPolicy;
  /** Waits between attempts; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The one load → decide → conditional save loop of the project (ingest, detector, approval, recompute):
 * `decide` gets the record as stored (or `undefined`), the save is conditional on the version it had, and
 * when another writer won in between the record is read again and decided again, after a jittered
 * backoff ({@link CONTENTION_RETRY}). `decide` must be safe to call again on a newer record.
 */
export async function saveWithRetry<T>(
  store: Pick<DossierStore, 'load' | 'saveRecord'>,
  dossierId: string,
  decide: (current: DossierRecord | undefined, attempt: number) => Decision<T> | Promise<Decision<T>>,
  options: SaveWithRetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? CONTENTION_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let inHand = 'first' in options ? { record: options.first } : undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    const current = inHand ? inHand.record : (await store.load(dossierId)).record;
    inHand = undefined;
    const decision = await decide(current, attempt);
    if (decision.save === undefined) return decision.done;
    let saved: DossierRecord;
    try {
      saved = await store.saveRecord(decision.save, current?.version ?? 0);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (attempt < policy.attempts) await sleep(backoffMs(policy, attempt));
      continue;
    }
    return decision.after(saved);
  }
  throw new TooManyConflictsError(`dossier ${dossierId}: ${policy.attempts} concurrent-update conflicts in a row`);
}

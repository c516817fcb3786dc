import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { QuarantineEntry, QuarantineStore } from '../ports/quarantine-store.ts';
import { NotFoundError } from '../support/errors.ts';
import { saveWithRetry, TooManyConflictsError } from './save-with-retry.ts';

export interface QuarantineDeps {
  quarantine: QuarantineStore;
  store: DossierStore;
  clock: Clock;
}

/** Thrown when a retry names a dossier that is not in the quarantine. */
export class NotQuarantinedError extends NotFoundError {
  override name = 'NotQuarantinedError';
}

/** The dossiers the detector failed on, parked ones first, oldest first. */
export async function listQuarantined(deps: QuarantineDeps): Promise<QuarantineEntry[]> {
  return (await deps.quarantine.listQuarantine()).sort(
    (a, b) => Number(Boolean(b.parkedAt)) - Number(Boolean(a.parkedAt)) || a.firstAt.localeCompare(b.firstAt),
  );
}

/**
 * An operator's retry, once the cause is fixed: the dossier leaves the quarantine and, if its record can
 * be read, is put back in today's index bucket (its next action now), so the next detector run handles
 * it. A record that still cannot be read fails again in that run and is counted afresh.
 */
export async function retryQuarantined(
  deps: QuarantineDeps,
  dossierId: string,
): Promise<{ dossierId: string; rescheduled: boolean }> {
  const entry = (await deps.quarantine.listQuarantine()).find((q) => q.dossierId === dossierId);
  if (!entry) throw new NotQuarantinedError(`${dossierId} is not in the quarantine (dunghan quarantine list)`);
  await deps.quarantine.clearFailure(dossierId);
  try {
    return await saveWithRetry<{ dossierId: string; rescheduled: boolean }>(deps.store, dossierId, (record) =>
      record?.nextActionAt
        ? {
            save: { ...record, nextActionAt: new Date(deps.clock.now()).toISOString() },
            after: () => ({ dossierId, rescheduled: true }),
          }
        : { done: { dossierId, rescheduled: false } },
    );
  } catch (error) {
    // Still unreadable: it fails again in the next run and is counted afresh.
    if (error instanceof TooManyConflictsError) throw error;
    return { dossierId, rescheduled: false };
  }
}

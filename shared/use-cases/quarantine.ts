import type { Clock } from '../ports/clock.ts';
import type { QuarantineEntry, QuarantineStore } from '../ports/detector-store.ts';
import { type DossierStore, VersionConflictError } from '../ports/dossier-store.ts';

export interface QuarantineDeps {
  quarantine: QuarantineStore;
  store: DossierStore;
  clock: Clock;
}

/** Thrown when a retry names a dossier that is not in the quarantine. */
export class NotQuarantinedError extends Error {
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
  for (let attempt = 0; attempt < 5; attempt += 1) {
    let record: Awaited<ReturnType<DossierStore['load']>>['record'];
    try {
      ({ record } = await deps.store.load(dossierId));
    } catch {
      return { dossierId, rescheduled: false };
    }
    if (!record?.nextActionAt) return { dossierId, rescheduled: false };
    try {
      await deps.store.saveRecord(
        { ...record, nextActionAt: new Date(deps.clock.now()).toISOString() },
        record.version,
      );
      return { dossierId, rescheduled: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  return { dossierId, rescheduled: false };
}

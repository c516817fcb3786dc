import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { QuarantineEntry, QuarantineStore } from '../ports/quarantine-store.ts';
import { describeError } from '../support/describe-error.ts';
import { NotFoundError } from '../support/errors.ts';
import { READ_RETRY, withRetry } from '../support/retry-policy.ts';
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

/** Runs in a row that may fail on one dossier before it is parked (ADR 0012). */
export const PARK_AFTER_RUNS = 3;

/** Where a run reports what failed and what it parked (the detector's report). */
export interface FailureLog {
  failures: { dossierId: string; reason: string }[];
  parked: { dossierId: string; reason: string; failures: number }[];
}

/** The run's view of the quarantine: failures counted, dossiers parked, successes cleared (ADR 0012). */
export class RunQuarantine {
  private readonly entries = new Map<string, QuarantineEntry>();

  constructor(
    private readonly store: QuarantineStore | undefined,
    private readonly report: FailureLog,
    private readonly now: number,
  ) {}

  async load(): Promise<void> {
    const quarantine = this.store;
    if (!quarantine) return;
    for (const entry of await withRetry(READ_RETRY, () => quarantine.listQuarantine()))
      this.entries.set(entry.dossierId, entry);
  }

  isParked(dossierId: string): boolean {
    return Boolean(this.entries.get(dossierId)?.parkedAt);
  }

  /** Counts a failure; returns whether the dossier's batch must stay in reach (false once it is parked). */
  async fail(dossierId: string, reason: string): Promise<boolean> {
    const quarantine = this.store;
    if (!quarantine) {
      this.report.failures.push({ dossierId, reason });
      return true;
    }
    let entry: QuarantineEntry;
    try {
      entry = await withRetry(READ_RETRY, () =>
        quarantine.recordFailure(dossierId, reason, new Date(this.now).toISOString(), PARK_AFTER_RUNS),
      );
    } catch (error) {
      // Not counted this time: the dossier holds its batch and is tried again by the next run.
      this.report.failures.push({ dossierId, reason: `${reason}; not counted: ${describeError(error)}` });
      return true;
    }
    this.entries.set(dossierId, entry);
    if (entry.parkedAt) {
      this.report.parked.push({ dossierId, reason, failures: entry.failures });
      return false;
    }
    this.report.failures.push({ dossierId, reason });
    return true;
  }

  /** A dossier that failed before and worked now leaves the quarantine (a failure to clear only leaves a count). */
  async succeeded(dossierId: string): Promise<void> {
    if (!this.entries.has(dossierId)) return;
    await this.store?.clearFailure(dossierId).catch(() => undefined);
    this.entries.delete(dossierId);
  }
}

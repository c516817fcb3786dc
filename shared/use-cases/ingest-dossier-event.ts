import type { DossierEvent } from '../contracts/dossier-events.ts';
import { type DossierRecord, nextRecord } from '../domain/dossier/dossier-record.ts';
import { foldDossier } from '../domain/dossier/dossier-state.ts';
import { resolveRule } from '../domain/rules/deadline-rule.ts';
import type { Clock } from '../ports/clock.ts';
import { type DossierStore, VersionConflictError } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { backoffMs, CONTENTION_RETRY } from './retry-policy.ts';
import type { RuleBook } from './rule-book.ts';

export interface IngestDeps {
  store: DossierStore;
  rules: RuleBook;
  publisher: EventPublisher;
  clock: Clock;
  /** Attempts on a version conflict before giving up (the event is then retried by its source). */
  maxAttempts?: number;
  /** Waits between attempts; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

export interface IngestResult {
  outcome: 'applied' | 'duplicate';
  dossierId: string;
  status: string;
  version: number;
  attempts: number;
  published: number;
}

/** Thrown when concurrent writers kept winning; the event stays unapplied and is retried. */
export class TooManyConflictsError extends Error {
  override name = 'TooManyConflictsError';
}

/**
 * Applies one validated event to its dossier, exactly once in effect. The dossier's state is a fold
 * over the set of its events (so arrival order never matters); the record and that set are written
 * together with one conditional write (optimistic locking, retried on conflict), so an event is applied
 * exactly when it is in the stored set. The event is then kept in the audit trail, and violations found
 * at receipt, held in the record's outbox, are published. A redelivered event changes nothing but
 * completes what a crash may have left: its audit item and the outbox.
 */
export async function ingestDossierEvent(deps: IngestDeps, event: DossierEvent): Promise<IngestResult> {
  const { store } = deps;
  const dossierId = event.detail.dossierId;
  const maxAttempts = deps.maxAttempts ?? CONTENTION_RETRY.attempts;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  // A receipt is almost always a dossier's first event: try to create the record without reading.
  let known: { record: DossierRecord | undefined; events: DossierEvent[] } | undefined =
    event.type === 'DossierReceived' ? { record: undefined, events: [] } : undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const loaded = known ?? (await store.load(dossierId));
    known = undefined;
    const previous = loaded.record;
    if (previous?.state.eventIds.includes(event.detail.eventId)) {
      await store.appendEvent(event, storedAt(deps));
      const published = await flushOutbox(deps, previous);
      const { status } = previous.state;
      return { outcome: 'duplicate', dossierId, status, version: previous.version, attempts: attempt, published };
    }
    const events = [...loaded.events, event];
    const book = await deps.rules.current();
    const state = foldDossier(dossierId, events, {
      calendar: book.calendar,
      resolveRule: (query) => resolveRule(book.rules, query),
      frozenRule: previous?.state.rule,
    });
    const calendar = state.rule ? book.calendar(state.rule.calendarId) : undefined;
    let saved: DossierRecord;
    try {
      saved = await store.saveRecord(nextRecord(previous, state, calendar), events, previous?.version ?? 0);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (previous) await sleep(backoffMs(CONTENTION_RETRY, attempt));
      continue;
    }
    await store.appendEvent(event, storedAt(deps));
    const published = await flushOutbox(deps, saved);
    return {
      outcome: 'applied',
      dossierId,
      status: state.status,
      version: saved.version,
      attempts: attempt,
      published,
    };
  }
  throw new TooManyConflictsError(`dossier ${dossierId}: ${maxAttempts} concurrent-update conflicts in a row`);
}

function storedAt(deps: IngestDeps): string {
  return new Date(deps.clock.now()).toISOString();
}

async function flushOutbox(deps: IngestDeps, record: DossierRecord): Promise<number> {
  const owed = Object.values(record.outbox);
  if (owed.length === 0) return 0;
  const accepted = await deps.publisher.publish(owed);
  if (accepted.length > 0) await deps.store.clearOutbox(record.state.dossierId, accepted);
  return accepted.length;
}

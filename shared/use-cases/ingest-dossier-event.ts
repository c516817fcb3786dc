import type { DossierEvent } from '../contracts/dossier-events.ts';
import { type DossierRecord, type FoldMark, nextRecord } from '../domain/dossier/dossier-record.ts';
import {
  type DossierState,
  eventSortKey,
  extendFold,
  type FoldContext,
  foldDossier,
  foldMarkOf,
} from '../domain/dossier/dossier-state.ts';
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
 * Applies one validated event to its dossier, exactly once in effect, whatever the order and however
 * often events arrive (ADR 0011). The event goes into the dossier's log first (one conditional put; the
 * log is the truth). The record then says how much of the log its state was folded from: an event that
 * sorts after everything folded is applied to the stored state directly (the usual case, one read and
 * one write); anything else — a late or repeated event, a receipt after other events — is settled by
 * folding the whole log again, and a log no longer than what was folded means a duplicate. The record is
 * saved with one conditional write (optimistic locking, retried with jittered backoff), then the
 * violations it owes the bus are published.
 */
export async function ingestDossierEvent(deps: IngestDeps, event: DossierEvent): Promise<IngestResult> {
  const { store } = deps;
  const dossierId = event.detail.dossierId;
  const maxAttempts = deps.maxAttempts ?? CONTENTION_RETRY.attempts;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let added = await store.appendEvent(event, new Date(deps.clock.now()).toISOString());
  const key = eventSortKey(event);
  // A new receipt is almost always a dossier's first event: try to create the record without reading.
  let known: DossierRecord | undefined | null = added && event.type === 'DossierReceived' ? undefined : null;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const previous = known === null ? (await store.load(dossierId)).record : known;
    known = null;
    const book = await deps.rules.current();
    const context: FoldContext = {
      calendar: book.calendar,
      resolveRule: (query) => resolveRule(book.rules, query),
      frozenRule: previous?.state.rule,
    };
    const extendable =
      added && event.type !== 'DossierReceived' && previous?.folded !== undefined && key > previous.folded.last;
    let state: DossierState;
    let folded: FoldMark;
    if (extendable && previous?.folded) {
      state = extendFold(previous.state, event, context);
      folded = { count: previous.folded.count + 1, last: key };
    } else if (!previous && added) {
      state = foldDossier(dossierId, [event], context);
      folded = { count: 1, last: key };
    } else {
      const log = (await store.listEvents(dossierId)).map((e) => e.event);
      if (!log.some((e) => e.detail.eventId === event.detail.eventId)) {
        // The log put said "already there" but the log does not hold it: never trust that over the log.
        added = await store.appendEvent(event, new Date(deps.clock.now()).toISOString());
        continue;
      }
      if (previous?.folded && log.length === previous.folded.count) {
        const published = await flushOutbox(deps, previous);
        const { status } = previous.state;
        return { outcome: 'duplicate', dossierId, status, version: previous.version, attempts: attempt, published };
      }
      state = foldDossier(dossierId, log, context);
      folded = foldMarkOf(log);
    }
    const calendar = state.rule ? book.calendar(state.rule.calendarId) : undefined;
    let saved: DossierRecord;
    try {
      saved = await store.saveRecord({ ...nextRecord(previous, state, calendar), folded }, previous?.version ?? 0);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (previous) await sleep(backoffMs(CONTENTION_RETRY, attempt));
      continue;
    }
    const published = await flushOutbox(deps, saved);
    // Saved: this delivery folded something new (itself, or after a crash the event its first delivery
    // logged but never folded).
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

async function flushOutbox(deps: IngestDeps, record: DossierRecord): Promise<number> {
  const owed = Object.values(record.outbox);
  if (owed.length === 0) return 0;
  const accepted = await deps.publisher.publish(owed);
  if (accepted.length > 0) await deps.store.clearOutbox(record.state.dossierId, accepted);
  return accepted.length;
}

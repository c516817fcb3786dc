import type { DossierEvent } from '../contracts/dossier-events.ts';
import { type DossierRecord, nextRecord } from '../domain/dossier/dossier-record.ts';
import { foldDossier } from '../domain/dossier/dossier-state.ts';
import { resolveRule } from '../domain/rules/deadline-rule.ts';
import type { Clock } from '../ports/clock.ts';
import { type DossierStore, VersionConflictError } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
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
 * Applies one validated event to its dossier, exactly once in effect: the event is stored as audit
 * trail, the dossier's state is recomputed from all its events (so arrival order never matters), and the
 * record is written with optimistic locking, retried on conflict. Violations found at receipt go to
 * the outbox and are published after the write; an event already applied changes nothing but still
 * flushes an outbox a crash left behind.
 */
export async function ingestDossierEvent(deps: IngestDeps, event: DossierEvent): Promise<IngestResult> {
  const { store, clock } = deps;
  const dossierId = event.detail.dossierId;
  const maxAttempts = deps.maxAttempts ?? 8;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const loaded = await store.load(dossierId);
    const previous = loaded.record;
    if (previous?.state.eventIds.includes(event.detail.eventId)) {
      const published = await flushOutbox(deps, previous);
      return {
        outcome: 'duplicate',
        dossierId,
        status: previous.state.status,
        version: previous.version,
        attempts: attempt,
        published,
      };
    }
    if (!loaded.events.some((e) => e.detail.eventId === event.detail.eventId)) {
      await store.appendEvent(event, new Date(clock.now()).toISOString());
    }
    const book = await deps.rules.current();
    const state = foldDossier(dossierId, [...loaded.events, event], {
      calendar: book.calendar,
      resolveRule: (query) => resolveRule(book.rules, query),
      frozenRule: previous?.state.rule,
    });
    const calendar = state.rule ? book.calendar(state.rule.calendarId) : undefined;
    const record = nextRecord(previous, state, calendar);
    try {
      const saved = await store.saveRecord(record, previous?.version ?? 0);
      const published = await flushOutbox(deps, saved);
      return {
        outcome: 'applied',
        dossierId,
        status: state.status,
        version: saved.version,
        attempts: attempt,
        published,
      };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      await sleep(Math.min(200, 5 * 2 ** attempt) * Math.random());
    }
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

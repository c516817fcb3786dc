import type { DossierEvent } from '../contracts/dossier-events.ts';
import { type DossierRecord, nextRecord } from '../domain/dossier/dossier-record.ts';
import { foldDossier, foldMarkOf, sortEvents } from '../domain/dossier/dossier-state.ts';
import { receiptConflict } from '../domain/dossier/receipt-conflict.ts';
import type { DossierBulkStore } from '../ports/dossier-store.ts';
import { VersionConflictError } from '../ports/dossier-store.ts';
import type { DeadLetterSink } from '../ports/inbound-events.ts';
import { describeError } from '../support/describe-error.ts';
import { mapLimit } from '../support/map-limit.ts';
import { foldContextOf, type IngestDeps, ingestDossierEvent } from './ingest-dossier-event.ts';

/** `conflict`: the dossier is already received with another receipt (receipt-conflict.ts); nothing was written. */
export type BulkOutcome = 'applied' | 'duplicate' | 'refused' | 'conflict';

export interface BulkIngestDeps extends IngestDeps {
  bulk: DossierBulkStore;
  deadLetters: DeadLetterSink;
  /** Where the events came from (the dead letters' `source`). */
  source: string;
  /** Dossiers worked on at once (record writes, log reads, single ingests). */
  concurrency?: number;
}

/** One dossier's events, as one row of an export maps to them. */
export interface DossierEvents {
  dossierId: string;
  events: readonly DossierEvent[];
}

/**
 * Ingests many dossiers' events at once with the effect of {@link ingestDossierEvent} on each event in
 * turn (ADR 0017, addendum: a province's year is a million rows). The events of a dossier with no record
 * yet — nearly every row of a first import — are written to its log in batches and folded once, and the
 * record is created with one conditional write; the violations it owes go to the bus first, as the
 * ingest's outbox does. A dossier whose record exists, whose record cannot be created because another
 * writer created it meanwhile (the sync feed), or whose events the domain refuses goes through the single
 * ingest, which settles it from its log; one whose log already holds every event and no more than its
 * record folded is a duplicate without a write. A refused event is dead-lettered with its reason.
 * Resolves with each event's outcome by id; throws only when the store or the bus cannot be reached
 * (after saving what it could): the import is then run again, and adds only what is still missing.
 */
export async function ingestInBulk(
  deps: BulkIngestDeps,
  dossiers: readonly DossierEvents[],
  /** Filled with why each dossier in conflict was left alone (dossier id → reason). */
  conflicts?: Map<string, string>,
): Promise<Map<string, BulkOutcome>> {
  const outcomes = new Map<string, BulkOutcome>();
  const concurrency = deps.concurrency ?? 16;
  const book = await deps.rules.current();
  const storedAt = new Date(deps.clock.now()).toISOString();
  const { records, unreadable } = await deps.bulk.loadMany(dossiers.map((d) => d.dossierId));

  const fresh: { dossier: DossierEvents; record: DossierRecord }[] = [];
  const single: DossierEvents[] = [];
  const existing: { dossier: DossierEvents; record: DossierRecord }[] = [];
  for (const dossier of dossiers) {
    const record = records.get(dossier.dossierId);
    if (record) existing.push({ dossier, record });
    else if (unreadable.has(dossier.dossierId) || dossier.events.length === 0) single.push(dossier);
    else {
      const folded = foldFresh(dossier, book);
      if (folded) fresh.push({ dossier, record: folded });
      else single.push(dossier); // the domain refuses: the single ingest names why and dead-letters it
    }
  }

  await deps.bulk.appendEvents(
    fresh.flatMap(({ dossier }) => dossier.events),
    storedAt,
  );
  const owed = fresh.flatMap(({ record }) => Object.values(record.outbox));
  let accepted = new Set<string>();
  let busFailure: unknown;
  if (owed.length > 0) {
    try {
      accepted = new Set(await deps.publisher.publish(owed));
    } catch (failure) {
      // Saved with their outboxes whole: the next ingest of those dossiers (the import run again) publishes.
      busFailure = failure;
    }
  }
  await mapLimit(fresh, concurrency, async ({ dossier, record }) => {
    const outbox = Object.fromEntries(Object.entries(record.outbox).filter(([id]) => !accepted.has(id)));
    try {
      await deps.store.saveRecord({ ...record, outbox }, 0);
      for (const event of dossier.events) outcomes.set(event.detail.eventId, 'applied');
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Created meanwhile by another writer: its events are in the log; the single ingest folds them in.
      single.push(dossier);
    }
  });

  await mapLimit(existing, concurrency, async ({ dossier, record }) => {
    // Already received with another receipt: left alone, never merged (issue #32).
    const receipt = dossier.events.find((e) => e.type === 'DossierReceived');
    const conflict =
      receipt?.type === 'DossierReceived' ? receiptConflict(record.state.received, receipt.detail) : undefined;
    if (conflict) {
      conflicts?.set(dossier.dossierId, conflict);
      for (const event of dossier.events) outcomes.set(event.detail.eventId, 'conflict');
      return;
    }
    const logged = await deps.bulk.listEventIds(dossier.dossierId);
    const missing = dossier.events.filter((e) => !logged.has(e.detail.eventId));
    if (missing.length === 0 && logged.size === record.folded?.count && Object.keys(record.outbox).length === 0) {
      for (const event of dossier.events) outcomes.set(event.detail.eventId, 'duplicate');
      return;
    }
    single.push(dossier);
  });

  await mapLimit(single, concurrency, async (dossier) => {
    for (const event of sortEvents(dossier.events)) outcomes.set(event.detail.eventId, await ingestOne(deps, event));
  });
  if (busFailure) throw busFailure;
  return outcomes;
}

/** A new dossier's record folded from its events, or undefined when the domain refuses them. */
function foldFresh(dossier: DossierEvents, book: Parameters<typeof foldContextOf>[0]): DossierRecord | undefined {
  try {
    const log = sortEvents(dossier.events);
    const state = foldDossier(dossier.dossierId, log, foldContextOf(book));
    const calendar = state.rule ? book.calendar(state.rule.calendarId) : undefined;
    return { ...nextRecord(undefined, state, calendar), folded: foldMarkOf(log) };
  } catch {
    return undefined;
  }
}

/** One event through the single ingest; whatever it cannot apply is dead-lettered with the reason. */
async function ingestOne(deps: BulkIngestDeps, event: DossierEvent): Promise<BulkOutcome> {
  try {
    return (await ingestDossierEvent(deps, event)).outcome;
  } catch (error) {
    await deps.deadLetters.put({
      at: new Date(deps.clock.now()).toISOString(),
      detailType: event.type,
      eventId: event.detail.eventId,
      dossierId: event.detail.dossierId,
      reason: describeError(error),
      payload: JSON.stringify({ source: deps.source, 'detail-type': event.type, detail: event.detail }),
    });
    return 'refused';
  }
}

import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

/** A record ready to save after publishing what it owed the bus. */
export interface Published {
  /** The record without the events the bus accepted (saved in the same write: no separate clear). */
  record: DossierRecord;
  published: number;
  /** Set when the bus failed: the events stay owed in `record`; save it, then throw this. */
  failure?: unknown;
}

/**
 * The one outbox flush (ingest, detector, recompute): publishes the events a record owes the bus before
 * the write that removes them, so publishing costs no write of its own. A write that then fails leaves
 * them owed and they are published again with the same ids (at least once). When the bus fails, the
 * record is still saved with its outbox whole, and the caller throws afterwards so the work is retried.
 */
export async function publishOwed(publisher: EventPublisher, record: DossierRecord): Promise<Published> {
  const owed = Object.values(record.outbox);
  if (owed.length === 0) return { record, published: 0 };
  let accepted: Set<string>;
  try {
    accepted = new Set(await publisher.publish(owed));
  } catch (failure) {
    return { record, published: 0, failure };
  }
  return {
    record: {
      ...record,
      outbox: Object.fromEntries(Object.entries(record.outbox).filter(([id]) => !accepted.has(id))),
    },
    published: accepted.size,
  };
}

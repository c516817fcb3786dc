import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';

/** A dossier as read back: its record (if any) and the events its state was folded from. */
export interface LoadedDossier {
  record: DossierRecord | undefined;
  events: DossierEvent[];
}

/** Thrown when the stored version changed since it was read (optimistic locking). */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

/**
 * Where dossiers live. The record and the events it was folded from are one item, written with one
 * conditional write: an event is applied exactly when it is in that item. Each event is also kept as
 * its own audit-trail item.
 */
export interface DossierStore {
  /** Reads the record and its events, strongly consistent. */
  load(dossierId: string): Promise<LoadedDossier>;
  /**
   * Writes the record with the events it was folded from, if the stored version is still
   * `expectedVersion` (0: none stored); returns it with the new version.
   */
  saveRecord(record: DossierRecord, events: readonly DossierEvent[], expectedVersion: number): Promise<DossierRecord>;
  /** Stores an event in the audit trail; `false` when it was already there. */
  appendEvent(event: DossierEvent, storedAt: string): Promise<boolean>;
  /** The audit trail of a dossier, in occurrence order. */
  listEvents(dossierId: string): Promise<{ event: DossierEvent; storedAt: string }[]>;
  /** Removes published entries from the outbox. */
  clearOutbox(dossierId: string, eventIds: readonly string[]): Promise<void>;
}

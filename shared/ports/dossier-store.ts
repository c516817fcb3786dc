import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';

/** A dossier as read back: its record (if any) and every event stored for it. */
export interface LoadedDossier {
  record: DossierRecord | undefined;
  events: DossierEvent[];
}

/** Thrown when the stored version changed since it was read (optimistic locking). */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

/** Where dossiers and their event trail live (DynamoDB in production and locally). */
export interface DossierStore {
  /** Reads the record and all events of a dossier, strongly consistent. */
  load(dossierId: string): Promise<LoadedDossier>;
  /** Stores an event as audit trail; `false` when it was already there. */
  appendEvent(event: DossierEvent, storedAt: string): Promise<boolean>;
  /** Writes the record if the stored version is still `expectedVersion` (0: none stored); bumps the version. */
  saveRecord(record: DossierRecord, expectedVersion: number): Promise<DossierRecord>;
  /** Removes published entries from the outbox. */
  clearOutbox(dossierId: string, eventIds: readonly string[]): Promise<void>;
}

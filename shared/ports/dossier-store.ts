import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { ConflictError } from '../support/errors.ts';

/** A dossier as read back: its record, if any. */
export interface LoadedDossier {
  record: DossierRecord | undefined;
}

/** Thrown when the stored version changed since it was read (optimistic locking). */
export class VersionConflictError extends ConflictError {
  override name = 'VersionConflictError';
}

/**
 * Where dossiers live (ADR 0011). Each event is kept once in the dossier's event log, written before it
 * is folded; the record holds the state folded from the log, bounded whatever the history (no event
 * list, no history: both come from the log), and says how much of the log it was folded from.
 */
export interface DossierStore {
  /** Reads the record, strongly consistent. */
  load(dossierId: string): Promise<LoadedDossier>;
  /** Writes the record if the stored version is still `expectedVersion` (0: none stored); returns it with the new version. */
  saveRecord(record: DossierRecord, expectedVersion: number): Promise<DossierRecord>;
  /**
   * Adds an event to the dossier's log; `false` when an event with its id was already there. With
   * `replaceForged`, over an item under its id that is forged (unsealed: written behind Đúng Hạn's back).
   */
  appendEvent(event: DossierEvent, storedAt: string, options?: { replaceForged?: boolean }): Promise<boolean>;
  /**
   * Takes an event back out of the log: only for an event this delivery appended and the domain then
   * refused, so the log never keeps what cannot be folded (the event is dead-lettered instead).
   */
  removeEvent(dossierId: string, eventId: string): Promise<void>;
  /** The dossier's event log, strongly consistent, in canonical order. */
  listEvents(dossierId: string): Promise<LoggedEvent[]>;
}

/**
 * An event of the log; `forged` when it does not carry the seal the writers of events give it (issue #31):
 * written behind Đúng Hạn's back, it is never folded, and verify names it.
 */
export interface LoggedEvent {
  event: DossierEvent;
  storedAt: string;
  forged?: true | undefined;
}

/** The events of a log that may be folded: every one but the forged. */
export function authentic(log: readonly LoggedEvent[]): DossierEvent[] {
  return log.filter((e) => !e.forged).map((e) => e.event);
}

/**
 * The bulk side of the store, for imports (ADR 0017): many dossiers a call. Only for dossiers that have
 * no record yet, whose log is written without conditions before their record is created with one
 * conditional write; an event id names one event, so writing it again changes nothing but `storedAt`.
 */
export interface DossierBulkStore {
  /** The records of these dossiers, strongly consistent; an id without a record is absent from `records`. */
  loadMany(dossierIds: readonly string[]): Promise<{ records: Map<string, DossierRecord>; unreadable: Set<string> }>;
  /** Adds the events to their dossiers' logs, many a call. */
  appendEvents(events: readonly DossierEvent[], storedAt: string): Promise<void>;
  /** The ids of the events in a dossier's log (keys only: no event is read whole). */
  listEventIds(dossierId: string): Promise<Set<string>>;
}

import type { DossierRecord } from '../domain/dossier/dossier-record.ts';

/** An open dossier whose next action has come, as read from the sparse index. */
export interface DueDossier {
  record: DossierRecord;
}

/** A dossier the index names but whose record cannot be read back (it is reported, never skipped silently). */
export interface UnreadableDossier {
  dossierId: string;
  reason: string;
}

/** What the detector reads beyond the dossier store: the sparse index and its progress marks. */
export interface DetectorStore {
  /** The index shards (`00` … `15`): each is walked, and progresses, on its own. */
  readonly shards: readonly string[];
  /** Dossiers in one day bucket and shard whose next action is at or before `upTo` (ISO instant). */
  queryDue(day: string, shard: string, upTo: string): Promise<{ due: DueDossier[]; unreadable: UnreadableDossier[] }>;
  /**
   * For each shard, the last day bucket a run read completely (YYYY-MM-DD), or before any run the
   * earliest bucket written (one read for all shards).
   */
  getWatermarks(): Promise<Map<string, string>>;
  /** Moves a shard's watermark forward (never back). */
  setWatermark(shard: string, day: string): Promise<void>;
  /** Items read so far (index items and records), for the read-efficiency measure. */
  readonly itemsRead: number;
}

/** A dossier the detector failed on, and whether it has been parked. */
export interface QuarantineEntry {
  dossierId: string;
  /** Runs in a row that failed on it. */
  failures: number;
  firstAt: string;
  lastAt: string;
  reason: string;
  /** Set once `failures` reached the limit: the detector leaves it alone until an operator retries it. */
  parkedAt?: string | undefined;
  /** When the administrators were told it was parked. */
  notifiedAt?: string | undefined;
}

/**
 * Dossiers the detector keeps failing on (ADR 0012). A failure is counted; after `parkAfter` runs in a
 * row it is parked, so that one dossier never holds the watermark and every other dossier's alerts;
 * a success clears the count; an operator's retry releases a parked dossier.
 */
export interface QuarantineStore {
  listQuarantine(): Promise<QuarantineEntry[]>;
  recordFailure(dossierId: string, reason: string, at: string, parkAfter: number): Promise<QuarantineEntry>;
  clearFailure(dossierId: string): Promise<void>;
  markNotified(dossierIds: readonly string[], at: string): Promise<void>;
}

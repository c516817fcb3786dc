import type { DossierRecord } from '../domain/dossier/dossier-record.ts';

/** A dossier the index names but whose record cannot be read back (it is reported, never skipped silently). */
export interface UnreadableDossier {
  dossierId: string;
  reason: string;
}

/** Some of the dossiers whose next action has come, as one read of the index returns them. */
export interface DueBatch {
  due: DossierRecord[];
  unreadable: UnreadableDossier[];
  /**
   * Keeps this batch in reach: the walk's progress stops before it, so the next walk reads it again (a
   * dossier in it failed, or another run holds it, or its outcome could not be recorded).
   */
  holdBack(): void;
}

/**
 * One pass over the dossiers whose next action has come, from where the last pass left off. How the
 * index is partitioned, and how progress is kept per partition, is the adapter's business (ADR 0012).
 */
export interface DueWalk {
  /** Visits every batch once, several partitions at once; a batch that cannot be read is held back and reported. */
  visit(visitor: (batch: DueBatch) => Promise<void>): Promise<void>;
  /** Records the progress past every batch not held back. Problems are reported, never thrown. */
  finish(): Promise<void>;
  /** Index reads made (batches). */
  readonly batchesRead: number;
  /** What could not be read or recorded, by where. */
  readonly problems: readonly { where: string; reason: string }[];
}

/** The sparse index of open dossiers by next action: what the detector reads instead of a Scan. */
export interface DueIndex {
  openWalk(now: number): Promise<DueWalk>;
  /** Items read so far (index entries' records), for the read-efficiency measure. */
  readonly itemsRead: number;
}

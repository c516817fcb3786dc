import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';

/** An open dossier whose next action has come, as read from the sparse index. */
export interface DueDossier {
  record: DossierRecord;
  events: DossierEvent[];
}

/** What the detector reads beyond the dossier store: the sparse index and its progress mark. */
export interface DetectorStore {
  /** Dossiers in one day bucket and shard whose next action is at or before `upTo` (ISO instant). */
  queryDue(day: string, shard: string, upTo: string): Promise<DueDossier[]>;
  /** The last day bucket a run read completely (YYYY-MM-DD), or before any run the earliest bucket written. */
  getWatermark(): Promise<string | undefined>;
  /** Moves the watermark forward (never back). */
  setWatermark(day: string): Promise<void>;
  /** Items read so far (index items and records), for the read-efficiency measure. */
  readonly itemsRead: number;
}

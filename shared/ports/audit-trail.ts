import type {
  AuditAnchor,
  AuditCheckpoint,
  AuditEntry,
  StoredRecordFacts,
  VerificationMark,
} from '../domain/audit/audit-chain.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import type { ReportRow } from '../domain/reports/report-row.ts';
import { ConflictError } from '../support/errors.ts';

/** A stored record as verify reads it: the record, the facts its chain is checked by, its report row. */
export interface AuditedRecord {
  record: DossierRecord;
  facts: StoredRecordFacts;
  reportRow?: ReportRow | undefined;
}

/** The audit entries of the dossiers' changes (ADR 0021), as written by the dossier store. */
export interface AuditTrail {
  /** The shards a day's entries are spread over. */
  readonly shards: readonly string[];
  /** A day's entries in one shard, in key order (by dossier, then version). */
  entries(day: string, shard: string): AsyncIterable<AuditEntry>;
  /** The stored records of these dossiers (absent: no record stored). */
  auditedRecords(dossierIds: readonly string[]): Promise<Map<string, AuditedRecord>>;
  /** The first day any entry was written (the dossier store marks it): where anchoring starts. */
  firstDay(): Promise<string | undefined>;
  /** The last day an entry was written: where a plain verify ends. */
  lastDay(): Promise<string | undefined>;
  /**
   * Records that the trail is sealed (anchored, checkpointed) up to this instant (only ever raised): the
   * dossier store stamps no entry before it, whatever its clock says.
   */
  markSealed(upTo: string): Promise<void>;
  /**
   * The configuration's chain (issue #31): the entry its pointer names (undefined: none, or gone), the
   * pointer's version, and the hash of the configuration as it now stands. Undefined: never chained.
   */
  configChain(): Promise<
    { version: number; entry?: AuditEntry | undefined; snapshot: { hash: string; items: number } } | undefined
  >;
}

/** Thrown when a day is anchored already: an anchor is written once, never replaced. */
export class AnchorExistsError extends ConflictError {
  override name = 'AnchorExistsError';
}

/**
 * Where each day's head is anchored, out of reach of whoever can write the table: an S3 object under
 * Object Lock on AWS, a file locally (ADR 0021).
 */
export interface AuditAnchorStore {
  get(day: string): Promise<AuditAnchor | undefined>;
  /** Writes a day's anchor once; AnchorExistsError when it is there already. */
  put(anchor: AuditAnchor): Promise<void>;
  /** The latest anchored day, if any. */
  latest(): Promise<AuditAnchor | undefined>;
  /** The first anchored day, if any: where a plain verify starts (it cannot be moved: anchors are locked). */
  first(): Promise<AuditAnchor | undefined>;
  /** Writes a checkpoint of the day under way once (AnchorExistsError when that instant's is there). */
  putCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /** The day's latest checkpoint, if any. */
  latestCheckpoint(day: string): Promise<AuditCheckpoint | undefined>;
  /** Records a clean verification once (AnchorExistsError when that day's is there). */
  putVerification(mark: VerificationMark): Promise<void>;
  /** The latest clean verification, if any: where a plain verify goes on from. */
  latestVerification(): Promise<VerificationMark | undefined>;
  /** Where the anchors are, for the operator (a bucket, a directory). */
  readonly location: string;
}

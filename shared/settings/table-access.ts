import { RefusedError } from '../support/errors.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** The table actions IAM names (`dynamodb:<action>`). */
export type TableAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactWriteItems'
  | 'TransactGetItems';

/**
 * What one function may do in the table (issue #32), by partition key — IAM `StringLike` patterns of
 * `dynamodb:LeadingKeys`: it reads (Get, Query, BatchGet) `reads` and `writes`, writes (Put, Update,
 * Delete, BatchWrite) `writes` only; it queries the indexes named. Its IAM policy is made from this
 * (infra/constructs/dunghan-function.ts), and locally its calls are checked against it
 * (shared/adapters/table-access-guard.ts): the two cannot drift.
 */
export interface TableAccess {
  reads: readonly string[];
  writes: readonly string[];
  indexes?: readonly string[];
  /** The actions it uses, when fewer than all of reading and writing (default: all but Scan). */
  actions?: readonly TableAction[];
}

/** A call outside the access declared for the function: what IAM would answer with AccessDenied. */
export class TableAccessDeniedError extends RefusedError {
  override name = 'TableAccessDeniedError';
}

/** The configuration, read by every function that counts a deadline. */
const CONFIG = 'CONFIG';

/** A dossier's record and event log, its audit entries and the trail's marks: every writer of dossiers. */
const DOSSIER_WRITER = ['DOSSIER#*', 'AUDIT#*', 'AUDITTRAIL', 'DETECTOR', 'LIVEUNITS'] as const;

/**
 * Each function's access, from an inventory of every call it made in the whole test suite
 * (`DUNGHAN_TABLE_ACCESS_LOG`), by partition. The anchoring is not listed: its three narrow statements
 * are written out in infra/constructs/audit-subsystem.ts.
 */
export const TABLE_ACCESS = {
  /** The citizens' status page: a dossier by its code, the configuration, its attempt counters. */
  'citizen-page': { reads: ['DOSSIER#*', CONFIG], writes: ['LIMIT#*'], actions: ['GetItem', 'Query', 'UpdateItem'] },
  /** The ingest: folds events into dossiers. */
  'ingest-dossier-event': { reads: [CONFIG], writes: [...DOSSIER_WRITER] },
  /** The sync feed: the dossiers' receipts and owners; an item it cannot take is kept as a dead letter. */
  'portal-sync': { reads: [CONFIG, 'DOSSIER#*'], writes: ['OWNER#*', 'DEADLETTER'] },
  /** The approval page: a head's approval written to the dossier; sign-in state and sessions. */
  'approval-page': { reads: [CONFIG], writes: [...DOSSIER_WRITER, 'SESSION#*', 'SIGNIN#*'] },
  /**
   * The console (issue #34): dossiers read and approved, reports and the drafts awaiting approval from
   * the report index, configuration changes and their recomputes; its sessions refreshed — never the
   * sign-in state, the attempt counters, the sync feed's owners or the dead letters.
   */
  console: {
    reads: [],
    writes: [...DOSSIER_WRITER, CONFIG, 'AUDIT', 'SESSION#*'],
    indexes: [TABLE_DESIGN.reportByClose.indexName],
  },
  /** The detector (and the apology's delivery, from the same composition): dossiers by the indexes. */
  'detect-deadlines': {
    reads: [CONFIG],
    writes: [...DOSSIER_WRITER, 'QUARANTINE', 'NOTICE'],
    indexes: [TABLE_DESIGN.openByNextAction.indexName, TABLE_DESIGN.reportByClose.indexName],
  },
  /**
   * The administrators' API: configuration changes and their recomputes, reports, the audit, the
   * quarantine, notices and dead letters — never the sessions, the attempt counters or the sync feed's
   * owners (each route also asks the authority module).
   */
  'admin-api': {
    reads: ['DEADLETTER'],
    writes: [...DOSSIER_WRITER, CONFIG, 'AUDIT', 'QUARANTINE', 'NOTICE'],
    indexes: [TABLE_DESIGN.openByNextAction.indexName, TABLE_DESIGN.reportByClose.indexName],
  },
} satisfies Record<string, TableAccess>;

export type GuardedFunction = keyof typeof TABLE_ACCESS;

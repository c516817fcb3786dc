import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { DossierEvent, DossierReceived } from '../contracts/dossier-events.ts';
import { type Actor, actorRecord, describeActor } from '../domain/authority/actors.ts';
import { receiptConflict } from '../domain/dossier/receipt-conflict.ts';
import { resolveRule } from '../domain/rules/deadline-rule.ts';
import {
  type ExportMapping,
  type ExportRow,
  exportTitleOf,
  rowToPortalItem,
  titleKey,
} from '../domain/sync/export-mapping.ts';
import { mapSyncItem, SyncItemError } from '../domain/sync/portal-sync.ts';
import type { Clock } from '../ports/clock.ts';
import type { ConfigAdminStore } from '../ports/config-admin-store.ts';
import type { DeadLetterSink } from '../ports/inbound-events.ts';
import { vietnamDay } from '../support/vietnam-time.ts';
import type { BulkOutcome, DossierEvents, ingestInBulk } from './ingest-in-bulk.ts';
import type { RuleBook } from './rule-book.ts';

export interface ImportDeps {
  rules: RuleBook;
  /** Ingests many dossiers' events at once ({@link ingestInBulk}): each event applied, already there, or refused. */
  ingest: (dossiers: readonly DossierEvents[], conflicts?: Map<string, string>) => Promise<Map<string, BulkOutcome>>;
  /** The stored receipts of these dossiers, so a dry run names the conflicts a real run would refuse. */
  receipts?: (dossierIds: readonly string[]) => Promise<Map<string, DossierReceived | undefined>>;
  deadLetters: DeadLetterSink;
  clock: Clock;
}

/** Rows ingested together: a hundred dossiers' records are read in one call. */
export const IMPORT_BATCH_ROWS = 100;

/** The most problems an import lists one by one (the count is always whole). */
export const MAX_LISTED_PROBLEMS = 1000;

export interface ImportSummary {
  rows: number;
  /** Rows that map to a dossier (whatever their events became). */
  dossiers: number;
  events: number;
  /** Events that changed something, and those already there (a re-import, an overlapping export). */
  applied: number;
  duplicates: number;
  /** Rows that cannot be imported, and events the ingest refused. */
  refused: number;
  problems: { row: number; dossierId?: string | undefined; column?: string | undefined; reason: string }[];
  /**
   * The problems by cause (column and reason), the most frequent first: one unknown status in a whole
   * export is one line here, with how many rows and the first of them, not thousands of the same problem.
   */
  causes: { column?: string | undefined; reason: string; rows: number; firstRows: number[] }[];
  /** The file's column titles the mapping reads nothing from (issue #32: a misnamed column is silent otherwise). */
  unmappedColumns: string[];
  /**
   * Dossiers whose deadline comes from a default rule (their field's, or the global one) rather than their
   * procedure's own: no procedure code, or one no rule names.
   */
  defaultRule: { field: number; global: number };
  dryRun: boolean;
}

/** A column numbering the rows (STT), which holds nothing to read. */
const ROW_NUMBER_TITLE = /^(?:stt|tt|số\s*tt|số\s*thứ\s*tự)$/iu;

/** The most distinct causes an import counts (the rest are counted under the last, "other causes"). */
export const MAX_CAUSES = 100;

/**
 * Imports a dossier list exported from a one-stop system (issue #17): each row read as a portal
 * `DongBoHoSoMC` item (export-mapping.ts) and mapped to events exactly as the sync feed's (portal-sync.ts),
 * so a re-import, or a later export that overlaps, adds only what is new. Rows stream: any file size, in
 * bounded memory; they are ingested a hundred at a time ({@link ingestInBulk}). A dry run maps every row and lists what cannot be imported, writing nothing; a real run
 * keeps each refused row as a dead letter.
 */
export async function importExport(
  deps: ImportDeps,
  rows: AsyncIterable<ExportRow>,
  mapping: ExportMapping,
  options: { dryRun: boolean; file: string; onProgress?: (summary: ImportSummary) => void },
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    rows: 0,
    dossiers: 0,
    events: 0,
    applied: 0,
    duplicates: 0,
    refused: 0,
    problems: [],
    causes: [],
    unmappedColumns: [],
    defaultRule: { field: 0, global: 0 },
    dryRun: options.dryRun,
  };
  const mapped = new Set(Object.values(mapping.columns).map(titleKey));
  const causes = new Map<string, ImportSummary['causes'][number]>();
  const problem = (p: ImportSummary['problems'][number]) => {
    summary.refused += 1;
    if (summary.problems.length < MAX_LISTED_PROBLEMS) summary.problems.push(p);
    let key = JSON.stringify([p.column, p.reason]);
    if (!causes.has(key) && causes.size >= MAX_CAUSES - 1) key = 'other';
    const cause = causes.get(key) ?? {
      ...(key === 'other' ? { reason: 'other causes' } : { column: p.column, reason: p.reason }),
      rows: 0,
      firstRows: [],
    };
    cause.rows += 1;
    if (cause.firstRows.length < 5) cause.firstRows.push(p.row);
    causes.set(key, cause);
  };
  const book = await deps.rules.current();
  const receivedAt = new Date(deps.clock.now()).toISOString();
  let batch: (DossierEvents & { row: number })[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const conflicts = new Map<string, string>();
    const outcomes = await deps.ingest(batch, conflicts);
    for (const { row, dossierId, events } of batch) {
      const conflict = conflicts.get(dossierId);
      if (conflict) {
        // One problem per row, kept as a dead letter with the row: another source's dossier, not this one.
        problem({ row, dossierId, column: mapping.columns.dossierId, reason: conflict });
        await deps.deadLetters.put({
          at: receivedAt,
          detailType: `import ${mapping.name}`,
          dossierId,
          reason: `${options.file} row ${row}: ${conflict}`,
          payload: JSON.stringify({ row, dossierId }),
        });
        continue;
      }
      for (const event of events) {
        const outcome = outcomes.get(event.detail.eventId);
        if (outcome === 'applied') summary.applied += 1;
        else if (outcome === 'duplicate') summary.duplicates += 1;
        else problem({ row, dossierId, reason: `${event.type} refused by the ingest: see dunghan dead-letters` });
      }
    }
    batch = [];
    options.onProgress?.(summary);
  };
  // A dry run writes nothing, but names the rows a real run would refuse as conflicts.
  let dryBatch: (DossierEvents & { row: number })[] = [];
  const checkDry = async () => {
    if (dryBatch.length === 0 || !deps.receipts) return;
    const stored = await deps.receipts(dryBatch.map((b) => b.dossierId));
    for (const { row, dossierId, events } of dryBatch) {
      const receipt = events.find((e) => e.type === 'DossierReceived');
      const conflict =
        receipt?.type === 'DossierReceived' ? receiptConflict(stored.get(dossierId), receipt.detail) : undefined;
      if (conflict) {
        problem({ row, dossierId, column: mapping.columns.dossierId, reason: conflict });
      }
    }
    dryBatch = [];
  };
  for await (const { row, cells } of rows) {
    summary.rows += 1;
    // Every row is keyed by the header's titles: the first names what the mapping leaves unread.
    if (summary.rows === 1)
      summary.unmappedColumns = Object.keys(cells).filter(
        (t) => t && !mapped.has(titleKey(t)) && !ROW_NUMBER_TITLE.test(t.trim()),
      );
    let events: DossierEvent[];
    let dossierId: string | undefined;
    try {
      const item = rowToPortalItem(cells, mapping);
      dossierId = typeof item.MaHoSo === 'string' ? item.MaHoSo : undefined;
      events = mapSyncItem('DongBoHoSoMC', item, { units: book.units, receivedAt }).events;
    } catch (error) {
      if (!(error instanceof SyncItemError)) throw error;
      problem({ row, dossierId, column: exportTitleOf(error.portalField, mapping), reason: error.reason });
      if (!options.dryRun)
        await deps.deadLetters.put({
          at: receivedAt,
          detailType: `import ${mapping.name}`,
          dossierId,
          reason: `${options.file} row ${row}: ${error.message}`,
          payload: JSON.stringify(cells),
        });
      continue;
    }
    summary.dossiers += 1;
    summary.events += events.length;
    const received = events.find((e) => e.type === 'DossierReceived');
    if (received?.type === 'DossierReceived') {
      const { procedure, receivedAt: at } = received.detail;
      const match = resolveRule(book.rules, {
        procedureCode: procedure.code,
        field: procedure.field,
        receiptDate: vietnamDay(Date.parse(at)),
      })?.matchedBy;
      if (match === 'field') summary.defaultRule.field += 1;
      else if (match === 'global' || match === undefined) summary.defaultRule.global += 1;
    }
    if (options.dryRun) {
      dryBatch.push({ row, dossierId: events[0]?.detail.dossierId ?? (dossierId as string), events });
      if (dryBatch.length >= IMPORT_BATCH_ROWS) await checkDry();
      if (summary.rows % IMPORT_BATCH_ROWS === 0) options.onProgress?.(summary);
      continue;
    }
    const id = events[0]?.detail.dossierId ?? (dossierId as string);
    // A dossier listed twice in a batch (an export with repeated rows): its earlier row goes first.
    if (batch.length >= IMPORT_BATCH_ROWS || batch.some((b) => b.dossierId === id)) await flush();
    batch.push({ row, dossierId: id, events });
  }
  await flush();
  await checkDry();
  summary.causes = [...causes.values()].sort((a, b) => b.rows - a.rows);
  options.onProgress?.(summary);
  return summary;
}

/**
 * Records who imported what (issue #30): one audit entry per import that wrote, with the actor (subject,
 * name, grants), the file's name and the counts — beside the dossiers' own chained entries (ADR 0021).
 */
export async function recordImport(
  deps: { config: Pick<ConfigAdminStore, 'putAudit'>; clock: Clock },
  actor: Actor,
  file: string,
  summary: ImportSummary,
): Promise<void> {
  if (summary.dryRun) return;
  const at = new Date(deps.clock.now()).toISOString();
  await deps.config.putAudit({
    changeId: createHash('sha256').update(`import\n${file}\n${at}`).digest('hex').slice(0, 16),
    at,
    author: describeActor(actor),
    actor: actorRecord(actor),
    action: 'import',
    status: summary.refused > 0 ? 'failed' : 'applied',
    ...(summary.refused > 0 ? { error: `${summary.refused} row(s) could not be imported` } : {}),
    sources: [basename(file)],
    legalBasis: [],
    what: {
      rows: summary.rows,
      dossiers: summary.dossiers,
      applied: summary.applied,
      duplicates: summary.duplicates,
      refused: summary.refused,
    },
  });
}

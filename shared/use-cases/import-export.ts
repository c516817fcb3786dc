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
import type { RuleBook, RuleBookSnapshot } from './rule-book.ts';

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
  const run = new ImportRun(deps, mapping, options, await deps.rules.current());
  for await (const row of rows) await run.add(row);
  return run.finish();
}

type RowEvents = DossierEvents & { row: number };

/** One import under way: its summary, and the rows waiting in the batch to be ingested (or checked). */
class ImportRun {
  readonly summary: ImportSummary;
  private readonly causes = new Map<string, ImportSummary['causes'][number]>();
  private readonly mapped: Set<string>;
  private readonly receivedAt: string;
  private batch: RowEvents[] = [];

  constructor(
    private readonly deps: ImportDeps,
    private readonly mapping: ExportMapping,
    private readonly options: { dryRun: boolean; file: string; onProgress?: (summary: ImportSummary) => void },
    private readonly book: RuleBookSnapshot,
  ) {
    this.summary = {
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
    this.mapped = new Set(Object.values(mapping.columns).map(titleKey));
    this.receivedAt = new Date(deps.clock.now()).toISOString();
  }

  /** A row refused: counted, listed (the first few), and counted under its cause. */
  private problem(p: ImportSummary['problems'][number]): void {
    const { summary, causes } = this;
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
  }

  private async deadLetter(row: number, dossierId: string | undefined, reason: string, payload: unknown) {
    await this.deps.deadLetters.put({
      at: this.receivedAt,
      detailType: `import ${this.mapping.name}`,
      dossierId,
      reason: `${this.options.file} row ${row}: ${reason}`,
      payload: JSON.stringify(payload),
    });
  }

  async add({ row, cells }: ExportRow): Promise<void> {
    const { summary, options } = this;
    summary.rows += 1;
    // Every row is keyed by the header's titles: the first names what the mapping leaves unread.
    if (summary.rows === 1)
      summary.unmappedColumns = Object.keys(cells).filter(
        (t) => t && !this.mapped.has(titleKey(t)) && !ROW_NUMBER_TITLE.test(t.trim()),
      );
    const read = await this.read(row, cells);
    if (!read) return;
    const { events } = read;
    summary.dossiers += 1;
    summary.events += events.length;
    this.countRule(events);
    const id = events[0]?.detail.dossierId ?? (read.dossierId as string);
    if (options.dryRun) {
      this.batch.push({ row, dossierId: id, events });
      if (this.batch.length >= IMPORT_BATCH_ROWS) await this.checkDry();
      if (summary.rows % IMPORT_BATCH_ROWS === 0) options.onProgress?.(summary);
      return;
    }
    // A dossier listed twice in a batch (an export with repeated rows): its earlier row goes first.
    if (this.batch.length >= IMPORT_BATCH_ROWS || this.batch.some((b) => b.dossierId === id)) await this.flush();
    this.batch.push({ row, dossierId: id, events });
  }

  /** The row as the sync feed's item and its events; a row that is not one is refused (and kept). */
  private async read(row: number, cells: ExportRow['cells']) {
    let dossierId: string | undefined;
    try {
      const item = rowToPortalItem(cells, this.mapping);
      dossierId = typeof item.MaHoSo === 'string' ? item.MaHoSo : undefined;
      const { events } = mapSyncItem('DongBoHoSoMC', item, { units: this.book.units, receivedAt: this.receivedAt });
      return { dossierId, events };
    } catch (error) {
      if (!(error instanceof SyncItemError)) throw error;
      this.problem({ row, dossierId, column: exportTitleOf(error.portalField, this.mapping), reason: error.reason });
      if (!this.options.dryRun) await this.deadLetter(row, dossierId, error.message, cells);
      return undefined;
    }
  }

  /** Counts a dossier that takes a default rule, not its procedure's: a misread procedure column shows here. */
  private countRule(events: readonly DossierEvent[]): void {
    const received = events.find((e) => e.type === 'DossierReceived');
    if (received?.type !== 'DossierReceived') return;
    const { procedure, receivedAt: at } = received.detail;
    const match = resolveRule(this.book.rules, {
      procedureCode: procedure.code,
      field: procedure.field,
      receiptDate: vietnamDay(Date.parse(at)),
    })?.matchedBy;
    if (match === 'field') this.summary.defaultRule.field += 1;
    else if (match === 'global' || match === undefined) this.summary.defaultRule.global += 1;
  }

  /** The batch ingested: each event applied, a duplicate or refused; another source's dossier refused whole. */
  private async flush(): Promise<void> {
    const { batch, summary } = this;
    if (batch.length === 0) return;
    const conflicts = new Map<string, string>();
    const outcomes = await this.deps.ingest(batch, conflicts);
    for (const { row, dossierId, events } of batch) {
      const conflict = conflicts.get(dossierId);
      if (conflict) {
        // One problem per row, kept as a dead letter with the row: another source's dossier, not this one.
        this.problem({ row, dossierId, column: this.mapping.columns.dossierId, reason: conflict });
        await this.deadLetter(row, dossierId, conflict, { row, dossierId });
        continue;
      }
      for (const event of events) {
        const outcome = outcomes.get(event.detail.eventId);
        if (outcome === 'applied') summary.applied += 1;
        else if (outcome === 'duplicate') summary.duplicates += 1;
        else this.problem({ row, dossierId, reason: `${event.type} refused by the ingest: see dunghan dead-letters` });
      }
    }
    this.batch = [];
    this.options.onProgress?.(summary);
  }

  /** A dry run writes nothing, but names the rows a real run would refuse as conflicts. */
  private async checkDry(): Promise<void> {
    const { batch } = this;
    if (batch.length === 0 || !this.deps.receipts) return;
    const stored = await this.deps.receipts(batch.map((b) => b.dossierId));
    for (const { row, dossierId, events } of batch) {
      const receipt = events.find((e) => e.type === 'DossierReceived');
      const conflict =
        receipt?.type === 'DossierReceived' ? receiptConflict(stored.get(dossierId), receipt.detail) : undefined;
      if (conflict) this.problem({ row, dossierId, column: this.mapping.columns.dossierId, reason: conflict });
    }
    this.batch = [];
  }

  async finish(): Promise<ImportSummary> {
    if (this.options.dryRun) await this.checkDry();
    else await this.flush();
    this.summary.causes = [...this.causes.values()].sort((a, b) => b.rows - a.rows);
    this.options.onProgress?.(this.summary);
    return this.summary;
  }
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

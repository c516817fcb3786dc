import { constants, writeFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readExportRows } from '../shared/adapters/export-files.ts';
import { renderTablesXlsx } from '../shared/adapters/xlsx-report.ts';
import { describeActor } from '../shared/domain/authority/actors.ts';
import { scopeOf } from '../shared/domain/authority/authority.ts';
import {
  type Reconciliation,
  reconcile,
  reconciliationDocument,
  type SourceDossier,
} from '../shared/domain/reports/reconciliation.ts';
import { renderTablesCsv, renderTablesHtml, renderTablesMarkdown } from '../shared/domain/reports/render-report.ts';
import { type ExportMapping, readExportMapping, rowToSourceDossier } from '../shared/domain/sync/export-mapping.ts';
import { SyncItemError } from '../shared/domain/sync/portal-sync.ts';
import { systemClock } from '../shared/ports/clock.ts';
import type { ReportIndex } from '../shared/ports/report-index.ts';
import { InvalidInputError } from '../shared/support/errors.ts';
import { vietnamDayStart } from '../shared/support/vietnam-time.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { asOption, dataDirOption, printer, type Register } from './command.ts';
import { BadInputError } from './errors.ts';
import { DEFAULT_MAPPING } from './import-command.ts';
import { onPlatform } from './platform.ts';
import type { StoreOptions } from './store-commands.ts';

const FORMATS = ['md', 'csv', 'xlsx', 'html', 'json'] as const;

export interface ReconcileOptions extends StoreOptions {
  from: string;
  to: string;
  mapping?: string[];
  format: string;
  out?: string;
  aws?: boolean;
}

/**
 * `dunghan reconcile <a> <b> --from --to`: two sources of the same period — `store` (the local store, or
 * the deployed table with --aws) or an export or register file (.xlsx/.xls/.csv, read with a mapping) —
 * compared per unit and month, with the dossiers in one source only (issue #17).
 */
export async function runReconcile(sources: string[], options: ReconcileOptions): Promise<string | Reconciliation> {
  if (sources.length !== 2)
    throw new BadInputError('<sources>', 'name two sources: `store` or an export file, e.g. store so-tiep-nhan.xlsx');
  if (sources.every((s) => s === 'store'))
    throw new BadInputError('<sources>', 'compare the store with a file, or two files');
  if (!(FORMATS as readonly string[]).includes(options.format))
    throw new BadInputError('--format', `must be one of ${FORMATS.join(', ')}`);
  if (options.format === 'xlsx' && !options.out) throw new BadInputError('--out', 'required for --format xlsx');
  for (const [name, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
      throw new BadInputError(name, `must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  if (options.to < options.from) throw new BadInputError('--to', 'must not be before --from');
  const start = vietnamDayStart(options.from);
  const end = vietnamDayStart(options.to) + 86_400_000;
  const files = sources.filter((s) => s !== 'store');
  const mappings = await Promise.all(files.map((_, i) => loadMapping(options.mapping?.[i] ?? options.mapping?.[0])));
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      throw new BadInputError('<sources>', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const compare = async (reports: ReportIndex | undefined, unitName: (id: string) => string | undefined) => {
    const side = (source: string) => {
      if (source === 'store') {
        if (!reports) throw new Error('no store');
        return {
          summary: { label: options.aws ? 'Hệ thống Đúng Hạn (AWS)' : 'Hệ thống Đúng Hạn', unreadable: 0 },
          isStore: true,
          dossiers: storeDossiers(reports, start, end),
        };
      }
      const index = files.indexOf(source);
      const summary = { label: basename(source), unreadable: 0 };
      return {
        summary,
        isStore: false,
        dossiers: fileDossiers(source, mappings[index] as ExportMapping, summary),
      };
    };
    return reconcile(
      side(sources[0] as string),
      side(sources[1] as string),
      { from: options.from, to: options.to, start, end },
      unitName,
    );
  };
  let result: Reconciliation;
  if (!sources.includes('store')) {
    result = await compare(undefined, () => undefined);
  } else {
    result = await onPlatform(options, { action: 'report.read' }, async (site) => {
      // The store's side is every unit's dossiers: only a role that reads every unit's reports compares it.
      if (!scopeOf(site.actor, 'report.read').all)
        throw new BadInputError(
          '--as',
          `${describeActor(site.actor)}: a reconciliation reads the whole store; it needs a role that reads every unit's reports (an administrator, or a supervisor of the province)`,
        );
      const book = await new RuleBook(site.platform.table.config, systemClock, 0).current();
      return compare(site.platform.table.reports, (id) => book.units.get(id)?.name);
    });
  }
  if (options.format === 'json') return result;
  const document = reconciliationDocument(result);
  const rendered =
    options.format === 'md'
      ? renderTablesMarkdown(document)
      : options.format === 'csv'
        ? renderTablesCsv(document)
        : options.format === 'html'
          ? renderTablesHtml(document)
          : await renderTablesXlsx(document, new Date().toISOString());
  if (options.out) {
    writeFileSync(options.out, rendered);
    return `${options.out}\n`;
  }
  return typeof rendered === 'string' ? rendered : '';
}

async function loadMapping(file: string | undefined): Promise<ExportMapping> {
  const path = file ?? DEFAULT_MAPPING;
  try {
    return readExportMapping(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new BadInputError('--mapping', error.message);
    throw new BadInputError('--mapping', `cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
}

async function* storeDossiers(reports: ReportIndex, start: number, end: number): AsyncIterable<SourceDossier> {
  for await (const row of reports.reportRows(start, end, Date.now()))
    yield {
      id: row.id,
      unitId: row.unitId,
      unitName: row.unitName,
      receivedAt: Date.parse(row.receivedAt),
      viaSync: row.viaSync === true,
    };
}

async function* fileDossiers(
  file: string,
  mapping: ExportMapping,
  summary: { unreadable: number },
): AsyncIterable<SourceDossier> {
  for await (const { cells } of readExportRows(file, mapping)) {
    try {
      yield rowToSourceDossier(cells, mapping);
    } catch (error) {
      if (!(error instanceof SyncItemError)) throw error;
      summary.unreadable += 1;
    }
  }
}

/** `dunghan reconcile`. */
export const registerReconcile: Register = (program, io) => {
  const print = printer(io);
  program
    .command('reconcile')
    .summary('Compare two sources of the same period')
    .argument(
      '<sources...>',
      'two sources: `store` (the local store, or with --aws the deployed table) or an export file',
    )
    .description(
      'Compare two sources of the same period per unit and month — the store and an export or the desk’s ' +
        'register kept as a spreadsheet, or two exports: counts on each side, the gap, the dossiers in one and ' +
        'not the other (by code), and for the store how many came through the portal sync feed. Files are read ' +
        'with --mapping (one per file, in order; default config/import/danh-sach-ho-so.yaml).',
    )
    .requiredOption('--from <date>', 'first day of receipt (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last day of receipt (YYYY-MM-DD)')
    .option(
      '--mapping <file.yaml>',
      'how to read a file (repeat for the second file)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--format <format>', 'md, csv, xlsx (with --out), html or json', 'md')
    .option('--out <file>', 'write to a file')
    .addOption(dataDirOption())
    .option('--aws', 'read the deployed table (TABLE_NAME) as the store')
    .addOption(asOption())
    .action(async (sources: string[], options) => {
      const result = await runReconcile(sources, options);
      if (typeof result === 'string') process.stdout.write(result);
      else print(result);
    });
};

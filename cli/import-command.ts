import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { exportFileProblem, readExportRows } from '../shared/adapters/export-files.ts';
import type { Platform } from '../shared/adapters/platform.ts';
import { type ExportMapping, importProblems, readExportMapping } from '../shared/domain/sync/export-mapping.ts';
import { systemClock } from '../shared/ports/clock.ts';
import type { DeadLetterSink } from '../shared/ports/inbound-events.ts';
import { InvalidInputError } from '../shared/support/errors.ts';
import { type ImportDeps, type ImportSummary, importExport, recordImport } from '../shared/use-cases/import-export.ts';
import { ingestInBulk } from '../shared/use-cases/ingest-in-bulk.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { storedReceipts } from '../shared/use-cases/stored-receipts.ts';
import { syncSource } from '../shared/use-cases/sync-from-portal.ts';
import { asOption, dataDirOption, printer, type Register } from './command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';
import type { ActingOptions } from './identity.ts';
import { onPlatform } from './platform.ts';

/** An import's dependencies on a platform (AWS or the local runtime's): the bulk ingest over its table. */
export function bulkImportDeps(platform: Platform, deadLetters: DeadLetterSink): ImportDeps {
  const rules = new RuleBook(platform.table.config, systemClock, 3_600_000);
  const deps = {
    store: platform.table.dossiers,
    bulk: platform.table.dossiers,
    rules,
    publisher: platform.publisher,
    clock: systemClock,
    deadLetters,
    source: syncSource('import'),
  };
  return {
    rules,
    deadLetters,
    clock: systemClock,
    ingest: (dossiers, conflicts) => ingestInBulk(deps, dossiers, conflicts),
    receipts: storedReceipts(platform.table.dossiers),
  };
}

/** The mapping shipped for the common "Danh sách hồ sơ" export (config/import/). */
export const DEFAULT_MAPPING = new URL('../config/import/danh-sach-ho-so.yaml', import.meta.url).pathname;

/**
 * `dunghan import <file.xlsx|.xls|.csv> [--mapping] [--dry-run] [--aws]`: a dossier list exported from a
 * one-stop system, through the sync feed's mapping and the ingest (issue #17). Exit 1 when a row could
 * not be imported (each listed with its row, column and reason), after importing the others.
 */
export async function runImport(
  file: string,
  options: ActingOptions & { mapping?: string; dryRun?: boolean; aws?: boolean },
  io: { err: NodeJS.WritableStream },
): Promise<ImportSummary> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new BadInputError('<file>', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const unreadable = exportFileProblem(file);
  if (unreadable) throw new BadInputError('<file>', unreadable);
  const mappingFile = options.mapping ?? DEFAULT_MAPPING;
  let mapping: ExportMapping;
  try {
    mapping = readExportMapping(await readFile(mappingFile, 'utf8'), mappingFile);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new BadInputError('--mapping', error.message);
    throw new BadInputError('--mapping', `cannot read ${mappingFile} (${(error as NodeJS.ErrnoException).code})`);
  }
  const missing = importProblems(mapping);
  if (missing) throw new BadInputError('--mapping', `${mappingFile}: ${missing}`);
  const bar = new cliProgress.SingleBar(
    {
      format: 'Nhập: {value} dòng | {dossiers} hồ sơ | {refused} không nhập được',
      stream: io.err,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  // The number of rows is not known before the end (the file streams): the bar counts them.
  bar.start(0, 0, { dossiers: 0, refused: 0 });
  let last: ImportSummary | undefined;
  const onProgress = (s: ImportSummary) => {
    last = s;
    bar.update(s.rows, { dossiers: s.dossiers, refused: s.refused });
  };
  const run = (deps: ImportDeps) =>
    importExport(deps, readExportRows(file, mapping), mapping, { dryRun: options.dryRun ?? false, file, onProgress });
  let summary: ImportSummary;
  try {
    // Asked of the authority first (cli/platform.ts), recorded with its author after (issue #30). On AWS
    // straight into the table through the same use cases as the ingest function: a year's export as a
    // million events on the bus would cost a million function invocations. Locally dynalite runs in a
    // thread of its own: the import's mapping and folds keep the other core.
    summary = await onPlatform(
      options,
      { action: 'events.import', sealsEvents: true, local: { dynamoThread: true } },
      async (site) => {
        const result = await run(bulkImportDeps(site.platform, site.deadLetters));
        await recordImport({ config: site.platform.table.config, clock: systemClock }, site.actor, file, result);
        return result;
      },
    );
  } finally {
    if (last) bar.update(last.rows, { dossiers: last.dossiers, refused: last.refused });
    bar.stop();
  }
  if (options.dryRun) io.err.write('--dry-run: nothing was written\n');
  // What the mapping did not read, and what counts with a default rule: a misnamed column is silent otherwise.
  if (summary.unmappedColumns.length > 0)
    io.err.write(`columns not read (not in the mapping): ${summary.unmappedColumns.join(', ')}\n`);
  const { field, global } = summary.defaultRule;
  if (field + global > 0)
    io.err.write(
      `${field + global} dossier(s) take a default deadline rule, not their procedure's (${field} their field's, ${global} the global one): check the procedure code column${mapping.columns.procedureCode ? ` ("${mapping.columns.procedureCode}")` : ' (none in the mapping)'}\n`,
    );
  if (summary.refused > 0) {
    const n = (x: number) => x.toLocaleString('en-US');
    const shown = summary.causes.slice(0, 5).map((c) => {
      const rows = `${c.firstRows.join(', ')}${c.rows > c.firstRows.length ? ', …' : ''}`;
      return `  ${c.column ? `${c.column}: ` : ''}${c.reason} — ${n(c.rows)} row(s) (${rows})`;
    });
    const more = summary.causes.length > 5 ? [`  and ${summary.causes.length - 5} other cause(s): see causes`] : [];
    throw new RuntimeFailure(
      [`${n(summary.refused)} row(s) could not be imported, by cause:`, ...shown, ...more].join('\n'),
      summary,
    );
  }
  return summary;
}

/** `dunghan import`. */
export const registerImport: Register = (program, io) => {
  const print = printer(io);
  program
    .command('import')
    .summary('Import an exported dossier list')
    .argument(
      '<file>',
      'a dossier list exported from a one-stop system, one row per dossier: .xlsx, .xls (also an HTML table or Excel 2003 XML saved so) or .csv',
    )
    .description(
      'Import an exported dossier list through the sync feed’s mapping and the ingest (ADR 0017): each row is ' +
        'read as the portal’s DongBoHoSoMC item (receipt, appointment, result), so importing again, or a later ' +
        'export that overlaps, adds only what is new. --mapping names the columns, date formats and status ' +
        'wording (default config/import/danh-sach-ho-so.yaml). Prints {rows, dossiers, events, applied, ' +
        'duplicates, refused, problems}; exit 1 when a row could not be imported (row, column and reason).',
    )
    .option('--mapping <file.yaml>', 'how to read this system’s export')
    .option('--dry-run', 'read and map every row, list what cannot be imported, write nothing')
    .addOption(dataDirOption())
    .addOption(asOption())
    .option('--aws', 'put the events on the deployed bus (EVENT_BUS_NAME, TABLE_NAME) instead of the local store')
    .action(async (file: string, options) => print(await runImport(file, options, { err: process.stderr })));
};

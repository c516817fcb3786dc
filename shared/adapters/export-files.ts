import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  type Cell,
  delimiterCandidates,
  type ExportMapping,
  type ExportRow,
  headerProblem,
} from '../domain/sync/export-mapping.ts';
import { withoutByteOrderMark } from '../support/byte-order-mark.ts';
import { InvalidInputError } from '../support/errors.ts';

/*
 * The rows of an exported dossier list, streamed (a province's year is a million rows): csv through
 * csv-parse, xlsx through exceljs's streaming reader. Each row comes with its number in the file, as a
 * spreadsheet shows it, and its cells by column title.
 */

/** The rows of a csv or xlsx file, by its extension. */
export function readExportRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  if (/\.xlsx$/i.test(file)) return readXlsxRows(file, mapping);
  if (/\.(csv|txt)$/i.test(file)) return readCsvRows(file, mapping);
  throw new Error(`${file}: an export must be .xlsx or .csv`);
}

async function* readCsvRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const delimiter = await csvDelimiter(file, mapping);
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter,
      from_line: mapping.headerRow,
      columns: (titles: string[]) => {
        const problem = headerProblem(titles, mapping);
        if (problem) throw new InvalidInputError(`${file}: ${problem}`, '<file>');
        return titles.map((t) => t.trim().normalize('NFC'));
      },
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>)
    yield { row: info.lines + mapping.headerRow - 1, cells: record };
}

/**
 * The separator of a csv export: the mapping's, unless the header row's titles are found only with
 * another (a file saved by Excel in another locale). Reads the head of the file, never all of it.
 */
async function csvDelimiter(file: string, mapping: ExportMapping): Promise<string> {
  const handle = await open(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = withoutByteOrderMark(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
  const header = head.split('\n')[mapping.headerRow - 1]?.replace(/\r$/, '');
  if (header === undefined) return mapping.delimiter;
  for (const delimiter of delimiterCandidates(mapping)) {
    let titles: string[];
    try {
      titles = (parseSync(header, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
    } catch {
      continue;
    }
    if (!headerProblem(titles, mapping)) return delimiter;
  }
  return mapping.delimiter;
}

async function* readXlsxRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  let index = 0;
  for await (const sheet of reader) {
    index += 1;
    const name = (sheet as unknown as { name?: string }).name;
    const wanted = mapping.sheet ?? 1;
    if (typeof wanted === 'number' ? wanted !== index : wanted !== name) continue;
    let titles: string[] | undefined;
    for await (const row of sheet) {
      const values = (row.values as unknown[]).map(cellValue);
      if (row.number < mapping.headerRow) continue;
      if (row.number === mapping.headerRow) {
        titles = values.map((v) => (v === undefined || v === null ? '' : String(v).trim().normalize('NFC')));
        const problem = headerProblem(titles, mapping);
        if (problem) throw new InvalidInputError(`${file}: ${problem}`, '<file>');
        continue;
      }
      if (!titles || values.every((v) => v === undefined || v === null || v === '')) continue;
      const cells: Record<string, Cell> = {};
      titles.forEach((title, i) => {
        if (title) cells[title] = values[i] as Cell;
      });
      yield { row: row.number, cells };
    }
    return;
  }
  throw new Error(`${file}: no worksheet ${JSON.stringify(mapping.sheet ?? 1)}`);
}

/** A cell's value: rich text and hyperlinks as their text, formulas as their result. */
function cellValue(value: unknown): Cell {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date || typeof value !== 'object') return value as Cell;
  const v = value as { richText?: { text: string }[]; text?: string; result?: unknown };
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return cellValue(v.result);
  if (typeof v.text === 'string') return v.text;
  return String(value);
}

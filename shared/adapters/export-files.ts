import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { Cell, ExportMapping, ExportRow } from '../domain/sync/export-mapping.ts';

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
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter: mapping.delimiter,
      from_line: mapping.headerRow,
      columns: (titles: string[]) => titles.map((t) => t.trim().normalize('NFC')),
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

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  type Cell,
  delimiterCandidates,
  type ExportMapping,
  type ExportRow,
  isColumnNumbering,
  locateHeader,
} from '../domain/sync/export-mapping.ts';
import { withoutByteOrderMark } from '../support/byte-order-mark.ts';
import { InvalidInputError } from '../support/errors.ts';

/*
 * The rows of an exported dossier list, streamed (a province's year is a million rows): csv through
 * csv-parse, xlsx through exceljs's streaming reader. Each row comes with its number in the file, as a
 * spreadsheet shows it, and its cells by column title.
 */

/**
 * Why a file cannot be read as an export, by its name: only .xlsx and .csv are. Web one-stop systems'
 * "Xuất Excel" often gives .xls (Excel 97–2003, or an HTML table under that name): Excel or LibreOffice
 * opens either and saves it as .xlsx.
 */
export function exportFileProblem(file: string): string | undefined {
  if (/\.(xlsx|csv|txt)$/i.test(file)) return undefined;
  if (/\.(xls|htm|html)$/i.test(file))
    return `${file}: open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook) — only .xlsx and .csv are read`;
  return `${file}: an export must be .xlsx or .csv`;
}

/** The rows of a csv or xlsx file, by its extension. */
export function readExportRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const problem = exportFileProblem(file);
  if (problem) throw new InvalidInputError(problem, '<file>');
  return /\.xlsx$/i.test(file) ? readXlsxRows(file, mapping) : readCsvRows(file, mapping);
}

/**
 * How far down the header row is looked for when it is not on the mapping's row: exports open with banner
 * rows (the agency, the title, the period) whose number varies with the system and the period.
 */
const HEADER_SEARCH_ROWS = 30;

/** A row as a file gives it: its number as a spreadsheet shows it, its cells in column order. */
interface RawRow {
  row: number;
  values: unknown[];
}

/**
 * The data rows of a file's rows, by title: the header located among the first rows (one row or two,
 * locateHeader), a row numbering the columns under it skipped, empty rows skipped. Reads the head of the
 * file, then streams the rest.
 */
async function* byTitle(file: string, source: AsyncIterable<RawRow>, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const lastHeadRow = Math.max(mapping.headerRow, HEADER_SEARCH_ROWS) + 1;
  const rows = source[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  let next = await rows.next();
  for (; !next.done && next.value.row <= lastHeadRow; next = await rows.next()) head.push(next.value);
  const grid: unknown[][] = [];
  for (const { row, values } of head) grid[row - 1] = values;
  const header = locateHeader(grid, mapping);
  if ('problem' in header) {
    await rows.return?.();
    throw new InvalidInputError(`${file}: ${header.problem}`, '<file>');
  }
  const firstDataRow = header.row + header.span;
  let first = true;
  const toRow = ({ row, values }: RawRow): ExportRow | undefined => {
    if (row < firstDataRow || values.every((v) => v === undefined || v === null || v === '')) return undefined;
    const numbering = first && isColumnNumbering(values);
    first = false;
    if (numbering) return undefined;
    const cells: Record<string, Cell> = {};
    header.titles.forEach((title, i) => {
      if (title) cells[title] = values[i] as Cell;
    });
    return { row, cells };
  };
  for (const raw of head) {
    const row = toRow(raw);
    if (row) yield row;
  }
  for (; !next.done; next = await rows.next()) {
    const row = toRow(next.value);
    if (row) yield row;
  }
}

/** csv-parse's options for an export, and the row number a spreadsheet shows for a record. */
const CSV_OPTIONS = { skip_empty_lines: true, relax_column_count: true, relax_quotes: true, trim: true, info: true };
const spreadsheetRow = (info: { records: number; empty_lines: number }) => info.records + info.empty_lines;

function readCsvRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  async function* raw(): AsyncIterable<RawRow> {
    const { encoding, delimiter } = await csvLayout(file, mapping);
    const source = createReadStream(file);
    const parser = (encoding === 'utf-8' ? source : source.pipe(toUtf8(encoding))).pipe(
      parse({ ...CSV_OPTIONS, bom: true, delimiter }),
    );
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { records: number; empty_lines: number };
    }>)
      yield { row: spreadsheetRow(info), values: record };
  }
  return byTitle(file, raw(), mapping);
}

/**
 * The encoding Excel writes a "CSV (Comma delimited)" file in on a Vietnamese Windows (the ANSI code
 * page): a csv that is not UTF-8 is read as it. Vietnamese in it is decomposed (a base letter and a
 * combining tone mark); the titles and cells are compared in NFC.
 */
const LEGACY_ENCODING = 'windows-1258';

/** A stream of bytes in a legacy single-byte encoding, re-encoded as UTF-8. */
function toUtf8(encoding: string): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
}

/**
 * The encoding and separator of a csv export: UTF-8 unless the file is not (then the Vietnamese ANSI code
 * page); the mapping's separator, unless the header is found only with another (a file saved by Excel in
 * another locale). Reads the head of the file, never all of it.
 */
async function csvLayout(file: string, mapping: ExportMapping): Promise<{ encoding: string; delimiter: string }> {
  const handle = await open(file, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  let encoding = 'utf-8';
  let head: string;
  try {
    // stream: a character cut at the end of the head is not an error.
    head = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    encoding = LEGACY_ENCODING;
    head = new TextDecoder(encoding).decode(bytes);
  }
  head = withoutByteOrderMark(head);
  const lastHeadRow = Math.max(mapping.headerRow, HEADER_SEARCH_ROWS) + 1;
  for (const delimiter of delimiterCandidates(mapping)) {
    const grid: unknown[][] = [];
    try {
      const records = parseSync(head, {
        ...CSV_OPTIONS,
        delimiter,
        skip_records_with_error: true,
        to: lastHeadRow,
      }) as unknown as { record: string[]; info: { records: number; empty_lines: number } }[];
      for (const { record, info } of records) grid[spreadsheetRow(info) - 1] = record;
    } catch {
      continue;
    }
    if (!('problem' in locateHeader(grid, mapping))) return { encoding, delimiter };
  }
  return { encoding, delimiter: mapping.delimiter };
}

function readXlsxRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  async function* raw(): AsyncIterable<RawRow> {
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
      for await (const row of sheet) yield { row: row.number, values: (row.values as unknown[]).map(cellValue) };
      return;
    }
    throw new Error(`${file}: no worksheet ${JSON.stringify(mapping.sheet ?? 1)}`);
  }
  return byTitle(file, raw(), mapping);
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

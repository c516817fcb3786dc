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
  headerProblem,
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

async function* readCsvRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const { encoding, delimiter, headerRow } = await csvLayout(file, mapping);
  const source = createReadStream(file);
  const parser = (encoding === 'utf-8' ? source : source.pipe(toUtf8(encoding))).pipe(
    parse({
      bom: true,
      delimiter,
      from_line: headerRow,
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
    yield { row: info.lines, cells: record }; // csv-parse counts the lines of the whole file
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
 * The encoding, separator and header row of a csv export: UTF-8 unless the file is not (then the
 * Vietnamese ANSI code page); the mapping's separator and header row, unless the titles are found only
 * with another separator (a file saved by Excel in another locale) or on another of the first rows.
 * Reads the head of the file, never all of it.
 */
async function csvLayout(
  file: string,
  mapping: ExportMapping,
): Promise<{ encoding: string; delimiter: string; headerRow: number }> {
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
  const lines = head.split('\n').slice(0, Math.max(mapping.headerRow, HEADER_SEARCH_ROWS));
  const rows = [mapping.headerRow, ...lines.map((_, i) => i + 1).filter((row) => row !== mapping.headerRow)];
  for (const delimiter of delimiterCandidates(mapping)) {
    for (const headerRow of rows) {
      const line = lines[headerRow - 1]?.replace(/\r$/, '');
      if (!line) continue;
      let titles: string[];
      try {
        titles = (parseSync(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
      } catch {
        continue;
      }
      if (!headerProblem(titles, mapping)) return { encoding, delimiter, headerRow };
    }
  }
  return { encoding, delimiter: mapping.delimiter, headerRow: mapping.headerRow };
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
    // The header is the mapping's row, or the first of the rows above HEADER_SEARCH_ROWS with the titles.
    const lastHeaderRow = Math.max(mapping.headerRow, HEADER_SEARCH_ROWS);
    let titles: string[] | undefined;
    let problem: string | undefined;
    for await (const row of sheet) {
      const values = (row.values as unknown[]).map(cellValue);
      if (!titles) {
        if (row.number > lastHeaderRow) break;
        const candidate = values.map((v) => (v === undefined || v === null ? '' : String(v).trim().normalize('NFC')));
        const wrong = headerProblem(candidate, mapping, row.number);
        if (!wrong) titles = candidate;
        else if (row.number === mapping.headerRow || !problem) problem = wrong;
        continue;
      }
      if (values.every((v) => v === undefined || v === null || v === '')) continue;
      const cells: Record<string, Cell> = {};
      titles.forEach((title, i) => {
        if (title) cells[title] = values[i] as Cell;
      });
      yield { row: row.number, cells };
    }
    if (!titles)
      throw new InvalidInputError(`${file}: ${problem ?? `no header row (row ${mapping.headerRow})`}`, '<file>');
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

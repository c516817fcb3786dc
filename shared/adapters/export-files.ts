import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Cell, ExportMapping, ExportRow } from '../domain/sync/export-mapping.ts';
import {
  delimiterCandidates,
  type HeaderLocation,
  isCodeless,
  isTableFurniture,
  isTotalRow,
  locateHeader,
} from '../domain/sync/export-table.ts';
import { withoutByteOrderMark } from '../support/byte-order-mark.ts';
import { describeError } from '../support/describe-error.ts';
import { InvalidInputError } from '../support/errors.ts';
import { declaredEncoding, markupSheets, type RawRow, type SheetRows } from './markup-tables.ts';
import { zipOutOfBounds } from './zip-bounds.ts';

const execFileAsync = promisify(execFile);

/*
 * The rows of an exported dossier list, streamed (a province's year is a million rows): csv through
 * csv-parse, xlsx through exceljs's streaming reader. Each row comes with its number in the file, as a
 * spreadsheet shows it, and its cells by column title.
 */

/**
 * Why a file cannot be read as an export, by its name: a spreadsheet (.xlsx, or .xls — an Excel 97–2003
 * workbook, or what web one-stop systems' "Xuất Excel" saves under that name: an HTML table or an Excel
 * 2003 XML workbook), an HTML page with the table, or a .csv.
 */
export function exportFileProblem(file: string): string | undefined {
  if (/\.(xlsx|xls|csv|txt|htm|html|xml)$/i.test(file)) return undefined;
  return `${file}: an export must be a spreadsheet (.xlsx, .xls), an HTML table (.htm, .html) or a .csv`;
}

/** The rows of an export: a csv by its name, any other by what its bytes are. */
export function readExportRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const problem = exportFileProblem(file);
  if (problem) throw new InvalidInputError(problem, '<file>');
  return /\.(csv|txt)$/i.test(file) ? readCsvRows(file, mapping) : readSpreadsheetRows(file, mapping);
}

/**
 * What a spreadsheet file really is, by its first bytes (a name says little: web systems name HTML .xls),
 * and for markup the encoding its text is in: a UTF-16 byte order mark's (.NET systems write their HTML
 * so), else the one it declares, else UTF-8 unless the bytes are not.
 */
async function sniff(
  file: string,
): Promise<{ kind: 'xlsx' | 'biff' | 'html' | 'spreadsheetml' | 'other'; encoding: string }> {
  const { bytes, encoding, head } = await readHead(file);
  const magic = (...b: number[]) => bytes.subarray(0, b.length).equals(Buffer.from(b));
  if (magic(0x50, 0x4b, 0x03, 0x04)) return { kind: 'xlsx', encoding };
  if (magic(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return { kind: 'biff', encoding };
  const bom = magic(0xff, 0xfe) ? 'utf-16le' : magic(0xfe, 0xff) ? 'utf-16be' : undefined;
  const text = bom ? new TextDecoder(bom).decode(bytes) : head;
  const declared = bom ?? declaredEncoding(text) ?? encoding;
  if (/urn:schemas-microsoft-com:office:spreadsheet/i.test(text) && /<(ss:)?Workbook/i.test(text))
    return { kind: 'spreadsheetml', encoding: declared };
  if (/<(html|table|tr)[\s>]/i.test(text)) return { kind: 'html', encoding: declared };
  return { kind: 'other', encoding };
}

async function* readSpreadsheetRows(file: string, mapping: ExportMapping): AsyncIterable<ExportRow> {
  const { kind, encoding } = await sniff(file);
  if (kind === 'xlsx') {
    // Bounded before any reader inflates it (issue #32: a 4.6 MB workbook took 4.3 GB).
    const bomb = await zipOutOfBounds(file);
    if (bomb) throw new InvalidInputError(`${file}: ${bomb}`, '<file>');
    yield* rowsOfSheets(file, mapping, () => xlsxSheets(file));
  } else if (kind === 'html' || kind === 'spreadsheetml') {
    yield* rowsOfSheets(file, mapping, () => markupSheets(file, kind, encoding));
  } else if (kind === 'biff') {
    const converted = await convertToXlsx(file);
    try {
      yield* rowsOfSheets(file, mapping, () => xlsxSheets(converted.file));
    } finally {
      await converted.remove();
    }
  } else {
    throw new InvalidInputError(
      `${file}: not a spreadsheet (xlsx, Excel 97–2003 xls, an HTML table or an Excel 2003 XML workbook)`,
      '<file>',
    );
  }
}

/**
 * An Excel 97–2003 workbook (BIFF) converted to .xlsx by LibreOffice (headless, its own profile in a
 * temporary directory): no npm reader of the format is free of known vulnerabilities. Without LibreOffice
 * the file is refused saying how to make it readable.
 */
async function convertToXlsx(file: string): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dunghan-xls-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const args = [
    '--headless',
    '--norestore',
    `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
    '--convert-to',
    'xlsx',
    '--outdir',
    join(dir, 'out'),
    resolve(file),
  ];
  for (const command of ['soffice', 'libreoffice']) {
    try {
      await execFileAsync(command, args, { timeout: 10 * 60_000, maxBuffer: 1024 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      await remove();
      throw new InvalidInputError(`${file}: LibreOffice could not convert it (${describeError(error)})`, '<file>');
    }
    const converted = join(dir, 'out', `${basename(file).replace(/\.[^.]*$/, '')}.xlsx`);
    if (existsSync(converted)) return { file: converted, remove };
    await remove();
    throw new InvalidInputError(
      `${file}: LibreOffice could not convert it to .xlsx (its Calc must be installed: libreoffice-calc); or open it in Excel and save it as .xlsx`,
      '<file>',
    );
  }
  await remove();
  throw new InvalidInputError(
    `${file}: an Excel 97–2003 workbook: open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), or install LibreOffice (Calc) for dunghan to convert it`,
    '<file>',
  );
}

/**
 * A text file's first 64 KB, decoded, and its encoding: UTF-8 unless the bytes are not (then the
 * Vietnamese ANSI code page), a byte order mark left out.
 */
async function readHead(file: string): Promise<{ bytes: Buffer; encoding: string; head: string }> {
  const handle = await open(file, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  try {
    // stream: a character cut at the end of the head is not an error.
    const head = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return { bytes, encoding: 'utf-8', head: withoutByteOrderMark(head) };
  } catch {
    const head = new TextDecoder(LEGACY_ENCODING).decode(bytes);
    return { bytes, encoding: LEGACY_ENCODING, head: withoutByteOrderMark(head) };
  }
}

/**
 * How far down the header row is looked for when it is not on the mapping's row: exports open with banner
 * rows (the agency, the title, the period) whose number varies with the system and the period.
 */
const HEADER_SEARCH_ROWS = 30;

/** A table opened: its head read and its header located (or why not), the rest still to stream. */
interface OpenedTable {
  header: HeaderLocation | { problem: string };
  head: RawRow[];
  rows: AsyncIterator<RawRow>;
  next: IteratorResult<RawRow>;
}

/** Reads a table's head (the first rows, where its header is looked for) and locates the header. */
async function openTable(source: AsyncIterable<RawRow>, mapping: ExportMapping): Promise<OpenedTable> {
  const lastHeadRow = Math.max(mapping.headerRow, HEADER_SEARCH_ROWS) + 1;
  const rows = source[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  let next = await rows.next();
  for (; !next.done && next.value.row <= lastHeadRow; next = await rows.next()) head.push(next.value);
  const grid: unknown[][] = [];
  for (const { row, values } of head) grid[row - 1] = values;
  return { header: locateHeader(grid, mapping), head, rows, next };
}

/** Reads the rest of a table without keeping it (a sheet that is not the export's). */
async function skipTable(table: OpenedTable): Promise<void> {
  for (let next = table.next; !next.done; next = await table.rows.next());
}

/**
 * A table's data rows, by title: below its header, empty rows and the table's furniture (the header
 * repeated, rows numbering the columns) skipped; the head as read, then the rest streamed.
 */
async function* tableRows(file: string, table: OpenedTable): AsyncIterable<ExportRow> {
  if ('problem' in table.header) throw new InvalidInputError(`${file}: ${table.header.problem}`, '<file>');
  const header: HeaderLocation = table.header;
  const firstDataRow = header.row + header.span;
  const toRow = ({ row, values }: RawRow): ExportRow | undefined => {
    if (row < firstDataRow || values.every((v) => v === undefined || v === null || v === '')) return undefined;
    if (isTableFurniture(values, header) || isTotalRow(values, header)) return undefined;
    const cells: Record<string, Cell> = {};
    header.titles.forEach((title, i) => {
      if (title) cells[title] = values[i] as Cell;
    });
    return { row, cells };
  };
  // Rows that can be no dossier wait: before another dossier they are read (and refused), after the last
  // one they are the table's foot (totals, "Người lập biểu", signatures) and are left out.
  let foot: ExportRow[] = [];
  function* take(raw: RawRow): Iterable<ExportRow> {
    const row = toRow(raw);
    if (!row) return;
    if (isCodeless(raw.values, header) && foot.length < MAX_FOOT_ROWS) {
      foot.push(row);
      return;
    }
    yield* foot;
    foot = [];
    yield row;
  }
  for (const raw of table.head) yield* take(raw);
  for (let next = table.next; !next.done; next = await table.rows.next()) yield* take(next.value);
}

/** The most rows a table's foot may have: more such rows are no foot, and are read. */
const MAX_FOOT_ROWS = 200;

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
  async function* rows(): AsyncIterable<ExportRow> {
    yield* tableRows(file, await openTable(raw(), mapping));
  }
  return rows();
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
  const { encoding, head } = await readHead(file);
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

/**
 * The rows of a workbook's export: the mapping's sheet (the first by default) when its head has the
 * header, else the first other sheet whose head has it (a workbook may open with a summary or a cover
 * sheet); refused naming the sheets when none has. Streamed: a second pass opens the file again only
 * when the export is not on the mapping's sheet.
 */
async function* rowsOfSheets(
  file: string,
  mapping: ExportMapping,
  openSheets: () => AsyncIterable<SheetRows>,
): AsyncIterable<ExportRow> {
  const wanted = mapping.sheet ?? 1;
  const sheets: { index: number; name: string; found: boolean }[] = [];
  let problem: string | undefined;
  for await (const sheet of openSheets()) {
    const table = await openTable(sheet.rows, mapping);
    const isWanted = typeof wanted === 'number' ? wanted === sheet.index : wanted === sheet.name;
    if (isWanted && !('problem' in table.header)) {
      yield* tableRows(file, table);
      return;
    }
    if (isWanted && 'problem' in table.header) problem = table.header.problem;
    sheets.push({ index: sheet.index, name: sheet.name, found: !('problem' in table.header) });
    await skipTable(table);
  }
  const other = sheets.find((s) => s.found);
  if (other) {
    for await (const sheet of openSheets()) {
      const table = await openTable(sheet.rows, mapping);
      if (sheet.index !== other.index) {
        await skipTable(table);
        continue;
      }
      yield* tableRows(file, table);
      return;
    }
  }
  const names = sheets.map((s) => JSON.stringify(s.name)).join(', ');
  throw new InvalidInputError(
    problem
      ? `${file}: sheet ${JSON.stringify(wanted)}: ${problem}; no other sheet has these titles (sheets: ${names})`
      : `${file}: no sheet ${JSON.stringify(wanted)} and no sheet with the titles (sheets: ${names})`,
    '<file>',
  );
}

/** An xlsx file's sheets in order, each with its rows, streamed. */
async function* xlsxSheets(file: string): AsyncIterable<SheetRows> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  deferSheetsUntilWorkbook(reader);
  let index = 0;
  for await (const sheet of reader) {
    // A sheet read without the workbook part: the stream lost the zip's tail (seen once in CI — the sheet
    // named "Sheet1", its shared strings unresolved). The file is read again whole, by its central
    // directory, rather than its rows taken wrong.
    if ((reader as { model?: unknown }).model === undefined) {
      yield* xlsxSheetsWhole(file);
      return;
    }
    index += 1;
    const name = String((sheet as unknown as { name?: string }).name ?? index);
    const tab = tabPosition(reader, name);
    async function* rows(): AsyncIterable<RawRow> {
      for await (const row of sheet) yield { row: row.number, values: (row.values as unknown[]).map(cellValue) };
    }
    yield { index: tab ?? index, name, rows: rows() };
  }
}

/** An xlsx file's sheets read whole (exceljs's reader by the zip's central directory): the fallback above. */
async function* xlsxSheetsWhole(file: string): AsyncIterable<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new InvalidInputError(`${file}: not a complete xlsx workbook (${(error as Error).message})`, '<file>');
  }
  let index = 0;
  for (const sheet of workbook.worksheets) {
    index += 1;
    const read: RawRow[] = [];
    sheet.eachRow((row, number) => {
      read.push({ row: number, values: (row.values as unknown[]).map(cellValue) });
    });
    async function* rows(): AsyncIterable<RawRow> {
      yield* read;
    }
    yield { index, name: sheet.name, rows: rows() };
  }
}

/*
 * The streaming reader names a sheet from `xl/workbook.xml`, and reads a sheet as soon as it has the
 * shared strings and the relationships — it fails ("reading 'sheets'", exceljs#962, open upstream) when a
 * sheet comes in the zip before `xl/workbook.xml`, as the order of a zip's entries is the writer's choice
 * (exceljs's own writer varies it from run to run). Until the workbook is read, the reader is told it has
 * no relationships yet, so that it keeps such a sheet aside (its own temporary file) and reads it after.
 */
function deferSheetsUntilWorkbook(reader: object): void {
  let rels: unknown;
  Object.defineProperty(reader, 'workbookRels', {
    configurable: true,
    get(this: { model?: unknown }) {
      return this.model ? rels : undefined;
    },
    set(value: unknown) {
      rels = value;
    },
  });
}

/** A sheet's place among the workbook's tabs (1-based), by its name, once the workbook is read. */
function tabPosition(reader: object, name: string): number | undefined {
  const sheets = (reader as { model?: { sheets?: { name?: string }[] } }).model?.sheets;
  const at = sheets?.findIndex((s) => s.name === name) ?? -1;
  return at >= 0 ? at + 1 : undefined;
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

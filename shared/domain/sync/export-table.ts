import { COLUMNS, type ExportColumn, type ExportMapping, titleKey } from './export-mapping.ts';

/*
 * Where an export's table is (issue #17, #32): the separator of a csv, the header row by its titles, and
 * the rows that are the table's furniture rather than dossiers (a repeated header, a numbering of the
 * columns, a total). Apart from the mapping itself (export-mapping.ts), which says what a column means.
 */

/** The separators a csv export may use, the mapping's own first. */
export function delimiterCandidates(mapping: ExportMapping): string[] {
  return [mapping.delimiter, ...[',', ';', '\t'].filter((d) => d !== mapping.delimiter)];
}

/**
 * What is wrong with an export's header row, if anything: the titles every reader needs (the dossier's
 * code and its receipt) must be there, or the file, the header row or the separator is not the one the
 * mapping describes — said once, instead of "required" on every row.
 */
export function headerProblem(
  titles: readonly string[],
  mapping: ExportMapping,
  row = mapping.headerRow,
): string | undefined {
  const have = new Set(titles.map(titleKey));
  const needed = (['dossierId', 'receivedAt'] as const).filter((c) => mapping.columns[c]);
  const missing = needed
    .filter((c) => !titlesOfColumn(mapping, c).some((t) => have.has(t)))
    .map((c) => mapping.columns[c] as string);
  if (missing.length === 0) return undefined;
  const quote = (t: string) => JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t);
  const shown = titles.filter(Boolean).slice(0, 6);
  return (
    `row ${row} has no column ${missing.map(quote).join(' or ')} ` +
    `(its titles: ${shown.length ? shown.map(quote).join(', ') : 'none'}${titles.length > 6 ? ', …' : ''}); ` +
    'check the file, the mapping’s headerRow and its column titles'
  );
}

/** A column's titles: the mapping's, then the others it may have in a file. */
function titlesOfColumn(mapping: ExportMapping, column: ExportColumn): string[] {
  const primary = mapping.columns[column];
  return primary ? [titleKey(primary), ...(mapping.aliases?.[column] ?? [])] : [];
}

/**
 * The file's titles as the rows' cells are keyed: a column found under another of its titles renamed to
 * the mapping's (unless the file has that one too).
 */
function canonicalTitles(titles: readonly string[], mapping: ExportMapping): string[] {
  const renamed = [...titles];
  for (const column of COLUMNS) {
    const [primary, ...others] = titlesOfColumn(mapping, column);
    if (!primary || others.length === 0 || renamed.includes(primary)) continue;
    const at = others.map((t) => renamed.indexOf(t)).find((i) => i >= 0);
    if (at !== undefined) renamed[at] = primary;
  }
  return renamed;
}

/** Where an export's header is: its first row, how many rows it takes, and each column's title. */
export interface HeaderLocation {
  row: number;
  span: 1 | 2;
  titles: string[];
  /** The header's rows as written (one, or the group titles and the columns' own). */
  written: string[][];
  /** The columns every dossier fills: its code's and its receipt's (-1 when absent). */
  keys: number[];
}

/**
 * Finds the header among an export's first rows (`head[i]` is row i + 1, its cells in column order): the
 * mapping's row, else the first row with the titles (banner rows above the table vary), else two rows
 * read as one — a title over a group of columns above the columns' own ("Thời gian" over "Ngày tiếp
 * nhận" and "Ngày hẹn trả"), as Vietnamese tables are laid out: each column's title is its lower cell's,
 * else its upper one's (a merged cell keeps its value in its first cell only). Otherwise the problem of
 * the mapping's row, for the reader to refuse the file with.
 */
export function locateHeader(
  head: readonly (readonly unknown[] | undefined)[],
  mapping: ExportMapping,
): HeaderLocation | { problem: string } {
  const titlesOf = (row: number) => (head[row - 1] ?? []).map(titleKey);
  const found = (row: number, written: string[][], merged: string[]): HeaderLocation => {
    const titles = canonicalTitles(merged, mapping);
    const keys = [mapping.columns.dossierId, mapping.columns.receivedAt].map((t) => titles.indexOf(titleKey(t)));
    return { row, span: written.length as 1 | 2, titles, written, keys };
  };
  const rows = [mapping.headerRow, ...head.map((_, i) => i + 1).filter((row) => row !== mapping.headerRow)];
  for (const row of rows) {
    const titles = titlesOf(row);
    if (!headerProblem(titles, mapping, row)) return found(row, [titles], titles);
  }
  for (const row of rows) {
    const upper = titlesOf(row);
    const lower = titlesOf(row + 1);
    const titles = Array.from({ length: Math.max(upper.length, lower.length) }, (_, i) => lower[i] || upper[i] || '');
    if (lower.some(Boolean) && !headerProblem(titles, mapping, row)) return found(row, [upper, lower], titles);
  }
  return {
    problem: headerProblem(titlesOf(mapping.headerRow), mapping) ?? `no header row (row ${mapping.headerRow})`,
  };
}

/** A cell as plain text, trimmed: the quick checks every row goes through need no Unicode normalisation. */
const plain = (value: unknown): string => (value === undefined || value === null ? '' : String(value).trim());

/**
 * Whether a row is no dossier but the table's furniture: the header written again (exports made page by
 * page repeat it, as printed tables do) or a row numbering the columns. Every row is asked, so a dossier's
 * row is let through at its first cells: a code with digits is never a title.
 */
export function isTableFurniture(values: readonly unknown[], header: HeaderLocation): boolean {
  if (isColumnNumbering(values)) return true;
  const code = plain(values[header.keys[0] ?? -1]);
  if (/\d/.test(code)) return false;
  const cells = values.map(titleKey);
  const filled = cells.filter(Boolean).length;
  return filled >= 2 && header.written.some((written) => cells.every((cell, i) => !cell || cell === written[i]));
}

/** The words a table's total or subtotal row begins with, where the code goes ("Tổng cộng: 60 hồ sơ"). */
const TOTAL_WORDS = /^(?:tổng\s*cộng|tổng\s*số|tổng|cộng|total|sum)(?![\p{L}\p{N}])/iu;

/**
 * Whether a row is a total or subtotal (issue #32): its code's cell begins with "Tổng cộng", "Tổng số",
 * "Cộng" or "Total", and its receipt is empty — every export that counts its rows has one, and no
 * dossier's code begins with a word.
 */
export function isTotalRow(values: readonly unknown[], header: HeaderLocation): boolean {
  const [code = -1, receipt = -1] = header.keys;
  if (code < 0) return false;
  return TOTAL_WORDS.test(plain(values[code]).normalize('NFC')) && (receipt < 0 || !plain(values[receipt]));
}

/**
 * Whether a row can be no dossier: its receipt empty and nothing like a code where the code goes (every
 * dossier code has digits) — a note, a total, a signature ("Người lập biểu" under the code's column).
 */
export function isCodeless(values: readonly unknown[], header: HeaderLocation): boolean {
  const [code = -1, receipt = -1] = header.keys;
  if (code < 0 || receipt < 0) return false;
  return !plain(values[receipt]) && !/\d/.test(plain(values[code]));
}

/**
 * Whether a row only numbers the columns — "(1) (2) (3) …" or "A B 1 2 3", as Vietnamese tables often
 * have under their header — rather than being a dossier: three cells or more, each a number in brackets
 * or not (counting up by one) or a capital letter. Stops at the first cell that is not.
 */
export function isColumnNumbering(values: readonly unknown[]): boolean {
  let cells = 0;
  let last: number | undefined;
  for (const value of values) {
    const cell = plain(value);
    if (!cell) continue;
    const m = /^\(?(?:(\d{1,3})|([A-Z]))\)?$/.exec(cell);
    if (!m) return false;
    cells += 1;
    if (m[1] === undefined) continue;
    const n = Number(m[1]);
    if (last !== undefined && n !== last + 1) return false;
    last = n;
  }
  return cells >= 3 && last !== undefined;
}

import { createReadStream } from 'node:fs';
import { Parser } from 'htmlparser2';

/*
 * The tables of the files web one-stop systems' "Xuất Excel" gives under the name .xls: an HTML page
 * (Excel opens its tables as a sheet) or an Excel 2003 XML workbook (SpreadsheetML). Both are read with
 * htmlparser2, streamed, cell by cell as Excel would lay them out: a merged cell's value in its first
 * cell only, the cells it covers empty.
 */

/** A row as a file gives it: its number as a spreadsheet shows it, its cells in column order. */
export interface RawRow {
  row: number;
  values: unknown[];
}

/** A sheet of a workbook, in order, its rows streamed. */
export interface SheetRows {
  index: number;
  name: string;
  rows: AsyncIterable<RawRow>;
}

type Item = { sheet: { index: number; name: string } } | { row: RawRow };

/**
 * The sheets of an HTML page (one sheet: every table row in the page, in order) or of an Excel 2003 XML
 * workbook (its worksheets), decoded from `encoding`.
 */
export function markupSheets(file: string, kind: 'html' | 'spreadsheetml', encoding: string): AsyncIterable<SheetRows> {
  return nestSheets(kind === 'html' ? htmlItems(file, encoding) : spreadsheetMlItems(file, encoding));
}

/** The text encoding a markup file declares in its first bytes (meta charset, XML declaration), if any. */
export function declaredEncoding(head: string): string | undefined {
  const label =
    /<meta[^>]*charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1];
  if (!label) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** A parser's events, as items, while the file is read chunk by chunk. */
async function* parse(
  file: string,
  encoding: string,
  xmlMode: boolean,
  handlers: (emit: (item: Item) => void) => ConstructorParameters<typeof Parser>[0],
): AsyncIterable<Item> {
  const out: Item[] = [];
  const parser = new Parser(
    handlers((item) => out.push(item)),
    { xmlMode, decodeEntities: true },
  );
  const decoder = new TextDecoder(encoding);
  for await (const chunk of createReadStream(file)) {
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    yield* out.splice(0);
  }
  parser.write(decoder.decode());
  parser.end();
  yield* out.splice(0);
}

/** A cell's text as a browser shows it: runs of white space as one space, a line where <br>, <p>, <div> or <li> begins. */
function cellText(parts: readonly string[]): string {
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n')
    .trim();
}

/** Every <tr> of the page, in order (row 1 is the first), <td> and <th> cells placed past row and column spans. */
function htmlItems(file: string, encoding: string): AsyncIterable<Item> {
  return parse(file, encoding, false, (emit) => {
    let rowNumber = 0;
    let row: unknown[] | undefined;
    let column = 0;
    let cell: { parts: string[]; colspan: number; rowspan: number } | undefined;
    // Per column, how many more rows a cell above spans (their cells stay empty).
    const carry: number[] = [];
    const skipCarried = () => {
      while ((carry[column] ?? 0) > 0) {
        (row as unknown[])[column] = '';
        carry[column] = (carry[column] ?? 1) - 1;
        column += 1;
      }
    };
    const closeCell = () => {
      if (!row || !cell) return;
      skipCarried();
      const text = cellText(cell.parts);
      for (let k = 0; k < cell.colspan; k += 1) {
        row[column + k] = k === 0 ? text : '';
        if (cell.rowspan > 1) carry[column + k] = cell.rowspan - 1;
      }
      column += cell.colspan;
      cell = undefined;
    };
    const closeRow = () => {
      if (!row) return;
      closeCell();
      while (column < carry.length) {
        if ((carry[column] ?? 0) > 0) skipCarried();
        else column += 1;
      }
      emit({ row: { row: rowNumber, values: row } });
      row = undefined;
    };
    const span = (value: string | undefined) => Math.min(Math.max(Number.parseInt(value ?? '1', 10) || 1, 1), 1000);
    emit({ sheet: { index: 1, name: 'HTML' } });
    return {
      onopentag(name, attributes) {
        if (name === 'tr') {
          closeRow();
          rowNumber += 1;
          row = [];
          column = 0;
        } else if ((name === 'td' || name === 'th') && row) {
          closeCell();
          cell = { parts: [], colspan: span(attributes.colspan), rowspan: span(attributes.rowspan) };
        } else if (cell && (name === 'br' || name === 'p' || name === 'div' || name === 'li')) cell.parts.push('\n');
      },
      ontext(text) {
        cell?.parts.push(text.replace(/\n/g, ' '));
      },
      onclosetag(name) {
        if (name === 'td' || name === 'th') closeCell();
        else if (name === 'tr' || name === 'table') closeRow();
      },
    };
  });
}

/** The worksheets of an Excel 2003 XML workbook: each <Row> at its ss:Index, each <Cell> at its own. */
function spreadsheetMlItems(file: string, encoding: string): AsyncIterable<Item> {
  return parse(file, encoding, true, (emit) => {
    let sheets = 0;
    let rowNumber = 0;
    let row: unknown[] | undefined;
    let column = 0;
    let cell: { parts: string[]; type: string; across: number } | undefined;
    let inData = false;
    const local = (name: string) => name.slice(name.indexOf(':') + 1).toLowerCase();
    const attribute = (attributes: Record<string, string>, name: string) => {
      for (const [key, value] of Object.entries(attributes)) if (local(key) === name) return value;
      return undefined;
    };
    return {
      onopentag(name, attributes) {
        const tag = local(name);
        if (tag === 'worksheet') {
          sheets += 1;
          rowNumber = 0;
          emit({ sheet: { index: sheets, name: attribute(attributes, 'name') ?? String(sheets) } });
        } else if (tag === 'row') {
          const index = Number(attribute(attributes, 'index'));
          rowNumber = Number.isInteger(index) && index > rowNumber ? index : rowNumber + 1;
          row = [];
          column = 0;
        } else if (tag === 'cell' && row) {
          const index = Number(attribute(attributes, 'index'));
          if (Number.isInteger(index) && index > column) column = index - 1;
          cell = { parts: [], type: 'String', across: Number(attribute(attributes, 'mergeacross') ?? 0) || 0 };
        } else if (tag === 'data' && cell) {
          inData = true;
          cell.type = attribute(attributes, 'type') ?? 'String';
        }
      },
      ontext(text) {
        if (inData) cell?.parts.push(text);
      },
      onclosetag(name) {
        const tag = local(name);
        if (tag === 'data') inData = false;
        else if (tag === 'cell' && row && cell) {
          const text = cell.parts.join('');
          row[column] = cell.type === 'Number' && text.trim() !== '' ? Number(text) : text;
          for (let k = 1; k <= Math.min(cell.across, 1000); k += 1) row[column + k] = '';
          column += 1 + Math.min(cell.across, 1000);
          cell = undefined;
        } else if (tag === 'row' && row) {
          emit({ row: { row: rowNumber, values: row } });
          row = undefined;
        }
      },
    };
  });
}

/** A flat stream of sheet markers and rows, as sheets each streaming its own rows. */
async function* nestSheets(items: AsyncIterable<Item>): AsyncIterable<SheetRows> {
  const source = items[Symbol.asyncIterator]();
  let pending: IteratorResult<Item> | undefined;
  const pull = async () => {
    const next = pending ?? (await source.next());
    pending = undefined;
    return next;
  };
  for (let next = await pull(); !next.done; next = await pull()) {
    const item = next.value;
    // A row not taken by its sheet's reader is skipped here.
    if (!('sheet' in item)) continue;
    async function* rows(): AsyncIterable<RawRow> {
      for (let n = await pull(); !n.done; n = await pull()) {
        if ('sheet' in n.value) {
          pending = n;
          return;
        }
        yield n.value.row;
      }
    }
    yield { ...item.sheet, rows: rows() };
  }
}

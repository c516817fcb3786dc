import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it, vi } from 'vitest';
import { exportFileProblem, readExportRows } from '../../shared/adapters/export-files.ts';
import { type ExportRow, readExportMapping } from '../../shared/domain/sync/export-mapping.ts';
import { isColumnNumbering } from '../../shared/domain/sync/export-table.ts';
import { InvalidInputError } from '../../shared/support/errors.ts';

/* Reading a one-stop system's export as supervisors hand it over (issue #17): the file, not the mapping, decides the separator. */

const MAPPING_FILE = 'config/import/danh-sach-ho-so.yaml';
const mapping = readExportMapping(readFileSync(MAPPING_FILE, 'utf8'), MAPPING_FILE);
const SAMPLE = 'docs/examples/import/danh-sach-ho-so.csv';
const dir = mkdtempSync(join(tmpdir(), 'dunghan-export-'));

async function rows(file: string, m = mapping): Promise<ExportRow[]> {
  const out: ExportRow[] = [];
  for await (const row of readExportRows(file, m)) out.push(row);
  return out;
}

/**
 * A workbook written to a file whole: exceljs's own `writeFile` can resolve before the zip has reached
 * the file (its stream is ended when the writer resolves), and a read right after then sees part of it.
 */
async function saveWorkbook(workbook: ExcelJS.Workbook, file: string): Promise<void> {
  writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()));
}

/** What the list sheet of the two-sheet workbooks below reads as. */
const LIST_ROWS = [
  {
    row: 2,
    cells: {
      STT: 1,
      'Mã hồ sơ': 'H21.65-220330-0001',
      'Ngày tiếp nhận': '30/03/2022 15:43',
      'Trạng thái': 'Đang xử lý',
    },
  },
];

/** A csv of these lines (CRLF, as Excel writes), in the test's directory. */
function csvFile(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\r\n'));
  return file;
}

/** The sample rewritten with another separator, quoting only what the separator needs (as Excel does). */
function resaved(name: string, separator: string): string {
  const lines = readFileSync(SAMPLE, 'utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const cells = (line: string) =>
    (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
      .map((c) => c.replace(/,$/, ''))
      .filter((_, i, all) => i < all.length - 1 || all.length === 1)
      .map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c));
  const quote = (c: string) => (c.includes(separator) || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c);
  const file = join(dir, name);
  writeFileSync(file, `\uFEFF${lines.map((l) => cells(l).map(quote).join(separator)).join('\r\n')}\r\n`);
  return file;
}

/**
 * Text encoded as Windows writes it in the Vietnamese ANSI code page (windows-1258): decomposed, with a
 * precomposed letter where the code page has one (ô, ơ, ư, đ…) and the tone mark as a combining byte.
 */
function windows1258(text: string): Buffer {
  const decoder = new TextDecoder('windows-1258');
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b += 1) byteOf.set(decoder.decode(Uint8Array.of(b)), b);
  const byte = (ch: string) => {
    const b = byteOf.get(ch);
    if (b === undefined) throw new Error(`not in windows-1258: U+${ch.codePointAt(0)?.toString(16)}`);
    return b;
  };
  const out: number[] = [];
  // Each base letter with its marks: one mark folded into the letter where the code page has the pair.
  for (const [, base, marks] of text.normalize('NFD').matchAll(/(\P{M})(\p{M}*)/gsu)) {
    const list = [...(marks as string)];
    const folded = list.findIndex((m) => byteOf.has(`${base}${m}`.normalize('NFC')));
    if (folded === -1) out.push(byte(base as string), ...list.map(byte));
    else {
      out.push(byte(`${base}${list[folded]}`.normalize('NFC')));
      out.push(...list.filter((_, i) => i !== folded).map(byte));
    }
  }
  return Buffer.from(out);
}

describe('readExportRows', () => {
  it('reads what web systems’ “Xuất Excel” saves as .xls: an HTML table, spans and line breaks as Excel lays them out', async () => {
    const file = join(dir, 'xuat-excel.xls');
    writeFileSync(
      file,
      `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<table border="1">
<tr><td colspan="5"><b>DANH SÁCH HỒ SƠ TIẾP NHẬN</b></td></tr>
<tr><th rowspan="2">STT</th><th rowspan="2">Mã hồ sơ</th><th colspan="2">Thời gian</th><th rowspan="2">Trạng thái</th></tr>
<tr><th>Ngày tiếp<br>nhận</th><th>Ngày hẹn trả</th></tr>
<tr><td>1</td><td>H21.65-220330-0001</td><td>30/03/2022 15:43</td><td>31/03/2022 17:00</td><td>Đang xử lý</td></tr>
<tr><td>2</td><td>0012345</td><td>30/03/2022&nbsp;16:00</td><td></td><td><p>Đã trả
   kết quả &amp; lưu</p><p><i>(bản chính)</i></p></td></tr>
</table></body></html>`,
    );
    const expected = [
      {
        row: 4,
        cells: {
          STT: '1',
          'Mã hồ sơ': 'H21.65-220330-0001',
          'Ngày tiếp nhận': '30/03/2022 15:43',
          'Ngày hẹn trả': '31/03/2022 17:00',
          'Trạng thái': 'Đang xử lý',
        },
      },
      {
        row: 5,
        // Text as shown, never a number: a code's leading zeros stay.
        cells: {
          STT: '2',
          'Mã hồ sơ': '0012345',
          'Ngày tiếp nhận': '30/03/2022 16:00',
          'Ngày hẹn trả': '',
          'Trạng thái': 'Đã trả kết quả & lưu\n(bản chính)',
        },
      },
    ];
    expect(await rows(file)).toEqual(expected);
    // The same page as .NET systems write it: UTF-16 with a byte order mark (which wins over the meta tag).
    const utf16 = join(dir, 'xuat-excel-utf16.xls');
    writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(file, 'utf8'), 'utf16le')]),
    );
    expect(await rows(utf16)).toEqual(expected);
  });

  it('reads an Excel 2003 XML workbook (.xls from .NET systems), its list on whichever sheet has it', async () => {
    const file = join(dir, 'spreadsheet-2003.xls');
    const text = (v: string) => `<Cell><Data ss:Type="String">${v}</Data></Cell>`;
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="Tổng hợp"><Table><Row>${text('Lĩnh vực')}${text('Tiếp nhận')}</Row></Table></Worksheet>
<Worksheet ss:Name="Danh sách"><Table>
<Row><Cell ss:MergeAcross="3"><Data ss:Type="String">DANH SÁCH HỒ SƠ</Data></Cell></Row>
<Row ss:Index="3">${text('STT')}${text('Mã hồ sơ')}${text('Ngày tiếp nhận')}${text('Trạng thái')}</Row>
<Row><Cell><Data ss:Type="Number">1</Data></Cell>${text('H21.65-220330-0001')}<Cell ss:Index="4"><Data ss:Type="String">Đang xử lý</Data></Cell></Row>
<Row><Cell><Data ss:Type="Number">2</Data></Cell>${text('H21.65-220330-0002')}<Cell><Data ss:Type="DateTime">2022-03-30T16:00:00.000</Data></Cell>${text('Đã trả kết quả')}</Row>
</Table></Worksheet></Workbook>`,
    );
    expect(await rows(file)).toEqual([
      { row: 4, cells: { STT: 1, 'Mã hồ sơ': 'H21.65-220330-0001', 'Trạng thái': 'Đang xử lý' } },
      {
        row: 5,
        cells: {
          STT: 2,
          'Mã hồ sơ': 'H21.65-220330-0002',
          'Ngày tiếp nhận': '2022-03-30T16:00:00.000',
          'Trạng thái': 'Đã trả kết quả',
        },
      },
    ]);
  });

  it('reads an Excel 97–2003 workbook through LibreOffice like the .xlsx it was saved from', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['DANH SÁCH HỒ SƠ']);
    sheet.addRow(['STT', 'Mã hồ sơ', 'Ngày tiếp nhận', 'Trạng thái']);
    sheet.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    sheet.addRow([2, 'H21.65-220330-0002', new Date(Date.UTC(2022, 2, 30, 16, 0)), 'Đã trả kết quả']);
    const xlsx = join(dir, 'biff-source.xlsx');
    await saveWorkbook(workbook, xlsx);
    const biffDir = mkdtempSync(join(tmpdir(), 'dunghan-biff-'));
    await promisify(execFile)(
      'soffice',
      [
        `-env:UserInstallation=file://${join(biffDir, 'profile')}`,
        '--headless',
        '--convert-to',
        'xls',
        '--outdir',
        biffDir,
        xlsx,
      ],
      { timeout: 120_000 },
    );
    const biff = join(biffDir, 'biff-source.xls');
    expect(readFileSync(biff).subarray(0, 4)).toEqual(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    expect(await rows(biff)).toEqual(await rows(xlsx));
  });

  it('refuses what is no export, by its name or by its bytes', async () => {
    expect(exportFileProblem('list.pdf')).toBe(
      'list.pdf: an export must be a spreadsheet (.xlsx, .xls), an HTML table (.htm, .html) or a .csv',
    );
    expect(() => readExportRows('list.pdf', mapping)).toThrow(InvalidInputError);
    for (const file of ['a.xlsx', 'b.CSV', 'c.txt', 'd.XLS', 'e.html']) expect(exportFileProblem(file)).toBeUndefined();
    const notes = join(dir, 'ghi-chu.xls');
    writeFileSync(notes, 'Mã hồ sơ: H21.65-220330-0001\n');
    await expect(rows(notes)).rejects.toThrow(`${notes}: not a spreadsheet`);
  });

  it('reads a csv Excel saved in the Vietnamese ANSI code page (windows-1258) like the UTF-8 one', async () => {
    const text = readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '');
    const encoded = windows1258(text);
    expect(encoded.includes(0xde)).toBe(true); // a combining tilde: really decomposed
    const file = join(dir, 'ansi.csv');
    writeFileSync(file, encoded);
    const read = await rows(file);
    const reference = await rows(SAMPLE);
    expect(read).toHaveLength(reference.length);
    expect(read.map((r) => Object.values(r.cells).map((c) => String(c).normalize('NFC')))).toEqual(
      reference.map((r) => Object.values(r.cells).map(String)),
    );
    expect(read.map((r) => Object.keys(r.cells))).toEqual(reference.map((r) => Object.keys(r.cells)));
  });

  it('reads a csv saved with semicolons (Excel in a Vietnamese locale) like the comma one', async () => {
    const reference = await rows(SAMPLE);
    expect(reference.length).toBeGreaterThan(10);
    expect(await rows(resaved('semicolons.csv', ';'))).toEqual(reference);
    expect(await rows(resaved('tabs.csv', '\t'))).toEqual(reference);
  });

  it('refuses a header without the dossier code or the receipt once, naming what it found, before any row', async () => {
    const file = join(dir, 'other-export.csv');
    writeFileSync(file, 'STT|Mã hồ sơ|Ngày tiếp nhận\r\n1|H21.65-220330-0001|30/03/2022 15:43\r\n');
    const error = await rows(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('<file>');
    expect((error as Error).message).toBe(
      `${file}: row 1 has no column "Mã hồ sơ" or "Ngày tiếp nhận" (its titles: "STT|Mã hồ sơ|Ngày tiếp nhận"); ` +
        'check the file, the mapping’s headerRow and its column titles',
    );
  });

  it('finds the header below the banner rows an export opens with, xlsx and csv alike', async () => {
    const banner = [
      'ỦY BAN NHÂN DÂN HUYỆN KRÔNG PA',
      '',
      'DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ I/2022',
      'Từ ngày 01/01/2022 đến ngày 31/03/2022',
    ];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    for (const line of banner) sheet.addRow([line]);
    sheet.addRow(['STT', 'Mã hồ sơ', 'Ngày tiếp nhận', 'Trạng thái']);
    sheet.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    const file = join(dir, 'titled.xlsx');
    await saveWorkbook(workbook, file);
    const cells = {
      'Mã hồ sơ': 'H21.65-220330-0001',
      'Ngày tiếp nhận': '30/03/2022 15:43',
      'Trạng thái': 'Đang xử lý',
    };
    expect(await rows(file)).toEqual([{ row: 6, cells: { STT: 1, ...cells } }]);
    expect(await rows(file, { ...mapping, headerRow: 9 })).toEqual([{ row: 6, cells: { STT: 1, ...cells } }]);
    const csv = join(dir, 'titled.csv');
    const table = ['STT;Mã hồ sơ;Ngày tiếp nhận;Trạng thái', '1;H21.65-220330-0001;30/03/2022 15:43;Đang xử lý'];
    writeFileSync(csv, `\uFEFF${[...banner, ...table].join('\r\n')}\r\n`);
    expect(await rows(csv)).toEqual([{ row: 6, cells: { STT: '1', ...cells } }]);
  });

  it('reads a two-row header with merged cells, titles broken over lines and a row numbering the columns, as Vietnamese tables are laid out', async () => {
    // Row 3 groups "Thời gian" over the two dates of row 4; the other titles span both rows (merged, their
    // value in row 3 only); a title cell wraps with Alt+Enter; row 5 numbers the columns.
    const upper = ['STT', 'Mã hồ sơ', 'Tên thủ tục', 'Thời gian', '', 'Trạng thái'];
    const lower = ['', '', '', 'Ngày tiếp\nnhận', 'Ngày hẹn trả', ''];
    const numbering = ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)'];
    const data = [1, 'H21.65-220330-0001', 'Đăng ký khai sinh', '30/03/2022 15:43', '31/03/2022 17:00', 'Đang xử lý'];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['ỦY BAN NHÂN DÂN HUYỆN KRÔNG PA']);
    sheet.addRow(['DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ I/2022']);
    sheet.addRow(upper.map((t) => t || null));
    sheet.addRow(lower.map((t) => t || null));
    for (const range of ['A3:A4', 'B3:B4', 'C3:C4', 'D3:E3', 'F3:F4']) sheet.mergeCells(range);
    sheet.addRow([1, 2, 3, 4, 5, 6]);
    sheet.addRow(data);
    const file = join(dir, 'two-row-header.xlsx');
    await saveWorkbook(workbook, file);
    const cells = {
      STT: 1,
      'Mã hồ sơ': 'H21.65-220330-0001',
      'Tên thủ tục': 'Đăng ký khai sinh',
      'Ngày tiếp nhận': '30/03/2022 15:43',
      'Ngày hẹn trả': '31/03/2022 17:00',
      'Trạng thái': 'Đang xử lý',
    };
    expect(await rows(file)).toEqual([{ row: 6, cells }]);
    // The same table saved as csv (a merged cell's value in its first cell), a data cell broken over lines:
    // row numbers are the spreadsheet's, not the file's lines.
    const quote = (c: unknown) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c));
    const csv = join(dir, 'two-row-header.csv');
    const table = [
      upper,
      lower,
      numbering,
      data,
      [2, 'H21.65-220330-0002', 'Chứng thực\nbản sao', '30/03/2022 16:00', '', 'Đã trả kết quả'],
      data,
    ];
    writeFileSync(csv, `\uFEFFDANH SÁCH HỒ SƠ\r\n\r\n${table.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
    const read = await rows(csv);
    expect(read.map((r) => r.row)).toEqual([6, 7, 8]);
    expect(read[0]).toEqual({ row: 6, cells: { ...cells, STT: '1' } });
    expect(read[1]?.cells['Tên thủ tục']).toBe('Chứng thực\nbản sao');
  });

  it('skips the header and the numbering row where an export made page by page repeats them', async () => {
    const header = 'STT,Mã hồ sơ,Ngày tiếp nhận,Trạng thái';
    const numbering = '(1),(2),(3),(4)';
    const file = csvFile('paged.csv', [
      header,
      numbering,
      '1,H21.65-220330-0001,30/03/2022 15:43,Đang xử lý',
      header,
      numbering,
      '2,H21.65-220330-0002,30/03/2022 16:00,Đang xử lý',
      ',Mã hồ sơ,Ngày tiếp nhận,',
    ]);
    expect((await rows(file)).map((r) => [r.row, r.cells['Mã hồ sơ']])).toEqual([
      [3, 'H21.65-220330-0001'],
      [6, 'H21.65-220330-0002'],
    ]);
  });

  it('leaves out the foot of the table (total, signatures), but reads a row without code or receipt among the dossiers or before one', async () => {
    const file = csvFile('footed.csv', [
      'STT,Mã hồ sơ,Ngày tiếp nhận,Trạng thái',
      '1,H21.65-220330-0001,30/03/2022 15:43,Đang xử lý',
      '2,,,Đang xử lý',
      '3,H21.65-220330-0003,30/03/2022 16:00,Đang xử lý',
      'Tổng cộng: 3 hồ sơ,,,',
      '',
      ',Người lập biểu,,Thủ trưởng đơn vị',
      ',"(Ký, ghi rõ họ tên)",,"(Ký tên, đóng dấu)"',
    ]);
    expect((await rows(file)).map((r) => [r.row, r.cells.STT])).toEqual([
      [2, '1'],
      [3, '2'],
      [4, '3'],
    ]);
    // A row with a code but no receipt at the end is a dossier (refused by the import, never left out).
    writeFileSync(file, `${readFileSync(file, 'utf8')}\r\n4,H21.65-220330-0004,,Đang xử lý`);
    expect((await rows(file)).map((r) => r.row)).toEqual([2, 3, 4, 5, 7, 8, 9]);
  });

  it('leaves out total and subtotal rows written in the code column, wherever they are (issue #32)', async () => {
    const file = csvFile('totals.csv', [
      'STT,Mã hồ sơ,Ngày tiếp nhận,Trạng thái',
      '1,H21.65-220330-0001,30/03/2022 15:43,Đang xử lý',
      ',Cộng xã Ia Rmok: 1 hồ sơ,,',
      '2,H21.65-220330-0002,30/03/2022 16:00,Đang xử lý',
      ',Tổng cộng: 60 hồ sơ,,',
      ',TỔNG SỐ 60,,',
    ]);
    expect((await rows(file)).map((r) => r.cells['Mã hồ sơ'])).toEqual(['H21.65-220330-0001', 'H21.65-220330-0002']);
  });

  it('reads a column under any title the mapping lists for it, keyed by its first', async () => {
    const file = csvFile('other-titles.csv', [
      'STT,Số hồ sơ,Thủ tục,Ngày nhận,Hẹn trả,Tình trạng',
      '1,H21.65-220330-0001,Khai sinh,30/03/2022 15:43,31/03/2022 17:00,Đang xử lý',
    ]);
    expect(await rows(file)).toEqual([
      {
        row: 2,
        cells: {
          STT: '1',
          'Mã hồ sơ': 'H21.65-220330-0001',
          'Tên thủ tục': 'Khai sinh',
          'Ngày tiếp nhận': '30/03/2022 15:43',
          'Ngày hẹn trả': '31/03/2022 17:00',
          'Trạng thái': 'Đang xử lý',
        },
      },
    ]);
    // The mapping's own title wins when a file has both.
    writeFileSync(file, ['Mã hồ sơ,Số hồ sơ,Ngày tiếp nhận', 'H21.65-220330-0001,41,30/03/2022 15:43'].join('\r\n'));
    expect((await rows(file))[0]?.cells).toEqual({
      'Mã hồ sơ': 'H21.65-220330-0001',
      'Số hồ sơ': '41',
      'Ngày tiếp nhận': '30/03/2022 15:43',
    });
  });

  it('takes a row for a dossier unless it only numbers the columns', () => {
    expect(isColumnNumbering(['(1)', '(2)', '(3)', '(4)'])).toBe(true);
    expect(isColumnNumbering([undefined, 1, 2, 3, 4, 5])).toBe(true);
    expect(isColumnNumbering(['A', 'B', '1', '2', '3'])).toBe(true);
    expect(isColumnNumbering([1, 2, 4])).toBe(false);
    expect(isColumnNumbering([1, 2])).toBe(false);
    expect(isColumnNumbering([1, 'H21.65-220330-0001', 44650])).toBe(false);
    expect(isColumnNumbering([1, 2203300001, 44650.65])).toBe(false);
  });

  it('finds the list on another sheet when the mapping’s opens with a summary, and names the sheets when none has it', async () => {
    const workbook = new ExcelJS.Workbook();
    const summary = workbook.addWorksheet('Tổng hợp');
    summary.addRow(['Lĩnh vực', 'Tiếp nhận', 'Trễ hạn']);
    summary.addRow(['Đất đai', 855, 494]);
    const list = workbook.addWorksheet('Chi tiết');
    list.addRow(['STT', 'Mã hồ sơ', 'Ngày tiếp nhận', 'Trạng thái']);
    list.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    const file = join(dir, 'summary-first.xlsx');
    await saveWorkbook(workbook, file);
    const expected = LIST_ROWS;
    expect(await rows(file)).toEqual(expected);
    expect(await rows(file, { ...mapping, sheet: 'Chi tiết' })).toEqual(expected);
    expect(await rows(file, { ...mapping, sheet: 'Danh sách' })).toEqual(expected);
    workbook.removeWorksheet(list.id);
    const none = join(dir, 'summary-only.xlsx');
    await saveWorkbook(workbook, none);
    await expect(rows(none)).rejects.toThrow(
      `${none}: sheet 1: row 1 has no column "Mã hồ sơ" or "Ngày tiếp nhận" (its titles: "Lĩnh vực", "Tiếp nhận", "Trễ hạn"); ` +
        'check the file, the mapping’s headerRow and its column titles; no other sheet has these titles (sheets: "Tổng hợp")',
    );
    await expect(rows(none, { ...mapping, sheet: 'Danh sách' })).rejects.toThrow(
      `${none}: no sheet "Danh sách" and no sheet with the titles (sheets: "Tổng hợp")`,
    );
  });

  it('reads a workbook again whole when the stream loses its workbook part, instead of taking its rows wrong', async () => {
    // Seen once in CI: a sheet streamed without xl/workbook.xml and the shared strings (named "Sheet1", its
    // titles "[object Object]"). Injected below the adapter: exceljs's stream reader drops those parts.
    const workbook = new ExcelJS.Workbook();
    const list = workbook.addWorksheet('Chi tiết');
    list.addRow(['STT', 'Mã hồ sơ', 'Ngày tiếp nhận', 'Trạng thái']);
    list.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    const file = join(dir, 'stream-loses-tail.xlsx');
    await saveWorkbook(workbook, file);
    const reader = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as {
      _parseWorkbook(): Promise<void>;
      _parseSharedStrings(): AsyncGenerator<unknown>;
    };
    const dropWorkbook = vi.spyOn(reader, '_parseWorkbook').mockImplementation(async () => undefined);
    const dropStrings = vi.spyOn(reader, '_parseSharedStrings').mockImplementation(async function* () {});
    try {
      expect(await rows(file)).toEqual(LIST_ROWS);
    } finally {
      dropWorkbook.mockRestore();
      dropStrings.mockRestore();
    }
  });

  it('reads a workbook whose zip holds its sheets before xl/workbook.xml, naming and placing them by their tabs', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Tổng hợp').addRow(['Lĩnh vực', 'Tiếp nhận', 'Trễ hạn']);
    const list = workbook.addWorksheet('Chi tiết');
    list.addRow(['STT', 'Mã hồ sơ', 'Ngày tiếp nhận', 'Trạng thái']);
    list.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    const written = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    // The entries put back in an order a writer may choose: the relationships and the shared strings, then
    // the sheets (the last tab first), then the rest, xl/workbook.xml last — as exceljs's writer sometimes does.
    const names = Object.keys(written.files).filter((n) => !written.files[n]?.dir);
    const rank = (n: string) =>
      n === 'xl/_rels/workbook.xml.rels' || n === 'xl/sharedStrings.xml'
        ? 0
        : n.startsWith('xl/worksheets/')
          ? 1
          : n === 'xl/workbook.xml'
            ? 3
            : 2;
    const reordered = new JSZip();
    for (const name of [...names].sort((a, b) => rank(a) - rank(b) || b.localeCompare(a))) {
      reordered.file(name, (await written.file(name)?.async('uint8array')) ?? new Uint8Array());
    }
    const file = join(dir, 'sheets-first.xlsx');
    writeFileSync(file, await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const order = Object.keys((await JSZip.loadAsync(readFileSync(file))).files);
    expect(order.indexOf('xl/worksheets/sheet2.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));
    const found = LIST_ROWS;
    expect(await rows(file)).toEqual(found);
    expect(await rows(file, { ...mapping, sheet: 'Chi tiết' })).toEqual(found);
    expect(await rows(file, { ...mapping, sheet: 2 })).toEqual(found);
  });

  it('refuses a workbook without the titles in its first rows, naming the row it looked at', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ I/2022']);
    sheet.addRow(['STT', 'Số hiệu', 'Ngày vào sổ', 'Trạng thái']);
    sheet.addRow([1, 'H21.65-220330-0001', '30/03/2022 15:43', 'Đang xử lý']);
    const file = join(dir, 'other.xlsx');
    await saveWorkbook(workbook, file);
    await expect(rows(file)).rejects.toThrow(
      /row 1 has no column "Mã hồ sơ" or "Ngày tiếp nhận" \(its titles: "DANH SÁCH/,
    );
    const renamed = { ...mapping.columns, dossierId: 'Số hiệu', receivedAt: 'Ngày vào sổ' };
    expect(await rows(file, { ...mapping, columns: renamed })).toEqual([
      {
        row: 3,
        cells: {
          STT: 1,
          'Số hiệu': 'H21.65-220330-0001',
          'Ngày vào sổ': '30/03/2022 15:43',
          'Trạng thái': 'Đang xử lý',
        },
      },
    ]);
  });
});

import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { renderXlsx } from '../../shared/adapters/xlsx-report.ts';
import { buildReport } from '../../shared/domain/reports/build-report.ts';
import { neutraliseFormula, renderCsv } from '../../shared/domain/reports/render-report.ts';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';

/*
 * Issue #32: names that came from imported data — a field, a unit — reach the report's cells. In a .csv
 * a cell beginning with = + - @ (or a tab, a carriage return) is run as a formula by Excel and
 * LibreOffice; each is written with a leading apostrophe (OWASP), and the .xlsx keeps them as text.
 */
const HOSTILE = [
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '-1+1',
  '+1+1',
  '=HYPERLINK("http://x","y")',
  '\t=1',
  '\r=1',
];

const row = (i: number, name: string): ReportRow => ({
  id: `H21.65-240304-${String(i).padStart(4, '0')}`,
  unitId: `U${i}`,
  unitName: name,
  field: name,
  channel: 'in_person',
  receivedAt: '2024-03-04T09:00:00+07:00',
  status: 'resolved',
  resolvedAt: '2024-03-05T09:00:00+07:00',
  closedAt: '2024-03-05T09:00:00+07:00',
  dueAt: '2024-03-08T17:00:00+07:00',
  result: 'early',
  violations: [],
  steps: [],
  secondOverrun: false,
});

const report = buildReport(
  HOSTILE.map((name, i) => row(i, name)),
  { period: { from: '2024-03-01', to: '2024-03-31' }, by: 'field', now: Date.parse('2024-04-01T00:00:00+07:00') },
);

/** The cells of a CSV (RFC 4180: quoted cells may hold commas, quotes doubled, line breaks). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  const pattern = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/g;
  for (const match of text.replace(/^\uFEFF/, '').matchAll(pattern)) {
    if (match[0] === '') break;
    const raw = match[1] ?? '';
    cells.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
  }
  return cells;
}

describe('formula-leading cells in reports', () => {
  it('are written to .csv with a leading apostrophe; numbers stay numbers', () => {
    const cells = csvCells(renderCsv(report));
    for (const name of HOSTILE) expect(cells).toContain(`'${name}`);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(neutraliseFormula('Đất đai')).toBe('Đất đai');
    expect(neutraliseFormula('-')).toBe("'-");
  });

  it('stay text in .xlsx: no cell is a formula when the workbook is opened back', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(report)) as unknown as ArrayBuffer);
    const texts: string[] = [];
    workbook.eachSheet((sheet) =>
      sheet.eachRow((r) =>
        r.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string') texts.push(cell.value);
        }),
      ),
    );
    // (A carriage return is not kept by the xlsx writer; the rest is kept as written.)
    for (const name of HOSTILE.filter((n) => !n.startsWith('\r'))) expect(texts).toContain(name);
  });
});

import ExcelJS from 'exceljs';
import type { Report } from '../domain/reports/build-report.ts';
import { reportDocument, type TableDocument } from '../domain/reports/render-report.ts';

/**
 * The report as an Excel workbook (exceljs) for officials who live in Excel: one sheet per table, the
 * title and period on top, the annex's two-row header frozen with the label columns, column widths,
 * counts as numbers (`#,##0`, shown with the reader's separators) and rates as percentages.
 */
export async function renderXlsx(report: Report): Promise<Buffer> {
  return renderTablesXlsx(reportDocument(report), report.asOf);
}

/** Any titled tables (a reconciliation too) as a workbook, one sheet per table. */
export async function renderTablesXlsx(document: TableDocument, asOf: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Đúng Hạn';
  workbook.created = new Date(asOf);
  const { heading } = document;
  for (const table of document.tables) {
    const groupRows = table.groups ? 1 : 0;
    const headerRow = 4 + groupRows;
    const sheet = workbook.addWorksheet(table.sheet, {
      views: [{ state: 'frozen', xSplit: 2, ySplit: headerRow }],
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    sheet.columns = table.columns.map((c) => ({ width: c.width }));
    const last = table.columns.length;
    sheet.mergeCells(1, 1, 1, last);
    Object.assign(sheet.getCell(1, 1), { value: heading.title, font: { bold: true, size: 13 } });
    sheet.mergeCells(2, 1, 2, last);
    Object.assign(sheet.getCell(2, 1), { value: table.title, font: { bold: true } });
    sheet.mergeCells(3, 1, 3, last);
    Object.assign(sheet.getCell(3, 1), { value: heading.lines.join(' · '), font: { italic: true } });
    const border = {
      top: { style: 'thin' as const },
      left: { style: 'thin' as const },
      bottom: { style: 'thin' as const },
      right: { style: 'thin' as const },
    };
    const headerStyle = (cell: ExcelJS.Cell) => {
      cell.font = { bold: true };
      cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
      cell.border = border;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF0F0F0' } };
    };
    if (table.groups) {
      let column = 1;
      for (const group of table.groups) {
        if (group.span > 1) sheet.mergeCells(4, column, 4, column + group.span - 1);
        sheet.getCell(4, column).value = group.title;
        for (let c = column; c < column + group.span; c += 1) headerStyle(sheet.getCell(4, c));
        column += group.span;
      }
    }
    table.columns.forEach((c, i) => {
      const cell = sheet.getCell(headerRow, i + 1);
      cell.value = c.header;
      headerStyle(cell);
    });
    sheet.getRow(headerRow).height = 48;
    const rows = [...table.rows, table.total];
    rows.forEach((values, r) => {
      const row = sheet.getRow(headerRow + 1 + r);
      values.forEach((value, i) => {
        const cell = row.getCell(i + 1);
        cell.value = value;
        cell.border = border;
        const kind = table.columns[i]?.kind;
        if (kind === 'count') cell.numFmt = '#,##0';
        if (kind === 'rate') cell.numFmt = '0.0%';
        if (kind === 'score') cell.numFmt = '0.00';
        if (r === rows.length - 1) cell.font = { bold: true };
      });
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

import {
  AlignmentType,
  Document,
  Packer,
  type Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  WidthType,
} from 'docx';
import type { ControlSlip } from './control-slip.ts';
import { docxHeader, docxLine, FONT, shortRule } from './docx-layout.ts';

/*
 * The process-control slip as a Word document, laid out by the `docx` library (A5 portrait, Times New
 * Roman, the NĐ 30/2020 two-column header, the form's four columns). Only the `dunghan` command renders
 * it: no function imports this module, so the library stays out of the Lambda bundles (ADR 0009).
 */

/** A line of the slip: left-aligned, 12 pt unless said, tighter than a letter. */
function line(
  text: string,
  options: { bold?: boolean; italics?: boolean; center?: boolean; size?: number } = {},
): Paragraph {
  return docxLine(text, {
    bold: options.bold,
    italics: options.italics,
    align: options.center ? AlignmentType.CENTER : AlignmentType.LEFT,
    size: options.size ?? 24,
    after: 60,
  });
}

function cell(width: number, paragraphs: Paragraph[]): TableCell {
  return new TableCell({ width: { size: width, type: WidthType.DXA }, children: paragraphs });
}

// A5 portrait: 148 × 210 mm in twentieths of a point; margins 15 mm, 20 mm on the binding side.
const PAGE = { width: 8391, height: 11906 };
const MARGIN = { top: 851, bottom: 851, left: 1134, right: 851 };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const HEADER: readonly [number, number] = [2450, TEXT_WIDTH - 2450];
/** The form's four columns, in twips: unit, time, result, note. */
const WIDTHS = [0.34, 0.22, 0.18, 0.26].map((f) => Math.round(f * TEXT_WIDTH));

export async function renderSlipDocx(slip: ControlSlip): Promise<Buffer> {
  const header = docxHeader(
    [
      ...(slip.parentAgency ? [line(slip.parentAgency, { center: true, size: 22 })] : []),
      line(slip.agency, { bold: true, center: true, size: 22 }),
      shortRule(800, HEADER[0]),
    ],
    [
      line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, center: true, size: 21 }),
      line('Độc lập - Tự do - Hạnh phúc', { bold: true, center: true, size: 22 }),
      shortRule(2500, HEADER[1]),
    ],
    HEADER,
  );
  const small = { size: 20 };
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: WIDTHS,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        children: [
          'TÊN CƠ QUAN',
          'THỜI GIAN GIAO, NHẬN HỒ SƠ',
          'KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)',
          'GHI CHÚ',
        ].map((title, i) => cell(WIDTHS[i] as number, [line(title, { bold: true, center: true, ...small })])),
      }),
      ...slip.rows.map(
        (row, i) =>
          new TableRow({
            children: [
              cell(WIDTHS[0] as number, [line(`${i + 1}. Giao: ${row.giao}`, small), line(`Nhận: ${row.nhan}`, small)]),
              cell(WIDTHS[1] as number, [line(row.at, small)]),
              cell(WIDTHS[2] as number, [line(row.result ?? '', { center: true, ...small })]),
              cell(WIDTHS[3] as number, [line(row.note, small)]),
            ],
          }),
      ),
    ],
  });
  const document = new Document({
    creator: 'Đúng Hạn',
    title: `${slip.title} — ${slip.dossierId}`,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        properties: {
          page: { size: PAGE, margin: MARGIN },
        },
        children: [
          header,
          line(slip.title, { bold: true, center: true }),
          line(`Mã hồ sơ: ${slip.dossierId}`),
          line(`Kèm theo hồ sơ của: ${slip.applicant}`),
          line(`Thủ tục: ${slip.procedure}`),
          line(`Ngày nhận hồ sơ: ${slip.receivedAt}; hẹn trả kết quả: ${slip.appointment}`),
          line(`Cơ quan giải quyết hồ sơ: ${slip.lead}`),
          ...(slip.partners.length > 0 ? [line(`Cơ quan phối hợp giải quyết hồ sơ: ${slip.partners.join('; ')}`)] : []),
          table,
          line(slip.formNote, { italics: true, size: 20 }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

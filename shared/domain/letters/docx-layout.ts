import { AlignmentType, BorderStyle, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

/*
 * What the Word documents Đúng Hạn lays out with the `docx` library share (NĐ 30/2020 presentation):
 * Times New Roman, borderless header tables, one paragraph per line. Used by the letter template's
 * build script and the process-control slip — never by a function (the library stays out of the
 * bundles, ADR 0009).
 */

export const FONT = 'Times New Roman';
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
export const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};

export interface LineOptions {
  bold?: boolean;
  italics?: boolean;
  align?: (typeof AlignmentType)[keyof typeof AlignmentType];
  /** A first-line indent of 1 cm. */
  indent?: boolean;
  /** Half-points (26: 13 pt, NĐ 30/2020's body size). */
  size?: number;
  /** Space after, in twentieths of a point. */
  after?: number;
}

/** One line of text as a paragraph. */
export function docxLine(text: string, options: LineOptions = {}): Paragraph {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: options.after ?? 80 },
    ...(options.indent ? { indent: { firstLine: 567 } } : {}),
    children: [
      new TextRun({
        text,
        font: FONT,
        size: options.size ?? 26,
        bold: options.bold ?? false,
        italics: options.italics ?? false,
      }),
    ],
  });
}

/** NĐ 30/2020's two-column header, borderless: the agency (left, 42 %) and the national motto (right). */
export function docxHeader(left: Paragraph[], right: Paragraph[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: 42, type: WidthType.PERCENTAGE }, borders: NO_BORDERS, children: left }),
          new TableCell({ width: { size: 58, type: WidthType.PERCENTAGE }, borders: NO_BORDERS, children: right }),
        ],
      }),
    ],
  });
}

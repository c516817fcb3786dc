import {
  AlignmentType,
  BorderStyle,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

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
  /** Space after (and before), in twentieths of a point. */
  after?: number;
  before?: number;
  /** Keep this paragraph on the page of the next one (no signature block alone on a page). */
  keepNext?: boolean;
}

/** One line of text as a paragraph. */
export function docxLine(text: string, options: LineOptions = {}): Paragraph {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: options.after ?? 80, ...(options.before ? { before: options.before } : {}) },
    ...(options.indent ? { indent: { firstLine: 567 } } : {}),
    ...(options.keepNext ? { keepNext: true, keepLines: true } : {}),
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

/** Cell margins of 1 mm: the motto needs the whole column on A5. */
const TIGHT = { left: 57, right: 57, top: 0, bottom: 0 };

/**
 * NĐ 30/2020's two-column header, borderless: the agency (left) and the national motto (right), in fixed
 * column widths (twentieths of a point) — percentage widths come out narrow in LibreOffice and Word.
 */
export function docxHeader(left: Paragraph[], right: Paragraph[], widths: readonly [number, number]): Table {
  return new Table({
    width: { size: widths[0] + widths[1], type: WidthType.DXA },
    columnWidths: [...widths],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({
            width: { size: widths[0], type: WidthType.DXA },
            borders: NO_BORDERS,
            margins: TIGHT,
            children: left,
          }),
          new TableCell({
            width: { size: widths[1], type: WidthType.DXA },
            borders: NO_BORDERS,
            margins: TIGHT,
            children: right,
          }),
        ],
      }),
    ],
  });
}

/**
 * The short solid rule NĐ 30/2020 puts under the agency's name and under the motto: an empty, tiny
 * paragraph whose top border is indented to `length`, centred in a cell `cellWidth` wide (twips).
 */
export function shortRule(length: number, cellWidth: number): Paragraph {
  const side = Math.max(0, Math.round((cellWidth - length) / 2));
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 0, after: 60, line: 120 },
    indent: { left: side, right: side },
    border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
    children: [new TextRun({ text: '', font: FONT, size: 4 })],
  });
}

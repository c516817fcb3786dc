import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { ApologyLetter } from './apology-letter.ts';

const FONT = 'Times New Roman';
const SIZE = 26; // half-points: 13 pt, the size NĐ 30/2020 prescribes for body text
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

function line(
  text: string,
  options: {
    bold?: boolean;
    italics?: boolean;
    align?: (typeof AlignmentType)[keyof typeof AlignmentType];
    indent?: boolean;
  } = {},
) {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: 80 },
    ...(options.indent ? { indent: { firstLine: 567 } } : {}),
    children: [
      new TextRun({ text, font: FONT, size: SIZE, bold: options.bold ?? false, italics: options.italics ?? false }),
    ],
  });
}

/**
 * The letter as an editable Word document: A5 portrait, Times New Roman 13 pt, the two-column header
 * of NĐ 30/2020 (agency left, national motto right), so the official can complete, sign and print it.
 */
export async function renderLetterDocx(letter: ApologyLetter): Promise<Buffer> {
  const header = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({
            width: { size: 42, type: WidthType.PERCENTAGE },
            borders: NO_BORDERS,
            children: [
              ...(letter.parentAgency ? [line(letter.parentAgency, { align: AlignmentType.CENTER })] : []),
              line(letter.agency, { bold: true, align: AlignmentType.CENTER }),
              line(letter.number, { align: AlignmentType.CENTER }),
            ],
          }),
          new TableCell({
            width: { size: 58, type: WidthType.PERCENTAGE },
            borders: NO_BORDERS,
            children: [
              line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, align: AlignmentType.CENTER }),
              line('Độc lập - Tự do - Hạnh phúc', { bold: true, align: AlignmentType.CENTER }),
              line(letter.placeAndDate, { italics: true, align: AlignmentType.CENTER }),
            ],
          }),
        ],
      }),
    ],
  });
  const signature = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: 45, type: WidthType.PERCENTAGE }, borders: NO_BORDERS, children: [line('')] }),
          new TableCell({
            width: { size: 55, type: WidthType.PERCENTAGE },
            borders: NO_BORDERS,
            children: [
              line(letter.signatureTitle, { bold: true, align: AlignmentType.CENTER }),
              line(letter.signatureNote, { italics: true, align: AlignmentType.CENTER }),
              line(''),
              line(''),
              line(letter.signatureName ?? '', { bold: true, align: AlignmentType.CENTER }),
            ],
          }),
        ],
      }),
    ],
  });
  const document = new Document({
    creator: 'Đúng Hạn',
    title: letter.title,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      {
        properties: {
          // A5 portrait: 148 × 210 mm in twentieths of a point; margins 20/15/20/15 mm.
          page: { size: { width: 8391, height: 11906 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 851 } },
        },
        children: [
          header,
          line(''),
          line(letter.title, { bold: true, align: AlignmentType.CENTER }),
          line(`Kính gửi: ${letter.addressee}`, { align: AlignmentType.CENTER }),
          ...letter.paragraphs.map((p) => line(p, { indent: true })),
          line(`Lý do: ${letter.reason}`, { indent: true }),
          line(`${letter.closing} ${letter.newReturnDate}.`, { indent: true }),
          line(`Mong nhận được sự thông cảm của ${letter.addressee}.`, { indent: true }),
          signature,
          line(''),
          line(letter.formNote, { italics: true, align: AlignmentType.LEFT }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

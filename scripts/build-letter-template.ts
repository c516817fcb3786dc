import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AlignmentType,
  Document,
  Footer,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  WidthType,
} from 'docx';
import type { ApologyLetter } from '../shared/domain/letters/apology-letter.ts';
import {
  docxHeader,
  docxLine,
  FONT,
  type LineOptions,
  NO_BORDERS,
  shortRule,
} from '../shared/domain/letters/docx-layout.ts';
import { FIELD_TOKEN, QR_BLANK_PNG, QR_SIZE_PX, REPEATED } from '../shared/domain/letters/docx-tokens.ts';
import { qrPng } from '../shared/domain/letters/qr-code.ts';

/*
 * A5 in NĐ 30/2020's proportions (its A4 margins and sizes scaled to the smaller page): margins 15 mm top
 * and bottom, 22 mm left (binding), 12 mm right; the header at 10–10.5 pt (the motto 10 pt: NĐ 30/2020's
 * 12–13 pt on A4, scaled), the body at 10.5 pt
 * (13–14 pt on A4, scaled, is 9–10 pt: the letter stays a little larger, for reading).
 */
const PAGE = { width: 8391, height: 11906 };
const MARGIN = { top: 851, bottom: 851, left: 1247, right: 680 };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const HEADER: readonly [number, number] = [2050, TEXT_WIDTH - 2050];
const HEAD = 21; // half-points: 10.5 pt
const BODY = 21; // half-points: 10.5 pt
const line = (text: string, options: LineOptions = {}) => docxLine(text, { size: BODY, after: 0, ...options });
const head = (text: string, options: LineOptions = {}) =>
  docxLine(text, { size: HEAD, after: 0, align: AlignmentType.CENTER, ...options });

/**
 * The letter as an editable Word document, laid out with the `docx` library: A5 portrait, Times New
 * Roman, the two-column header of NĐ 30/2020 (agency left, national motto right, each with its short
 * rule), so the official can complete, sign and print it on one page; the closing paragraphs keep the
 * signature block with them, so a letter too long for one page breaks cleanly before it.
 *
 * The functions do not carry the library (≈ 230 KB minified, ADR 0009): this script renders the layout
 * once with a token in every field and writes the result to
 * shared/domain/letters/data/apology-letter-template.json; shared/domain/letters/apology-docx.ts fills
 * the tokens. test/unit/letter-docx.test.ts checks that the committed template is what the library
 * renders today and that a filled template is, part for part, the document the library renders for
 * the same letter; test/e2e/letter-pdf.test.ts renders letters through LibreOffice. Run after changing
 * the layout: `npx tsx scripts/build-letter-template.ts`.
 */
export async function layoutLetterDocx(letter: ApologyLetter): Promise<Buffer> {
  const header = docxHeader(
    [
      ...(letter.parentAgency ? [head(letter.parentAgency, { size: 20 })] : []),
      head(letter.agency, { bold: true, size: 20 }),
      shortRule(800, HEADER[0]),
      head(letter.number),
    ],
    [
      head('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: 20 }),
      head('Độc lập - Tự do - Hạnh phúc', { bold: true }),
      shortRule(2500, HEADER[1]),
      head(letter.placeAndDate, { italics: true }),
    ],
    HEADER,
  );
  const signature = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [TEXT_WIDTH - 4300, 4300],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({
            width: { size: TEXT_WIDTH - 4300, type: WidthType.DXA },
            borders: NO_BORDERS,
            // The citizens' status page (issue #18): a QR code the citizen scans from the printed letter,
            // in the signature row's empty half, so it takes no line of its own.
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                keepNext: true,
                children: [
                  new ImageRun({
                    type: 'png',
                    data: letter.statusUrl ? qrPng(letter.statusUrl) : QR_BLANK_PNG,
                    transformation: { width: QR_SIZE_PX, height: QR_SIZE_PX },
                    altText: { name: 'QR', title: 'QR', description: 'Mã QR tra cứu hồ sơ' },
                  }),
                ],
              }),
              line(letter.statusCaption ?? '', { align: AlignmentType.CENTER, size: 14 }),
            ],
          }),
          new TableCell({
            width: { size: 4300, type: WidthType.DXA },
            borders: NO_BORDERS,
            children: [
              line(letter.signatureTitle, {
                bold: true,
                align: AlignmentType.CENTER,
                after: 0,
                keepNext: true,
                size: 21,
              }),
              line(letter.signatureNote, { italics: true, align: AlignmentType.CENTER, keepNext: true, size: HEAD }),
              // Room to sign and stamp: two short lines.
              line('', { keepNext: true, size: 18 }),
              line('', { keepNext: true, size: 18 }),
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
    styles: { default: { document: { run: { font: FONT, size: BODY } } } },
    sections: [
      {
        properties: {
          // A5 portrait: 148 × 210 mm in twentieths of a point.
          page: { size: PAGE, margin: { ...MARGIN, footer: 340 } },
        },
        children: [
          header,
          line(letter.title, { bold: true, align: AlignmentType.CENTER, after: 0, before: 160 }),
          line(`Kính gửi: ${letter.addressee}`, { align: AlignmentType.CENTER, after: 60 }),
          ...letter.paragraphs.map((p) => line(p, { indent: true })),
          line(`Lý do: ${letter.reason}`, { indent: true }),
          // The closing keeps the signature block with it: never a signer's name alone on a page.
          line(`${letter.closing} ${letter.newReturnDate}.`, { indent: true, keepNext: true }),
          line(`Mong nhận được sự thông cảm của ${letter.thanksTo}.`, { indent: true, keepNext: true }),
          signature,
        ],
        // The form's reference in the page's footer, in the margin: it never pushes the letter to a second page.
        footers: {
          default: new Footer({
            children: [line(letter.formNote, { italics: true, align: AlignmentType.LEFT, size: 16, after: 0 })],
          }),
        },
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** The letter whose every field is its token: what the template is rendered from. */
export function tokenLetter(): ApologyLetter {
  const t = (name: keyof ApologyLetter) => FIELD_TOKEN(name);
  return {
    form: 'TT03/2025',
    draft: true,
    formNote: t('formNote'),
    title: t('title'),
    parentAgency: t('parentAgency'),
    agency: t('agency'),
    number: t('number'),
    placeAndDate: t('placeAndDate'),
    addressee: t('addressee'),
    thanksTo: t('thanksTo'),
    paragraphs: [t('paragraphs')],
    reason: t('reason'),
    newReturnDate: t('newReturnDate'),
    closing: t('closing'),
    signatureTitle: t('signatureTitle'),
    signatureNote: t('signatureNote'),
    signatureName: t('signatureName'),
    statusCaption: t('statusCaption'),
  };
}

/** The template as committed: the library's rendering of the token letter, base64. */
export async function buildLetterTemplate(): Promise<{ generatedBy: string; repeated: string[]; docx: string }> {
  const docx = await layoutLetterDocx(tokenLetter());
  return {
    generatedBy: 'scripts/build-letter-template.ts (docx library); do not edit by hand',
    repeated: [...REPEATED],
    docx: docx.toString('base64'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('../shared/domain/letters/data/apology-letter-template.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify(await buildLetterTemplate(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(out)}`);
}

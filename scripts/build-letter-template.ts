import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AlignmentType, Document, Packer, Table, TableCell, TableRow, WidthType } from 'docx';
import type { ApologyLetter } from '../shared/domain/letters/apology-letter.ts';
import { docxHeader, docxLine, FONT, type LineOptions, NO_BORDERS } from '../shared/domain/letters/docx-layout.ts';
import { FIELD_TOKEN, REPEATED } from '../shared/domain/letters/docx-tokens.ts';

const SIZE = 26; // half-points: 13 pt, the size NĐ 30/2020 prescribes for body text
const line = (text: string, options: Omit<LineOptions, 'size'> = {}) => docxLine(text, { ...options, size: SIZE });

/**
 * The letter as an editable Word document, laid out with the `docx` library: A5 portrait, Times New
 * Roman 13 pt, the two-column header of NĐ 30/2020 (agency left, national motto right), so the official
 * can complete, sign and print it.
 *
 * The functions do not carry the library (≈ 230 KB minified, ADR 0009): this script renders the layout
 * once with a token in every field and writes the result to
 * shared/domain/letters/data/apology-letter-template.json; shared/domain/letters/apology-docx.ts fills
 * the tokens. test/unit/letter-docx.test.ts checks that the committed template is what the library
 * renders today and that a filled template is, part for part, the document the library renders for
 * the same letter. Run after changing the layout: `npx tsx scripts/build-letter-template.ts`.
 */
export async function layoutLetterDocx(letter: ApologyLetter): Promise<Buffer> {
  const header = docxHeader(
    [
      ...(letter.parentAgency ? [line(letter.parentAgency, { align: AlignmentType.CENTER })] : []),
      line(letter.agency, { bold: true, align: AlignmentType.CENTER }),
      line(letter.number, { align: AlignmentType.CENTER }),
    ],
    [
      line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, align: AlignmentType.CENTER }),
      line('Độc lập - Tự do - Hạnh phúc', { bold: true, align: AlignmentType.CENTER }),
      line(letter.placeAndDate, { italics: true, align: AlignmentType.CENTER }),
    ],
  );
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
    paragraphs: [t('paragraphs')],
    reason: t('reason'),
    newReturnDate: t('newReturnDate'),
    closing: t('closing'),
    signatureTitle: t('signatureTitle'),
    signatureNote: t('signatureNote'),
    signatureName: t('signatureName'),
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

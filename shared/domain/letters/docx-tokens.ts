/** The token a field of the letter is written as in the .docx template. */
export const FIELD_TOKEN = (name: string) => `{{${name}}}`;

/** Fields whose whole paragraph is repeated once per value: none when absent, one per paragraph. */
export const REPEATED = ['paragraphs', 'parentAgency'] as const;

/** The QR code's side on the letter, in pixels at 96 dpi: 2 cm. */
export const QR_SIZE_PX = 76;

/** The template's image: a white pixel, replaced by the dossier's QR code (apology-docx.ts). */
export const QR_BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4AWP4DwABAQEAiuJTfQAAAABJRU5ErkJggg==',
  'base64',
);

/** Where the template keeps the QR code's image. */
export const QR_MEDIA = 'word/media/image1.png';

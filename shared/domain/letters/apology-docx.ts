import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ApologyLetter } from './apology-letter.ts';
import template from './data/apology-letter-template.json' with { type: 'json' };
import { FIELD_TOKEN, QR_MEDIA, type REPEATED } from './docx-tokens.ts';
import { qrPng } from './qr-code.ts';

type TextField = Exclude<keyof ApologyLetter, 'form' | 'draft' | 'statusUrl' | (typeof REPEATED)[number]>;
const TEXT_FIELDS: readonly TextField[] = [
  'formNote',
  'title',
  'agency',
  'number',
  'placeAndDate',
  'addressee',
  'thanksTo',
  'reason',
  'newReturnDate',
  'closing',
  'signatureTitle',
  'signatureNote',
  'signatureName',
  'statusCaption',
];

/** Escapes text for a WordprocessingML text node as the docx library does. */
function xmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Replaces the paragraph holding `{{name}}` with one copy per value, tokens `{{name#0}}`, `{{name#1}}`… */
function repeatParagraph(xml: string, name: string, count: number): string {
  const token = FIELD_TOKEN(name);
  const at = xml.indexOf(token);
  if (at < 0) throw new Error(`letter template has no ${token}`);
  const start = Math.max(xml.lastIndexOf('<w:p>', at), xml.lastIndexOf('<w:p ', at));
  const end = xml.indexOf('</w:p>', at) + '</w:p>'.length;
  const paragraph = xml.slice(start, end);
  const copies = Array.from({ length: count }, (_, i) => paragraph.replace(token, FIELD_TOKEN(`${name}#${i}`)));
  return xml.slice(0, start) + copies.join('') + xml.slice(end);
}

const TOKEN = /\{\{([A-Za-z]+)(?:#(\d+))?\}\}/g;

/**
 * The letter as an editable Word document (A5, Times New Roman 13 pt, the NĐ 30/2020 header): the
 * template the `docx` library rendered at build time (scripts/build-letter-template.ts) with every
 * field filled in, escaped, in one pass (a value that looks like a token stays text). The same document
 * as the library renders, without its 230 KB in the function bundle (ADR 0009).
 */
export function renderLetterDocx(letter: ApologyLetter, at: Date = new Date()): Buffer {
  const parts = unzipSync(Buffer.from(template.docx, 'base64'));
  const documentXml = parts['word/document.xml'];
  const coreXml = parts['docProps/core.xml'];
  if (!documentXml || !coreXml) throw new Error('letter template is missing word/document.xml or docProps/core.xml');
  const repeated: Record<(typeof REPEATED)[number], readonly string[]> = {
    parentAgency: letter.parentAgency ? [letter.parentAgency] : [],
    paragraphs: letter.paragraphs,
  };
  let xml = strFromU8(documentXml);
  for (const [name, values] of Object.entries(repeated)) xml = repeatParagraph(xml, name, values.length);
  const fill = (_: string, name: string, index: string | undefined) => {
    if (index !== undefined && name in repeated) {
      const value = repeated[name as keyof typeof repeated][Number(index)];
      if (value !== undefined) return xmlText(value);
    } else if ((TEXT_FIELDS as readonly string[]).includes(name)) {
      return xmlText(letter[name as TextField] ?? '');
    }
    throw new Error(`letter template field {{${name}}} is not a field of the letter`);
  };
  parts['word/document.xml'] = strToU8(xml.replace(TOKEN, fill));
  // The form's reference sits in the page footer.
  for (const name of Object.keys(parts).filter((n) => /^word\/footer\d*\.xml$/.test(n)))
    parts[name] = strToU8(strFromU8(parts[name] as Uint8Array).replace(TOKEN, fill));
  // The dossier's status page as a QR code in place of the template's blank image.
  if (letter.statusUrl) {
    if (!parts[QR_MEDIA]) throw new Error(`letter template is missing ${QR_MEDIA}`);
    parts[QR_MEDIA] = new Uint8Array(qrPng(letter.statusUrl));
  }
  const stamp = at.toISOString();
  parts['docProps/core.xml'] = strToU8(
    strFromU8(coreXml)
      .replace(TOKEN, fill)
      .replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, `$1${stamp}`),
  );
  return Buffer.from(zipSync(parts, { level: 6, mtime: at }));
}

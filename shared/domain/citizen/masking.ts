import type { DossierReceived } from '../../contracts/dossier-events.ts';

type Applicant = DossierReceived['applicant'];

/**
 * A person's name as a public page may show it (issue #32): each word's first letter, the rest hidden —
 * "Ksor H'Bia" → "K*** H***". The citizen recognises their letter; whoever guessed a code learns nothing.
 */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((word) => `${[...word.normalize('NFC')][0] ?? ''}***`)
    .join(' ');
}

/** An identity number with all but its last two digits hidden ("064190001234" → "**********34"). */
export function maskIdentity(id: string): string {
  const digits = [...id.trim()];
  return `${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2).join('')}`;
}

/**
 * The applicant as public pages may show them: a person's name and identity number masked; the phone,
 * the e-mail and the address left out. An organisation's name is not personal data and stays.
 */
export function publicApplicant(applicant: Applicant): Applicant {
  return {
    kind: applicant.kind,
    name: applicant.kind === 'person' ? maskName(applicant.name) : applicant.name,
    ...(applicant.idNumber ? { idNumber: maskIdentity(applicant.idNumber) } : {}),
  };
}

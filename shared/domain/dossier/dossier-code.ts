/** What could be read from a dossier code; every field is optional because codes are never rejected. */
export interface DossierCode {
  raw: string;
  /** `tt01-2018`: V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX; `2026`: MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX; else `unknown`. */
  format: 'tt01-2018' | '2026' | 'unknown';
  agencyCode?: string;
  /** Receipt date written in the code (YYYY-MM-DD), when it is a real date. */
  date?: string;
  sequence?: string;
}

const TT01 = /^([A-Z]\d{2}(?:\.[A-Z0-9]{1,3}){0,3})-(\d{6})-(\d{4,6})$/i;
const REFORM_2026 = /^([A-Z]\d{2}\.[A-Z0-9]{1,3}\.[A-Z0-9]{1,3})-(\d{6})-([A-Z]{2}\d{4,6})$/i;

/**
 * Reads a dossier code leniently (TT 01/2018 Điều 19 and the 2026 format); anything else is kept as
 * `unknown` with its raw text. Never throws.
 */
export function parseDossierCode(raw: string): DossierCode {
  const code = raw.trim();
  const reform = REFORM_2026.exec(code);
  const old = reform ? null : TT01.exec(code);
  const match = reform ?? old;
  if (!match) return { raw, format: 'unknown' };
  const [, agencyCode, yymmdd, sequence] = match;
  const date = toDate(yymmdd ?? '');
  return {
    raw,
    format: reform ? '2026' : 'tt01-2018',
    ...(agencyCode ? { agencyCode } : {}),
    ...(date ? { date } : {}),
    ...(sequence ? { sequence } : {}),
  };
}

function toDate(yymmdd: string): string | undefined {
  const y = 2000 + Number(yymmdd.slice(0, 2));
  const m = Number(yymmdd.slice(2, 4));
  const d = Number(yymmdd.slice(4, 6));
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return undefined;
  return probe.toISOString().slice(0, 10);
}

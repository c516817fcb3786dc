import { createHash } from 'node:crypto';
import { defaultCalendar } from '../domain/calendar/default-calendar.ts';
import { type CitizenView, citizenView, matchesSecondFactor } from '../domain/citizen/citizen-view.ts';
import type { AttemptLimiter } from '../ports/attempt-limiter.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { RuleBook } from './rule-book.ts';

export interface LookUpDeps {
  store: Pick<DossierStore, 'load'>;
  rules: RuleBook;
  attempts: AttemptLimiter;
  clock: Clock;
}

/**
 * How many lookups the status page answers: per dossier code, enough for a citizen checking on their
 * dossier and far too few to guess its four digits (10 an hour: 10,000 combinations take six weeks);
 * per client (an address's /24 or /64), enough for a family or a desk helping citizens.
 */
export const LOOKUP_LIMITS = {
  perCode: { limit: 10, windowMs: 3_600_000 },
  perClient: { limit: 30, windowMs: 900_000 },
} as const;

/** Why a lookup shows the neutral page: for metrics only, never told to the person asking. */
export type NotShownReason = 'malformed' | 'rate_limited' | 'not_matched';

export type LookUpResult = { view: CitizenView } | { view?: undefined; reason: NotShownReason };

/** A dossier code as the contract allows it (up to 120 characters), letters of either case. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,119}$/;

/** The dossier code as printed on the receipt, whatever spaces or case the citizen typed. */
export function normaliseCode(typed: string): string {
  return typed.replace(/\s+/g, '').toUpperCase();
}

/**
 * The codes to look for: upper case first (how receipts print them, whatever the citizen typed), then as
 * typed when that differs — a province whose system issues codes with lower-case letters.
 */
function candidateCodes(typed: string): string[] {
  const asTyped = typed.replace(/\s+/g, '');
  const upper = normaliseCode(typed);
  return asTyped === upper ? [upper] : [upper, asTyped];
}

/** A client's key: its network (IPv4 /24, IPv6 /64), hashed — no address is stored. */
export function clientKeyOf(sourceIp: string): string {
  const network = sourceIp.includes(':')
    ? sourceIp.split(':').slice(0, 4).join(':')
    : sourceIp.split('.').slice(0, 3).join('.');
  return hash(`client:${network}`);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/**
 * The citizens' status lookup (issue #18): a dossier code and the last four digits of the phone or
 * identity number given at receipt. Every way of not finding the dossier — a malformed code, an unknown
 * one, a wrong factor, too many attempts — gives the same answer; the attempts are counted per client
 * and per code before the dossier is read, so counting cannot tell a known code from an unknown one.
 */
export async function lookUpDossier(
  deps: LookUpDeps,
  input: { code: string; factor: string; client: string },
): Promise<LookUpResult> {
  const [code = '', ...others] = candidateCodes(input.code);
  const now = deps.clock.now();
  const { perClient, perCode } = LOOKUP_LIMITS;
  if (!(await deps.attempts.attempt(input.client, perClient.limit, perClient.windowMs, now)))
    return { reason: 'rate_limited' };
  if (!CODE.test(code)) return { reason: 'malformed' };
  // One budget per code whatever its case: typing it in other cases gives no more attempts.
  if (!(await deps.attempts.attempt(hash(`code:${code}`), perCode.limit, perCode.windowMs, now)))
    return { reason: 'rate_limited' };
  let { record } = await deps.store.load(code);
  for (const other of others) if (!record) ({ record } = await deps.store.load(other));
  const received = record?.state.received;
  if (!record || !received || !matchesSecondFactor(received.applicant, input.factor)) return { reason: 'not_matched' };
  const book = await deps.rules.current();
  const calendar = record.state.rule ? book.calendar(record.state.rule.calendarId) : defaultCalendar();
  const view = citizenView(record, calendar, book.units, now);
  return view ? { view } : { reason: 'not_matched' };
}

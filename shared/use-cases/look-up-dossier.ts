import { createHash, randomInt } from 'node:crypto';
import { type CitizenView, citizenView, matchesSecondFactor } from '../domain/citizen/citizen-view.ts';
import { calendarOf } from '../domain/dossier/calendar-of.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { oneTimeCodeSms } from '../domain/notices/phone-notices.ts';
import { vietnameseMobile } from '../domain/phones/phone-number.ts';
import type { AttemptLimiter, OneTimeCodes } from '../ports/attempt-limiter.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { PhoneMessenger } from '../ports/phone-messenger.ts';
import type { RuleBook } from './rule-book.ts';

export interface LookUpDeps {
  store: Pick<DossierStore, 'load'>;
  rules: RuleBook;
  attempts: AttemptLimiter;
  clock: Clock;
  /** One-time codes by SMS for a citizen locked out by others' guesses (issue #32); absent, none is offered. */
  oneTimeCodes?: { codes: OneTimeCodes; phone: () => PhoneMessenger | undefined } | undefined;
}

/**
 * How many lookups the status page answers (issues #18, #32). Per dossier code: ten an hour and forty a
 * day, whoever asks — with two right answers (the phone's and the identity number's last four digits)
 * among 10,000, forty guesses succeed with probability 0.8 % a day. Per client: its network (an IPv4 /24,
 * an IPv6 /64), enough for a family or a desk helping citizens; and an IPv6 /48, the site the /64s are
 * carved from. Past the code's limit the citizen is not shut out by someone else's guesses: a one-time
 * code sent by SMS to the phone on file opens the dossier (three a day, five tries each, ten minutes).
 */
export const LOOKUP_LIMITS = {
  perCode: { limit: 10, windowMs: 3_600_000 },
  perCodeDay: { limit: 40, windowMs: 86_400_000 },
  perClient: { limit: 30, windowMs: 900_000 },
  perSite: { limit: 90, windowMs: 900_000 },
  codeSends: { limit: 3, windowMs: 86_400_000 },
  codeTries: 5,
  codeLifeMs: 600_000,
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
  input: { code: string; factor: string; clients: readonly string[] },
): Promise<LookUpResult> {
  const [code = '', ...others] = candidateCodes(input.code);
  const now = deps.clock.now();
  if (!(await clientsMayAsk(deps, input.clients, now))) return { reason: 'rate_limited' };
  if (!CODE.test(code)) return { reason: 'malformed' };
  // One budget per code whatever its case: typing it in other cases gives no more attempts.
  const { perCode, perCodeDay } = LOOKUP_LIMITS;
  for (const { limit, windowMs } of [perCode, perCodeDay])
    if (!(await deps.attempts.attempt(hash(`code:${windowMs}:${code}`), limit, windowMs, now)))
      return { reason: 'rate_limited' };
  const record = await findRecord(deps, code, others);
  const received = record?.state.received;
  if (!record || !received || !matchesSecondFactor(received.applicant, input.factor)) return { reason: 'not_matched' };
  return viewOf(deps, record, now);
}

/** Every key of the client within its budget: the network's, and the IPv6 site's (a shared budget). */
async function clientsMayAsk(deps: LookUpDeps, clients: readonly string[], now: number): Promise<boolean> {
  const [network, ...sites] = clients;
  const { perClient, perSite } = LOOKUP_LIMITS;
  if (network !== undefined && !(await deps.attempts.attempt(network, perClient.limit, perClient.windowMs, now)))
    return false;
  for (const site of sites)
    if (!(await deps.attempts.attempt(site, perSite.limit, perSite.windowMs, now))) return false;
  return true;
}

async function findRecord(deps: LookUpDeps, code: string, others: readonly string[]) {
  let { record } = await deps.store.load(code);
  for (const other of others) if (!record) ({ record } = await deps.store.load(other));
  return record;
}

async function viewOf(deps: LookUpDeps, record: DossierRecord, now: number): Promise<LookUpResult> {
  const book = await deps.rules.current();
  const calendar = calendarOf(record.state, book.calendar);
  const view = citizenView(record, calendar, book.units, now);
  return view ? { view } : { reason: 'not_matched' };
}

/** The digest a one-time code is kept as: of the dossier and the code, never the code itself. */
function codeDigest(dossierId: string, oneTimeCode: string): string {
  return createHash('sha256').update(`otp\n${dossierId}\n${oneTimeCode}`).digest('base64url');
}

/** Why no one-time code was sent: for metrics only; the citizen is told the same in every case. */
export type CodeNotSentReason = 'not_offered' | 'malformed' | 'rate_limited' | 'no_mobile' | 'channel_failed';

/**
 * Sends a one-time code by SMS to the phone on file (issue #32): for a citizen whose code is locked by
 * someone else's guesses, or who has lost the receipt's digits. Answers the same whatever happens (an
 * unknown code, no mobile on file, too many sends): the page says "if the code is right and a mobile was
 * given, a code was sent". Three sends per dossier a day; each counts against the client's budget.
 */
export async function sendOneTimeCode(
  deps: LookUpDeps,
  input: { code: string; clients: readonly string[] },
): Promise<{ sent: boolean; reason?: CodeNotSentReason }> {
  const channel = deps.oneTimeCodes;
  const phone = channel?.phone();
  if (!channel || !phone) return { sent: false, reason: 'not_offered' };
  const [code = '', ...others] = candidateCodes(input.code);
  const now = deps.clock.now();
  if (!(await clientsMayAsk(deps, input.clients, now))) return { sent: false, reason: 'rate_limited' };
  if (!CODE.test(code)) return { sent: false, reason: 'malformed' };
  const { codeSends, codeLifeMs } = LOOKUP_LIMITS;
  if (!(await deps.attempts.attempt(hash(`send:${code}`), codeSends.limit, codeSends.windowMs, now)))
    return { sent: false, reason: 'rate_limited' };
  const record = await findRecord(deps, code, others);
  const mobile = vietnameseMobile(record?.state.received?.applicant.phone);
  if (!record || !mobile) return { sent: false, reason: 'no_mobile' };
  const dossierId = record.state.dossierId;
  const oneTimeCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await channel.codes.putCode(hash(`otp:${dossierId}`), codeDigest(dossierId, oneTimeCode), now + codeLifeMs);
  try {
    await phone.send({
      channel: 'sms',
      phone: mobile.e164,
      text: oneTimeCodeSms(dossierId, oneTimeCode, codeLifeMs / 60_000),
      trackingId: `dh-otp-${hash(`${dossierId}:${now}`).slice(0, 20)}`,
    });
  } catch {
    return { sent: false, reason: 'channel_failed' };
  }
  return { sent: true };
}

/**
 * The dossier opened with a one-time code sent to its phone (issue #32): past the code's lookup limit
 * too — the right citizen is never locked out by others' guesses — but within the client's budget.
 */
export async function lookUpWithOneTimeCode(
  deps: LookUpDeps,
  input: { code: string; oneTimeCode: string; clients: readonly string[] },
): Promise<LookUpResult> {
  const channel = deps.oneTimeCodes;
  const [code = '', ...others] = candidateCodes(input.code);
  const now = deps.clock.now();
  if (!channel) return { reason: 'not_matched' };
  if (!(await clientsMayAsk(deps, input.clients, now))) return { reason: 'rate_limited' };
  if (!CODE.test(code) || !/^\d{6}$/.test(input.oneTimeCode)) return { reason: 'malformed' };
  const record = await findRecord(deps, code, others);
  if (!record) return { reason: 'not_matched' };
  const dossierId = record.state.dossierId;
  const right = await channel.codes.checkCode(
    hash(`otp:${dossierId}`),
    codeDigest(dossierId, input.oneTimeCode),
    now,
    LOOKUP_LIMITS.codeTries,
  );
  return right ? viewOf(deps, record, now) : { reason: 'not_matched' };
}

import type { OutboundEvent } from '../../contracts/outbound-events.ts';
import { RefusedError } from '../../support/errors.ts';
import { vietnamDay } from '../../support/vietnam-time.ts';
import type { ActorRecord } from '../authority/actors.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { vietnameseMobile } from '../phones/phone-number.ts';
import { enteredDate } from '../vietnamese/format.ts';
import { outEvent } from './advance-stages.ts';
import {
  type ApologyChannel,
  type DossierRecord,
  type NotificationKind,
  type OwedNotification,
  scheduleNextAction,
} from './dossier-record.ts';

/** Thrown when an approval is refused by the rules; `field` names what is wrong. */
export type RefusalCode =
  | 'already_reappointed'
  | 'closed'
  | 'reason_missing'
  | 'reason_too_long'
  | 'date_invalid'
  | 'too_far'
  | 'not_working_day'
  | 'not_after_due'
  | 'already_past'
  | 'not_drafted';

export class ApprovalRefusedError extends RefusedError {
  override name = 'ApprovalRefusedError';
  constructor(
    readonly field: 'dossier' | 'reason' | 'newReturnAt',
    readonly code: RefusalCode,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface ApprovalInput {
  /** The reason stated in the letter (Lý do). */
  reason: string;
  /** The new return date: a local date `dd/mm/yyyy` or `YYYY-MM-DD` (the result is due at office closing that day). */
  newReturnDate: string;
  /** Who approved: the head's name. Not personal data of the citizen. */
  approvedBy: string;
  /** The signed-in head who approved (subject, name, grants): kept with the record, so in the audit chain. */
  approver?: ActorRecord | undefined;
}

/**
 * Approves the apology and sets the one re-appointment the law allows (NĐ 61/2018 Điều 19 k9): the new
 * return date must be a working day after the original legal due date; a second re-appointment is
 * refused whatever the caller. The citizen is owed the apology on every channel the dossier gives —
 * email, and a mobile phone (Zalo, else SMS) — otherwise the desk is owed a printable letter.
 */
export function approveApology(
  record: DossierRecord,
  input: ApprovalInput,
  calendar: WorkingCalendar,
  now: number,
): DossierRecord {
  const { state } = record;
  if (record.extendedDueAt !== null || record.apology.status === 'approved' || record.apology.status === 'issued') {
    throw new ApprovalRefusedError(
      'dossier',
      'already_reappointed',
      'the appointment was already reset once; the law allows it only once',
    );
  }
  if (state.status !== 'open' && state.status !== 'suspended') {
    throw new ApprovalRefusedError('dossier', 'closed', `the dossier is ${state.status}`);
  }
  const reason = xmlSafe(input.reason).trim();
  const approvedBy = xmlSafe(input.approvedBy).replace(/\s+/g, ' ').trim();
  if (reason.length < 5) throw new ApprovalRefusedError('reason', 'reason_missing', 'state the reason for the delay');
  if (reason.length > 2000)
    throw new ApprovalRefusedError('reason', 'reason_too_long', 'the reason must be at most 2000 characters');
  const day = calendarDay(input.newReturnDate);
  if (day === undefined)
    throw new ApprovalRefusedError('newReturnAt', 'date_invalid', 'must be a real date YYYY-MM-DD');
  const legalDue = Date.parse(state.dueAt ?? state.originalDueAt ?? '');
  if (day * 86_400_000 > legalDue + MAX_EXTENSION_DAYS * 86_400_000) {
    throw new ApprovalRefusedError(
      'newReturnAt',
      'too_far',
      `must be within ${MAX_EXTENSION_DAYS} days of the legal due date`,
    );
  }
  if (!calendar.isWorkingDay(day)) {
    throw new ApprovalRefusedError('newReturnAt', 'not_working_day', 'must be a working day');
  }
  const newReturnAt = calendar.fromLocal(day, calendar.closingMinute);
  if (!(newReturnAt > legalDue)) {
    throw new ApprovalRefusedError('newReturnAt', 'not_after_due', 'must be after the original due date');
  }
  if (!(newReturnAt > now)) {
    // The letter would promise the citizen a day already gone.
    throw new ApprovalRefusedError('newReturnAt', 'already_past', 'must not be a day already past');
  }
  const at = new Date(now).toISOString();
  const applicant = state.received?.applicant;
  const email = Boolean(applicant?.email);
  const phone = vietnameseMobile(applicant?.phone) !== undefined;
  const channel: ApologyChannel = email && phone ? 'email_and_phone' : email ? 'email' : phone ? 'phone' : 'desk';
  // Each channel the citizen can be reached on, at most once each (delivery.ts); the desk's letter when none.
  const kinds: NotificationKind[] = [
    ...(email ? (['apology_to_citizen'] as const) : []),
    ...(phone ? (['apology_zns'] as const) : []),
  ];
  const owed = (kinds.length > 0 ? kinds : (['apology_letter_for_desk'] as const)).map(
    (kind): OwedNotification => ({ id: apologyNoticeId(state.dossierId, kind), kind, createdAt: at, attempts: 0 }),
  );
  const approved: DossierRecord = {
    ...record,
    extendedDueAt: calendar.formatInstant(newReturnAt),
    apology: {
      ...record.apology,
      status: 'approved',
      approvedAt: at,
      approvedBy,
      ...(input.approver ? { approver: input.approver } : {}),
      reason,
      proposedReturnAt: calendar.formatInstant(newReturnAt),
      channel,
    },
    notifications: { ...record.notifications, ...Object.fromEntries(owed.map((n) => [n.id, n])) },
  };
  approved.nextActionAt = scheduleNextAction(approved, calendar);
  return approved;
}

/** The id of an apology notice: one per channel per dossier (the law allows one apology). */
export function apologyNoticeId(dossierId: string, kind: NotificationKind): string {
  return `${dossierId}#apology#${kind}`;
}

/**
 * The announcement of a stored approval (issue #16), which makes the delivery function send the letter
 * at once. A trigger, not a record: it is not kept in the outbox (a republished trigger would deliver
 * again and again), so if the bus refuses it the scheduled detector delivers the letter, as it always
 * did; `ApologyIssued` (in the outbox) is the fact subscribers rely on.
 */
export function approvalAnnouncement(record: DossierRecord): OutboundEvent {
  return outEvent(
    record,
    'ApologyApproved',
    `${record.state.dossierId}#apology_approved`,
    record.apology.approvedAt ?? new Date(0).toISOString(),
  );
}

/** The latest new return date an approval may set, in days after the legal due date. */
export const MAX_EXTENSION_DAYS = 365;

/**
 * The day number (days since 1970-01-01) of a real calendar date, written `dd/mm/yyyy` as Vietnamese
 * readers enter it (issue #16) or `YYYY-MM-DD`; else undefined.
 */
function calendarDay(text: string): number | undefined {
  const day = enteredDate(text);
  return day === undefined ? undefined : Date.parse(`${day}T00:00:00Z`) / 86_400_000;
}

/**
 * Text as an XML document can hold it (the letter is a .docx): Word's soft line break (U+000B, what a
 * paste from Word brings) becomes a line break; other C0 controls, U+FFFE/U+FFFF and lone surrogates go.
 */
export function xmlSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x0b) out += '\n';
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffe || c === 0xffff)
      continue;
    else if (c >= 0xd800 && c <= 0xdfff)
      continue; // a lone surrogate (a pair iterates as one code point)
    else out += ch;
  }
  return out;
}

/** Marks the approved apology as issued once the citizen's email (or the desk's letter) went out. */
export function markApologyIssued(record: DossierRecord, at: string): DossierRecord {
  if (record.apology.status !== 'approved') return record;
  const event = outEvent(record, 'ApologyIssued', `${record.state.dossierId}#apology_issued`, at);
  return {
    ...record,
    apology: { ...record.apology, status: 'issued', issuedAt: at },
    outbox: { ...record.outbox, [event.detail.eventId]: event },
  };
}

/**
 * The record's violations as supervisors see them: a change of the printed appointment (`reappointed`,
 * from the sync feed) is the lawful one when the apology was approved with that very day; any other is
 * an unexplained re-appointment (issue #17).
 */
export function recordViolations(record: DossierRecord): string[] {
  const approvedDay =
    (record.apology.status === 'approved' || record.apology.status === 'issued') && record.extendedDueAt
      ? vietnamDay(Date.parse(record.extendedDueAt))
      : undefined;
  return record.state.violations
    .filter(
      (v) =>
        v.code !== 'reappointed' ||
        approvedDay === undefined ||
        vietnamDay(Date.parse(v.detail.appointmentAt ?? '')) !== approvedDay,
    )
    .map((v) => v.code);
}

/** What a head writes when returning a draft unsigned: what the desk is to set right, and who they are. */
export interface ReturnInput {
  note: string;
  returnedBy: string;
  returner?: ActorRecord | undefined;
}

/**
 * A head returns the drafted apology unsigned (issue #34): the draft keeps awaiting a head, with the note
 * of what the desk is to set right (the unit at fault, the facts of the delay). The law's clock runs on:
 * a return sets no date and stops no alert; only an approval re-appoints, once.
 */
export function returnDraft(record: DossierRecord, input: ReturnInput, now: number): DossierRecord {
  const { state } = record;
  if (state.status !== 'open' && state.status !== 'suspended')
    throw new ApprovalRefusedError('dossier', 'closed', `the dossier is ${state.status}`);
  if (record.apology.status !== 'drafted')
    throw new ApprovalRefusedError(
      'dossier',
      record.apology.status === 'none' ? 'not_drafted' : 'already_reappointed',
      record.apology.status === 'none' ? 'no draft awaits a head' : 'the apology was approved already',
    );
  const note = xmlSafe(input.note).trim();
  if (note.length < 5) throw new ApprovalRefusedError('reason', 'reason_missing', 'say what the desk is to set right');
  if (note.length > 2000)
    throw new ApprovalRefusedError('reason', 'reason_too_long', 'the note must be at most 2000 characters');
  return {
    ...record,
    apology: {
      ...record.apology,
      returned: {
        at: new Date(now).toISOString(),
        by: xmlSafe(input.returnedBy).replace(/\s+/g, ' ').trim(),
        note,
        ...(input.returner ? { returner: input.returner } : {}),
      },
    },
  };
}

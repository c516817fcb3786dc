import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { outEvent } from './advance-stages.ts';
import { type DossierRecord, type OwedNotification, scheduleNextAction } from './dossier-record.ts';

/** Thrown when an approval is refused by the rules; `field` names what is wrong. */
export type RefusalCode =
  | 'already_reappointed'
  | 'closed'
  | 'reason_missing'
  | 'reason_too_long'
  | 'date_invalid'
  | 'not_working_day'
  | 'not_after_due';

export class ApprovalRefusedError extends Error {
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
  /** The new return date: a local date `YYYY-MM-DD` (the result is due at office closing that day). */
  newReturnDate: string;
  /** Who approved: an official id or the head's name. Not personal data of the citizen. */
  approvedBy: string;
}

/**
 * Approves the apology and sets the one re-appointment the law allows (NĐ 61/2018 Điều 19 k9): the new
 * return date must be a working day after the original legal due date; a second re-appointment is
 * refused whatever the caller. The citizen is owed the apology by email when the dossier has an
 * address, otherwise the desk is owed a printable letter.
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
  const reason = input.reason.trim();
  if (reason.length < 5) throw new ApprovalRefusedError('reason', 'reason_missing', 'state the reason for the delay');
  if (reason.length > 2000)
    throw new ApprovalRefusedError('reason', 'reason_too_long', 'the reason must be at most 2000 characters');
  const match = /^\d{4}-\d{2}-\d{2}$/.exec(input.newReturnDate);
  const day = match ? Date.parse(`${input.newReturnDate}T00:00:00Z`) / 86_400_000 : Number.NaN;
  if (!Number.isInteger(day))
    throw new ApprovalRefusedError('newReturnAt', 'date_invalid', 'must be a date YYYY-MM-DD');
  if (!calendar.isWorkingDay(day)) {
    throw new ApprovalRefusedError('newReturnAt', 'not_working_day', 'must be a working day');
  }
  const newReturnAt = calendar.fromLocal(day, calendar.closingMinute);
  const legalDue = Date.parse(state.dueAt ?? state.originalDueAt ?? '');
  if (!(newReturnAt > legalDue)) {
    throw new ApprovalRefusedError('newReturnAt', 'not_after_due', 'must be after the original due date');
  }
  const at = new Date(now).toISOString();
  const channel = state.received?.applicant.email ? 'email' : 'desk';
  const kind = channel === 'email' ? 'apology_to_citizen' : 'apology_letter_for_desk';
  const notification: OwedNotification = { id: `${state.dossierId}#apology#${kind}`, kind, createdAt: at, attempts: 0 };
  const approved: DossierRecord = {
    ...record,
    extendedDueAt: calendar.formatInstant(newReturnAt),
    apology: {
      ...record.apology,
      status: 'approved',
      approvedAt: at,
      approvedBy: input.approvedBy,
      reason,
      proposedReturnAt: calendar.formatInstant(newReturnAt),
      channel,
    },
    notifications: { ...record.notifications, [notification.id]: notification },
  };
  approved.nextActionAt = scheduleNextAction(approved, calendar);
  return approved;
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

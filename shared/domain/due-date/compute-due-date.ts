import { InvalidInputError } from '../../support/errors.ts';
import { formatIsoDate, type IsoDate, tryParseTimeOfDay, yearOf } from '../calendar/local-date.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { type Duration, validateDuration } from './duration.ts';

/** How one procedure's time limit is counted. Every part is configurable per rule. */
export interface DueDateRule {
  duration: Duration;
  /**
   * `HH:MM`: a receipt at or after it counts from the next working day (NĐ 61/2018 Điều 18: 15:00 for
   * many procedures). Absent or null: office closing time.
   */
  cutoff?: string | null | undefined;
}

/** Legally excluded time (a pause): [from, to) as epoch milliseconds; `to` absent while still paused. */
export interface SuspensionInterval {
  from: number;
  to?: number | undefined;
}

export interface DueDateRequest {
  /** The instant the (complete) dossier was received, epoch ms. After a supplement: the resubmission. */
  receivedAt: number;
  rule: DueDateRule;
  suspensions?: readonly SuspensionInterval[] | undefined;
  /** Closes a suspension that has not ended yet, so a paused clock can still be projected. */
  asOf?: number | undefined;
}

/** Why the effective receipt is what it is. */
export type ReceiptReason =
  | 'working_day_before_cutoff'
  | 'after_cutoff'
  | 'non_working_day'
  | 'in_office_hours'
  | 'before_opening'
  | 'lunch_break'
  | 'outside_office_hours';

export interface DueDate {
  receivedAt: number;
  /** The day the clock counts from (not itself counted for day units). */
  effectiveReceiptDay: number;
  effectiveReceiptDate: IsoDate;
  receiptReason: ReceiptReason;
  /** The instant counting starts: closing of the effective receipt day (day units) or the effective receipt instant (hours). */
  clockStartsAt: number;
  dueAt: number;
  dueDay: number;
  /** Working minutes (calendar minutes for calendar days) added by suspensions. */
  suspendedMinutes: number;
  /** True while a suspension is open and no `asOf` closed it: the due date is not final. */
  paused: boolean;
  /** True when a provisional (unofficial) year lies between receipt and due date. */
  provisional: boolean;
}

/** Thrown for a request the engine cannot compute; `field` names the offending input. */
export class InvalidDueDateRequestError extends InvalidInputError {
  override name = 'InvalidDueDateRequestError';
  constructor(
    override readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, field);
  }
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;

/**
 * Computes the legal due date of a dossier (DESIGN "Due-date arithmetic"): the effective receipt day
 * (cut-off, days off), then N working days / hours / calendar days on the calendar's index, extended
 * by suspended working time. O(1) in N apart from the number of suspensions.
 */
export function computeDueDate(calendar: WorkingCalendar, request: DueDateRequest): DueDate {
  const { receivedAt, rule } = request;
  if (!Number.isFinite(receivedAt)) throw new InvalidDueDateRequestError('receivedAt', 'must be a valid instant');
  try {
    validateDuration(rule.duration);
  } catch (error) {
    throw new InvalidDueDateRequestError('duration', (error as Error).message);
  }
  const cutoff = cutoffMinute(calendar, rule.cutoff);
  const local = calendar.toLocal(receivedAt);
  const receiptIsWorkingDay = calendar.isWorkingDay(local.day);
  const suspensions = mergeSuspensions(request.suspensions ?? [], request.asOf);
  const paused = suspensions.some((s) => s.open);
  const perDay = calendar.officeMinutesPerDay;

  if (rule.duration.unit === 'working_hours')
    return dueInWorkingHours(calendar, { receivedAt, hours: rule.duration.amount, cutoff, suspensions, paused });

  const beforeCutoff = receiptIsWorkingDay && local.minute < cutoff;
  const effectiveDay = beforeCutoff ? local.day : calendar.nthWorkingDayAfter(local.day, 1);
  const reason: ReceiptReason = beforeCutoff
    ? 'working_day_before_cutoff'
    : receiptIsWorkingDay
      ? 'after_cutoff'
      : 'non_working_day';
  const clockStartsAt = calendar.fromLocal(effectiveDay, calendar.closingMinute);

  if (rule.duration.unit === 'working_days') {
    const startPosition = (calendar.rankOf(effectiveDay) + 1) * perDay;
    const base = startPosition + rule.duration.amount * perDay;
    const { position, extension } = extendByOfficeTime(calendar, startPosition, base, suspensions);
    const due = calendar.localAtPosition(position, true);
    return finish(calendar, {
      receivedAt,
      effectiveReceiptDay: effectiveDay,
      receiptReason: reason,
      clockStartsAt,
      dueAt: calendar.fromLocal(due.day, due.minute),
      dueDay: due.day,
      suspendedMinutes: extension,
      paused,
    });
  }

  // Calendar days: R + N, moved to the next working day when it lands on a day off (BLDS Điều 148);
  // suspensions add the calendar time they cover, in whole days.
  let extensionMs = 0;
  let dueDay = calendar.workingDayOnOrAfter(effectiveDay + rule.duration.amount);
  for (const s of suspensions) {
    const from = Math.max(s.from, clockStartsAt);
    const dueAt = calendar.fromLocal(dueDay, calendar.closingMinute);
    if (from >= dueAt) break;
    if (s.to <= from) continue;
    extensionMs += s.to - from;
    dueDay = calendar.workingDayOnOrAfter(effectiveDay + rule.duration.amount + Math.ceil(extensionMs / MS_PER_DAY));
  }
  return finish(calendar, {
    receivedAt,
    effectiveReceiptDay: effectiveDay,
    receiptReason: reason,
    clockStartsAt,
    dueAt: calendar.fromLocal(dueDay, calendar.closingMinute),
    dueDay,
    suspendedMinutes: Math.round(extensionMs / MS_PER_MINUTE),
    paused,
  });
}

/** The cut-off minute of a rule (office closing when absent). */
export function cutoffMinute(calendar: WorkingCalendar, cutoff: string | null | undefined): number {
  if (cutoff === undefined || cutoff === null) return calendar.closingMinute;
  const minute = tryParseTimeOfDay(cutoff);
  if (minute === undefined)
    throw new InvalidDueDateRequestError('cutoff', `must be HH:MM, got ${JSON.stringify(cutoff)}`);
  return minute;
}

interface MergedSuspension {
  from: number;
  to: number;
  open: boolean;
}

/** Sorts and merges suspension intervals; an open one ends at `asOf` (or has no length without it). */
export function mergeSuspensions(
  suspensions: readonly SuspensionInterval[],
  asOf: number | undefined,
): MergedSuspension[] {
  const intervals = suspensions
    .map((s, i) => {
      if (!Number.isFinite(s.from))
        throw new InvalidDueDateRequestError(`suspensions[${i}].from`, 'must be a valid instant');
      if (s.to !== undefined && !(s.to >= s.from)) {
        throw new InvalidDueDateRequestError(`suspensions[${i}].to`, 'must not be before from');
      }
      const open = s.to === undefined;
      const to = s.to ?? Math.max(asOf ?? s.from, s.from);
      return { from: s.from, to, open: open && asOf === undefined };
    })
    .sort((a, b) => a.from - b.from);
  const merged: MergedSuspension[] = [];
  for (const interval of intervals) {
    const last = merged.at(-1);
    if (last && interval.from <= last.to) {
      last.to = Math.max(last.to, interval.to);
      last.open ||= interval.open;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

/**
 * Extends a due position by the office time of each suspension that starts before the (already
 * extended) due position and after the clock started; a pause after the deadline moves nothing.
 */
function extendByOfficeTime(
  calendar: WorkingCalendar,
  startPosition: number,
  basePosition: number,
  suspensions: readonly MergedSuspension[],
): { position: number; extension: number } {
  let position = basePosition;
  for (const s of suspensions) {
    const from = Math.max(calendar.officePositionOfInstant(s.from), startPosition);
    if (from >= position) break;
    const to = calendar.officePositionOfInstant(s.to);
    if (to > from) position += to - from;
  }
  return { position, extension: position - basePosition };
}

function finish(calendar: WorkingCalendar, due: Omit<DueDate, 'effectiveReceiptDate' | 'provisional'>): DueDate {
  const fromYear = yearOf(calendar.toLocal(due.receivedAt).day);
  const toYear = yearOf(due.dueDay);
  let provisional = false;
  for (let year = fromYear; year <= toYear && !provisional; year += 1) {
    provisional = calendar.isProvisional(year);
  }
  return { ...due, effectiveReceiptDate: formatIsoDate(due.effectiveReceiptDay), provisional };
}

/** A limit in working hours: counted in office minutes from the receipt (or the next opening). */
function dueInWorkingHours(
  calendar: WorkingCalendar,
  input: { receivedAt: number; hours: number; cutoff: number; suspensions: MergedSuspension[]; paused: boolean },
): DueDate {
  const { receivedAt, cutoff, suspensions, paused } = input;
  const local = calendar.toLocal(receivedAt);
  const perDay = calendar.officeMinutesPerDay;
  let startPosition: number;
  let reason: ReceiptReason;
  if (!calendar.isWorkingDay(local.day)) {
    reason = 'non_working_day';
    startPosition = calendar.rankOf(local.day) * perDay;
  } else if (local.minute >= cutoff || local.minute >= calendar.closingMinute) {
    reason = local.minute >= cutoff && cutoff < calendar.closingMinute ? 'after_cutoff' : 'outside_office_hours';
    startPosition = calendar.rankOf(local.day + 1) * perDay;
  } else {
    reason = calendar.isOfficeTime(local.minute)
      ? 'in_office_hours'
      : local.minute < calendar.openingMinute
        ? 'before_opening'
        : 'lunch_break';
    startPosition = calendar.officePosition(local.day, local.minute);
  }
  const base = startPosition + input.hours * 60;
  const { position, extension } = extendByOfficeTime(calendar, startPosition, base, suspensions);
  const start = calendar.localAtPosition(startPosition, false);
  // A zero-length limit ends where it starts (the opening), not at the previous closing.
  const due = calendar.localAtPosition(position, position > startPosition);
  return finish(calendar, {
    receivedAt,
    effectiveReceiptDay: start.day,
    receiptReason: reason,
    clockStartsAt: calendar.fromLocal(start.day, start.minute),
    dueAt: calendar.fromLocal(due.day, due.minute),
    dueDay: due.day,
    suspendedMinutes: extension,
    paused,
  });
}

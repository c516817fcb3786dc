import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { computeDueDate, type DueDateRule, mergeSuspensions, type SuspensionInterval } from './compute-due-date.ts';
import { type Duration, validateDuration } from './duration.ts';

/** One step of an inter-agency (liên thông) procedure: the unit that holds the dossier and its allotted time. */
export interface StepSpec {
  unitId: string;
  unitName?: string | undefined;
  duration: Duration;
  /** When the unit actually received the dossier (a hand-over); absent while the step has not started. */
  startedAt?: number | undefined;
  /** When the unit handed the dossier on; absent while it still holds it. */
  finishedAt?: number | undefined;
}

export interface StepDue {
  unitId: string;
  /** Start of the step's clock: the hand-over instant when known, else the planned end of the previous step. */
  startsAt: number;
  dueAt: number;
  /** True when the start is an actual hand-over, false when it is planned. */
  started: boolean;
  /** For a finished step: early, on time or late against its own allotted time (TT 01/2018 Điều 13). */
  result?: 'early' | 'on_time' | 'late' | undefined;
}

/**
 * Per-step due dates for an inter-agency procedure. The first step starts with the dossier's clock;
 * each later step starts at its actual hand-over (counted like a receipt: the hand-over day is not
 * counted) or, before that, at the planned end of the previous step. Steps in working days or hours
 * run on office time, so the planned steps add up exactly to the total; suspensions inside a step
 * extend that step.
 */
export function planSteps(
  calendar: WorkingCalendar,
  dossier: { receivedAt: number; rule: DueDateRule; suspensions?: readonly SuspensionInterval[]; asOf?: number },
  steps: readonly StepSpec[],
): StepDue[] {
  const suspensions = mergeSuspensions(dossier.suspensions ?? [], dossier.asOf).map((s) => ({
    from: calendar.officePositionOfInstant(s.from),
    to: calendar.officePositionOfInstant(s.to),
  }));
  const perDay = calendar.officeMinutesPerDay;
  const clock = computeDueDate(calendar, {
    receivedAt: dossier.receivedAt,
    rule: { ...dossier.rule, duration: { amount: 0, unit: dossier.rule.duration.unit } },
  });
  let previousEnd =
    dossier.rule.duration.unit === 'working_hours'
      ? calendar.officePositionOfInstant(clock.clockStartsAt)
      : (calendar.rankOf(clock.effectiveReceiptDay) + 1) * perDay;
  const out: StepDue[] = [];
  let previousFinishedAt: number | undefined;
  steps.forEach((step, index) => {
    validateDuration(step.duration);
    let start = previousEnd;
    const startedAt = step.startedAt ?? previousFinishedAt;
    const started = index === 0 || startedAt !== undefined;
    if (index > 0 && startedAt !== undefined) {
      const handover = computeDueDate(calendar, {
        receivedAt: startedAt,
        rule: { duration: { amount: 0, unit: step.duration.unit } },
      });
      start =
        step.duration.unit === 'working_hours'
          ? calendar.officePositionOfInstant(handover.clockStartsAt)
          : (calendar.rankOf(handover.effectiveReceiptDay) + 1) * perDay;
    }
    let due: number;
    if (step.duration.unit === 'calendar_days') {
      const startDay = calendar.localAtPosition(start, true).day;
      const dueDay = calendar.workingDayOnOrAfter(startDay + step.duration.amount);
      due = (calendar.rankOf(dueDay) + 1) * perDay;
    } else {
      const minutes = step.duration.unit === 'working_days' ? step.duration.amount * perDay : step.duration.amount * 60;
      due = start + minutes;
    }
    for (const s of suspensions) {
      const from = Math.max(s.from, start);
      if (from >= due) break;
      if (s.to > from) due += s.to - from;
    }
    const dueAt = calendar.instantAtPosition(due, true);
    let result: StepDue['result'];
    if (step.finishedAt !== undefined) {
      const finished = calendar.officePositionOfInstant(step.finishedAt);
      const dueDay = calendar.localAtPosition(due, true).day;
      const finishedDay = calendar.toLocal(step.finishedAt).day;
      result = finished > due ? 'late' : finishedDay < dueDay ? 'early' : 'on_time';
    }
    out.push({
      unitId: step.unitId,
      startsAt: calendar.instantAtPosition(start, true),
      dueAt,
      started,
      ...(result === undefined ? {} : { result }),
    });
    previousEnd = due;
    previousFinishedAt = step.finishedAt;
  });
  return out;
}

import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Duration } from '../due-date/duration.ts';

/** Alert stages of a dossier's clock cycle, in the only order they can be reached. */
export const STAGES = ['ON_TRACK', 'DUE_SOON', 'APOLOGY_DEADLINE', 'OVERDUE', 'SECOND_OVERRUN'] as const;
export type Stage = (typeof STAGES)[number];

/** The instants at which each later stage begins, for one clock cycle. */
export interface StageThresholds {
  DUE_SOON: number;
  APOLOGY_DEADLINE: number;
  OVERDUE: number;
  /** Only once an extended (re-appointed) date exists. */
  SECOND_OVERRUN?: number | undefined;
}

/**
 * When each stage begins: DUE_SOON at the warn lead time before the due date (working time), the
 * APOLOGY_DEADLINE one working day before it (NĐ 61/2018 Điều 19 k9: the apology comes at least one day
 * before the due date), OVERDUE at the due date, SECOND_OVERRUN at the extended date.
 */
export function stageThresholds(
  calendar: WorkingCalendar,
  dueAt: number,
  warnLeadTime: Duration,
  extendedDueAt?: number | null,
): StageThresholds {
  const due = calendar.officePositionOfInstant(dueAt);
  const lead =
    warnLeadTime.unit === 'working_hours'
      ? warnLeadTime.amount * 60
      : warnLeadTime.amount * calendar.officeMinutesPerDay;
  const before = (minutes: number) => Math.min(calendar.instantAtPosition(due - minutes, true), dueAt);
  const apology = before(calendar.officeMinutesPerDay);
  return {
    DUE_SOON: Math.min(before(lead), apology),
    APOLOGY_DEADLINE: apology,
    OVERDUE: dueAt,
    ...(extendedDueAt === null || extendedDueAt === undefined ? {} : { SECOND_OVERRUN: extendedDueAt }),
  };
}

/** The instant the detector must next look at a dossier in this stage, or undefined when nothing is left. */
export function nextActionAt(stage: Stage, thresholds: StageThresholds): number | undefined {
  const index = STAGES.indexOf(stage);
  for (const next of STAGES.slice(index + 1)) {
    if (next === 'ON_TRACK') continue;
    const at = thresholds[next];
    if (at !== undefined) return at;
  }
  return undefined;
}

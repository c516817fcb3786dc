import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Duration } from '../due-date/duration.ts';
import type { DossierState, StepState } from './dossier-state.ts';

/*
 * Step clocks (issue #15, ADR 0015): in an inter-agency (liên thông) dossier every unit has its own time
 * limit (NĐ 61/2018 Điều 19 k5–k7). The unit holding the dossier is warned before its own step is due
 * (the rule's lead time scaled to the step) and alerted when it overruns; a step that overran is alerted
 * even when the hand-over came before any detector run saw it, so an overrun is never forgotten.
 */

export type StepAlertKind = 'step_due_soon' | 'step_overdue';

/** A step alert a dossier owes at `at` (once), for step `step` (0-based) of the current clock cycle. */
export interface StepAlert {
  id: string;
  kind: StepAlertKind;
  step: number;
  at: number;
}

export function stepAlertId(state: Pick<DossierState, 'dossierId' | 'cycle'>, step: number, kind: StepAlertKind) {
  return `${state.dossierId}#c${state.cycle}#s${step}#${kind}`;
}

/** The step holding the dossier now: the first one not handed on. Undefined without steps or when all are done. */
export function holdingStep(state: Pick<DossierState, 'steps'>): number | undefined {
  const index = state.steps.findIndex((s) => s.finishedAt === undefined);
  return index < 0 ? undefined : index;
}

function minutesOf(calendar: WorkingCalendar, duration: Duration): number {
  if (duration.unit === 'working_hours') return duration.amount * 60;
  // Calendar days are scaled as if they were working days: the ratio is what matters.
  return duration.amount * calendar.officeMinutesPerDay;
}

/**
 * Every step alert of the current cycle with the instant it is due, except those already owed (`known`):
 * the holding step's warning and overrun, and the overrun of each earlier step that finished late. A step
 * due with the dossier itself is left to the dossier's own alerts (they go to the holding unit too).
 */
export function stepAlerts(
  state: DossierState,
  calendar: WorkingCalendar,
  known: (id: string) => boolean,
): StepAlert[] {
  if (state.status !== 'open' || !state.rule || !state.dueAt || state.steps.length === 0) return [];
  const dossierDue = Date.parse(state.dueAt);
  const total = minutesOf(calendar, state.rule.duration);
  const lead = minutesOf(calendar, state.rule.warnLeadTime);
  const out: StepAlert[] = [];
  const owe = (step: number, kind: StepAlertKind, at: number) => {
    const id = stepAlertId(state, step, kind);
    if (!known(id)) out.push({ id, kind, step, at });
  };
  for (const [index, step] of state.steps.entries()) {
    const due = Date.parse(step.dueAt);
    if (!step.dueAt || Number.isNaN(due) || due >= dossierDue) {
      if (step.finishedAt === undefined) break;
      continue;
    }
    if (step.finishedAt !== undefined) {
      if (step.result === 'late') owe(index, 'step_overdue', Date.parse(step.finishedAt));
      continue;
    }
    // The holding step: warned at its scaled lead time (at least one working hour) before its due.
    const scaled = Math.max(60, Math.round((lead * minutesOf(calendar, step.duration)) / Math.max(total, 1)));
    const start = startOf(state.steps, index, state);
    const warnAt = Math.max(calendar.instantAtPosition(calendar.officePositionOfInstant(due) - scaled, true), start);
    if (!known(stepAlertId(state, index, 'step_overdue'))) {
      if (warnAt < due) owe(index, 'step_due_soon', warnAt);
      owe(index, 'step_overdue', due);
    }
    break;
  }
  return out;
}

function startOf(steps: readonly StepState[], index: number, state: Pick<DossierState, 'clockStartedAt'>): number {
  const step = steps[index];
  const at = step?.startedAt ?? steps[index - 1]?.finishedAt ?? state.clockStartedAt;
  return at === undefined ? 0 : Date.parse(at);
}

/** The earliest instant a step alert is due, if any (the detector's next look at the dossier). */
export function nextStepAlertAt(
  state: DossierState,
  calendar: WorkingCalendar,
  known: (id: string) => boolean,
): number | undefined {
  let at: number | undefined;
  for (const alert of stepAlerts(state, calendar, known)) at = at === undefined ? alert.at : Math.min(at, alert.at);
  return at;
}

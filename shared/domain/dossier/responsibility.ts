import type { DossierState } from './dossier-state.ts';

/*
 * Who answers for a delay (issue #15, ADR 0015; NĐ 61/2018 Điều 19 k5–k7, TT 01/2018 Điều 13): the first
 * unit whose own step overran; else, once the whole time limit has passed, the unit holding the dossier at
 * that moment; else nobody. One home for the rule: the detector, `dunghan dossier`, the letters, the stage
 * events and the supervisors' reports all ask here.
 */

/** A step as both the dossier state and the report row keep it. */
export interface StepLike {
  unitId: string;
  unitName?: string | undefined;
  dueAt: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
}

export interface ResponsibleUnit {
  unitId: string;
  unitName: string;
  /** The inter-agency step that overran (1-based, as on the process-control slip); absent for the receiving unit. */
  step?: number | undefined;
  /** The time limit that was passed: the step's own, or the dossier's. */
  dueAt: string;
  /** When the unit handed the dossier on (or the dossier closed); absent while it is still late with it. */
  until?: string | undefined;
}

/**
 * The unit responsible for a delay as of `at` (now, or when the dossier closed); undefined when nothing
 * is late. `dossierDueAt` is the dossier's legal due date; `receiving` the unit that received it.
 */
export function responsibleUnit(
  steps: readonly StepLike[],
  receiving: { id: string; name: string },
  dossierDueAt: string | null | undefined,
  at: number,
  closedAt?: string | undefined,
): ResponsibleUnit | undefined {
  for (const [index, step] of steps.entries()) {
    const due = Date.parse(step.dueAt);
    if (Number.isNaN(due)) break;
    const finished = step.finishedAt === undefined ? undefined : Date.parse(step.finishedAt);
    if (finished !== undefined) {
      if (finished > due) return stepUnit(step, index, step.finishedAt);
      continue;
    }
    // The holding step: later ones have not started, so none of them can have overrun first.
    if (due < at) return stepUnit(step, index, closedAt);
    break;
  }
  if (!dossierDueAt) return undefined;
  const due = Date.parse(dossierDueAt);
  if (!(due < at)) return undefined;
  // The whole limit passed with no step overrun: the unit holding the dossier at its due instant.
  const holding = steps.findIndex((s) => s.finishedAt === undefined || Date.parse(s.finishedAt) > due);
  const step = holding < 0 ? undefined : steps[holding];
  if (step) return { ...stepUnit(step, holding, closedAt), dueAt: dossierDueAt };
  return {
    unitId: receiving.id,
    unitName: receiving.name,
    dueAt: dossierDueAt,
    ...(closedAt ? { until: closedAt } : {}),
  };
}

function stepUnit(step: StepLike, index: number, until: string | undefined): ResponsibleUnit {
  return {
    unitId: step.unitId,
    unitName: step.unitName ?? step.unitId,
    step: index + 1,
    dueAt: step.dueAt,
    ...(until ? { until } : {}),
  };
}

/** The unit answering for a dossier's delay at `now` (or when it closed), with the names the events gave. */
export function responsibleNow(state: DossierState, now: number): ResponsibleUnit | undefined {
  const received = state.received;
  if (!received) return undefined;
  return responsibleUnit(
    state.steps,
    { id: received.agency.id, name: received.agency.name },
    state.dueAt ?? state.originalDueAt,
    state.closedAt ? Math.min(now, Date.parse(state.closedAt)) : now,
    state.closedAt,
  );
}

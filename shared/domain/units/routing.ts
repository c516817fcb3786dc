import type { DossierRecord, OwedNotification } from '../dossier/dossier-record.ts';
import type { DossierState } from '../dossier/dossier-state.ts';
import { responsibleNow } from '../dossier/responsibility.ts';
import { holdingStep } from '../dossier/step-clocks.ts';
import type { UnitBook } from './unit-directory.ts';

/*
 * Who an alert goes to (issue #15, ADR 0015). Names and addresses on the events win; the directory of
 * units supplies the rest (a hand-over names only the unit). A unit missing from the directory has its
 * alerts sent to the desk that received the dossier, which is told why.
 */

export interface Official {
  name: string;
  email: string;
}

/** A unit's one-stop desk: the officials who get its alerts and its head (copied on overruns). */
export interface Desk {
  unitId: string;
  unitName: string;
  officials: Official[];
  head?: { name: string; title: string; email?: string | undefined } | undefined;
  /** Units not in the directory whose alerts this desk receives in their place. */
  standingInFor?: { unitId: string; unitName: string }[] | undefined;
}

/** The desk that received the dossier: the official and head on the receipt, else the directory's. */
export function receivingDesk(state: DossierState, units: UnitBook): Desk {
  const received = state.received;
  if (!received) throw new Error(`dossier ${state.dossierId} has no receipt`);
  const unit = units.get(received.agency.id);
  return {
    unitId: received.agency.id,
    unitName: received.agency.name,
    officials: [{ name: received.official.name, email: received.official.email }],
    head: received.head ?? unit?.head,
  };
}

/** A unit's desk from the directory; the receiving desk standing in when the unit is not in it. */
export function deskOf(unitId: string, unitName: string | undefined, state: DossierState, units: UnitBook): Desk {
  const receiving = receivingDesk(state, units);
  if (unitId === receiving.unitId) return receiving;
  const unit = units.get(unitId);
  if (unit) return { unitId, unitName: unitName ?? unit.name, officials: unit.desk, head: unit.head };
  return { ...receiving, standingInFor: [{ unitId, unitName: unitName ?? unitId }] };
}

/** The units a dossier belongs to: the one that received it and every unit a step passes through. */
export function dossierUnits(state: DossierState): string[] {
  return [...new Set([...(state.received ? [state.received.agency.id] : []), ...state.steps.map((s) => s.unitId)])];
}

/** The units a dossier names that the directory lacks (flagged on the dossier). */
export function unitsMissingFrom(state: DossierState, units: UnitBook): string[] {
  return dossierUnits(state)
    .filter((id) => !units.get(id) && id !== state.received?.agency.id)
    .sort();
}

/**
 * Who issues the apology, by the province's policy (`apologyIssuer` in the directory): the competent
 * agency that received the dossier (naming the unit at fault), or the unit at fault in its own name.
 */
export function apologyIssuerDesk(record: DossierRecord, units: UnitBook, now: number): Desk {
  const { state } = record;
  const receiving = receivingDesk(state, units);
  if (units.issuer === 'lead_agency') return receiving;
  const atFault = responsibleNow(state, now);
  if (!atFault || atFault.unitId === receiving.unitId) return receiving;
  return deskOf(atFault.unitId, atFault.unitName, state, units);
}

/** One desk an alert goes to, and whether its head is copied. */
export interface Route {
  desk: Desk;
  copyHead: boolean;
}

/**
 * The desks an official's alert goes to:
 * - a step's warning: the unit holding the dossier; a step's overrun: that unit, its head copied, and
 *   the receiving desk (it informs the citizen);
 * - the dossier's warning (with the draft apology): the desk that issues the apology, and the unit
 *   holding the dossier; an apology deadline missed, an overrun, a second overrun: the same, and the unit
 *   at fault, each head copied, and the receiving desk;
 * - a printable letter or an unconfirmed apology: the receiving desk, which hands it over.
 * Several routes to one desk are merged.
 */
export function routeNotification(record: DossierRecord, n: OwedNotification, units: UnitBook, now: number): Route[] {
  const { state } = record;
  const receiving = receivingDesk(state, units);
  const routes: Route[] = [];
  const stepDesk = (index: number | undefined) => {
    const step = index === undefined ? undefined : state.steps[index];
    return step ? deskOf(step.unitId, step.unitName, state, units) : undefined;
  };
  // A desk standing in for a unit missing from the directory is told, but its head is not the unit's.
  const add = (desk: Desk | undefined, copyHead: boolean) => {
    if (desk) routes.push({ desk, copyHead: copyHead && !desk.standingInFor });
  };
  switch (n.kind) {
    case 'step_due_soon':
      add(stepDesk(n.step), false);
      break;
    case 'step_overdue':
      add(stepDesk(n.step), true);
      add(receiving, false);
      break;
    case 'due_soon':
      // In an inter-agency dossier the issuing unit's head is copied on the draft: another unit's step
      // threatens its deadline. A single-agency draft goes to the desk alone, as before.
      add(apologyIssuerDesk(record, units, now), state.steps.length > 0);
      add(stepDesk(holdingStep(state)), false);
      break;
    case 'apology_deadline_missed':
    case 'overdue':
    case 'second_overrun': {
      add(apologyIssuerDesk(record, units, now), true);
      add(stepDesk(holdingStep(state)), true);
      const atFault = responsibleNow(state, now);
      if (atFault) add(deskOf(atFault.unitId, atFault.unitName, state, units), true);
      add(receiving, false);
      break;
    }
    default:
      add(receiving, false);
  }
  return merge(routes);
}

/** The key two routes to the same desk share: its officials' addresses. */
export function deskKey(desk: Desk): string {
  return desk.officials
    .map((o) => o.email.toLowerCase())
    .sort()
    .join(',');
}

function merge(routes: readonly Route[]): Route[] {
  const byKey = new Map<string, Route>();
  for (const route of routes) {
    const key = deskKey(route.desk);
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, { desk: { ...route.desk }, copyHead: route.copyHead });
      continue;
    }
    known.copyHead ||= route.copyHead;
    const standIns = [...(known.desk.standingInFor ?? []), ...(route.desk.standingInFor ?? [])];
    if (standIns.length > 0)
      known.desk.standingInFor = standIns.filter((s, i) => standIns.findIndex((t) => t.unitId === s.unitId) === i);
  }
  return [...byKey.values()];
}

/** The unit a letter is issued in the name of, and the unit at fault it names (ADR 0015). */
export interface LetterIssuer {
  name: string;
  parentName?: string | undefined;
  place?: string | undefined;
  headName?: string | undefined;
  /** Another unit whose step overran: named in the draft reason. */
  atFault?: { name: string; step?: number | undefined; dueAt: string } | undefined;
}

/** Who the apology is issued by, per the province's policy, and the unit at fault it names. */
export function letterIssuer(record: DossierRecord, units: UnitBook, now: number): LetterIssuer {
  const { state } = record;
  const received = state.received;
  if (!received) throw new Error(`dossier ${state.dossierId} has no receipt`);
  const fault = responsibleNow(state, now);
  const atFault =
    fault && fault.unitId !== received.agency.id
      ? { name: units.get(fault.unitId)?.name ?? fault.unitName, step: fault.step, dueAt: fault.dueAt }
      : undefined;
  const faultUnit = atFault && fault ? units.get(fault.unitId) : undefined;
  if (units.issuer === 'unit_at_fault' && atFault) {
    return {
      name: atFault.name,
      parentName: units.get(faultUnit?.parentId)?.name,
      place: faultUnit?.place,
      headName: faultUnit?.head.name,
      atFault,
    };
  }
  const own = units.get(received.agency.id);
  return {
    name: received.agency.name,
    parentName: received.agency.parentName ?? units.get(own?.parentId)?.name,
    place: received.agency.place ?? own?.place,
    headName: received.head?.name ?? own?.head.name,
    ...(atFault ? { atFault } : {}),
  };
}

/** The record with every step named: the name the events gave, else the directory's (else the id stays). */
export function withUnitNames(record: DossierRecord, units: UnitBook): DossierRecord {
  const { steps } = record.state;
  if (steps.every((s) => s.unitName !== undefined || !units.get(s.unitId))) return record;
  return {
    ...record,
    state: {
      ...record.state,
      steps: steps.map((s) => (s.unitName === undefined ? { ...s, unitName: units.get(s.unitId)?.name } : s)),
    },
  };
}

import type { DossierEvent } from '../../contracts/dossier-events.ts';
import { vietnamDay } from '../../support/vietnam-time.ts';
import { CLOSED_STATUSES, type DossierState } from './dossier-types.ts';

/*
 * How each lifecycle event changes a dossier's state (the fold's step, issue #33: apart from the fold
 * that orders and finalises): one handler per event type; what is refused or already known is kept in
 * the history as ignored.
 */

type Of<K extends DossierEvent['type']> = Extract<DossierEvent, { type: K }>;
type Handler<K extends DossierEvent['type']> = (state: DossierState, event: Of<K>) => void;

/** Applies one event to the state (in the fold's order). */
export function apply(state: DossierState, event: DossierEvent): void {
  const { occurredAt, eventId } = event.detail;
  // The appointment in force re-sent (every update of the sync feed carries it) is no change at all.
  if (event.type === 'DossierReappointed' && Date.parse(event.detail.appointmentAt) === appointmentInForce(state))
    return;
  // The result handed to the citizen after it was decided ("10 Đã trả kết quả" after "9 Đã xử lý xong").
  if (event.type === 'DossierResolved' && state.status === 'resolved' && event.detail.returnedAt && !state.returnedAt) {
    state.returnedAt = event.detail.returnedAt;
    state.history.push({ at: occurredAt, kind: 'returned', eventId });
    return;
  }
  if (CLOSED_STATUSES.has(state.status) || event.type === 'DossierReceived') {
    const note =
      event.type === 'DossierReceived' ? 'second receipt for the same dossier' : `${event.type} after ${state.status}`;
    state.history.push({ at: occurredAt, kind: 'ignored', eventId, note });
    return;
  }
  (HANDLERS[event.type] as Handler<typeof event.type>)(state, event);
}

/** Ends the suspension still running, at this instant. */
function closeSuspension(state: DossierState, at: string): void {
  const open = state.suspensions.at(-1);
  if (open && open.to === undefined) open.to = at;
}

function ignore(state: DossierState, event: DossierEvent, note: string): void {
  state.history.push({ at: event.detail.occurredAt, kind: 'ignored', eventId: event.detail.eventId, note });
}

const supplementRequested: Handler<'DossierSupplementRequested'> = (state, event) => {
  const { occurredAt, eventId } = event.detail;
  // The same request reported twice — through both of the portal's services, under two ids — is one
  // request: still waiting for the supplement, at the same second (issue #32: it counted twice and
  // turned the QĐ 766 score to late).
  const second = (at: string) => Math.floor(Date.parse(at) / 1000);
  if (
    state.status === 'awaiting_supplement' &&
    state.supplement &&
    second(state.supplement.lastRequestedAt) === second(occurredAt)
  )
    return ignore(state, event, 'the same supplement request again');
  closeSuspension(state, occurredAt);
  state.status = 'awaiting_supplement';
  state.supplement = {
    requests: (state.supplement?.requests ?? 0) + 1,
    lastRequestedAt: occurredAt,
    waitedMs: state.supplement?.waitedMs ?? 0,
  };
  state.history.push({ at: occurredAt, kind: 'supplement_requested', eventId });
};

/** NĐ 61/2018 Điều 19 k4: the time limit restarts from zero at the complete dossier. */
const supplemented: Handler<'DossierSupplemented'> = (state, event) => {
  const { occurredAt, eventId } = event.detail;
  closeSuspension(state, occurredAt);
  state.cycle += 1;
  state.clockStartedAt = occurredAt;
  state.suspensions = [];
  state.steps = state.steps.map((s) => ({ unitId: s.unitId, unitName: s.unitName, duration: s.duration, dueAt: '' }));
  state.status = 'open';
  if (state.supplement && state.supplement.lastSuppliedAt === undefined) {
    const waited = Date.parse(occurredAt) - Date.parse(state.supplement.lastRequestedAt);
    state.supplement = {
      ...state.supplement,
      lastSuppliedAt: occurredAt,
      waitedMs: state.supplement.waitedMs + Math.max(0, waited),
    };
  }
  state.history.push({ at: occurredAt, kind: 'restarted', eventId });
};

const suspended: Handler<'DossierSuspended'> = (state, event) => {
  const { occurredAt, eventId, reason } = event.detail;
  if (state.status !== 'open') return ignore(state, event, `suspension while ${state.status}`);
  state.suspensions.push({ from: occurredAt, reason });
  state.status = 'suspended';
  state.history.push({ at: occurredAt, kind: 'suspended', eventId, note: reason });
};

const resumed: Handler<'DossierResumed'> = (state, event) => {
  const { occurredAt, eventId } = event.detail;
  if (state.status !== 'suspended') return ignore(state, event, `resume while ${state.status}`);
  closeSuspension(state, occurredAt);
  state.status = 'open';
  state.history.push({ at: occurredAt, kind: 'resumed', eventId });
};

/** What "being processed" ends depends on the state at that instant, so the feed's order never matters. */
const processing: Handler<'DossierProcessing'> = (state, event) => {
  const { occurredAt, eventId } = event.detail;
  if (state.status === 'awaiting_supplement')
    return supplemented(state, { type: 'DossierSupplemented', detail: event.detail });
  if (state.status === 'suspended') return resumed(state, { type: 'DossierResumed', detail: event.detail });
  const holder = holdingUnit(state);
  const unitId = event.detail.unitId;
  if (unitId && holder && unitId !== holder) return handOver(state, holder, unitId, occurredAt, eventId);
  state.history.push({ at: occurredAt, kind: 'processing', eventId, note: event.detail.note });
};

/**
 * Kept: the one in force (the latest) and, of the others, the latest on another day — all that tells
 * whether any re-appointment was not the approved one (recordViolations), whatever their number: 19,000
 * of them passed DynamoDB's 400 KB (issue #32). The log keeps every one.
 */
const reappointed: Handler<'DossierReappointed'> = (state, event) => {
  const { occurredAt, eventId, appointmentAt } = event.detail;
  const latest = { at: occurredAt, appointmentAt };
  const day = (r: { appointmentAt: string }) => vietnamDay(Date.parse(r.appointmentAt));
  const other = [...(state.reappointments ?? [])].reverse().find((r) => day(r) !== day(latest));
  state.reappointments = other ? [other, latest] : [latest];
  state.history.push({ at: occurredAt, kind: 'reappointed', eventId, note: appointmentAt });
};

const resolved: Handler<'DossierResolved'> = (state, event) => {
  const { occurredAt, eventId } = event.detail;
  closeSuspension(state, occurredAt);
  state.status = 'resolved';
  state.resolvedAt = occurredAt;
  state.returnedAt = event.detail.returnedAt;
  state.outcome = event.detail.outcome;
  state.closedAt = occurredAt;
  state.history.push({ at: occurredAt, kind: 'resolved', eventId });
};

const closedWithout =
  (status: 'withdrawn' | 'refused') => (state: DossierState, event: Of<'DossierWithdrawn' | 'DossierRefused'>) => {
    const { occurredAt, eventId, reason } = event.detail;
    closeSuspension(state, occurredAt);
    state.status = status;
    state.closedAt = occurredAt;
    state.closeReason = reason;
    state.history.push({ at: occurredAt, kind: status, eventId });
  };

/** One handler per event type (a receipt is the fold's own: applyReceipt). */
const HANDLERS: { [K in Exclude<DossierEvent['type'], 'DossierReceived'>]: Handler<K> } & {
  DossierReceived: Handler<'DossierReceived'>;
} = {
  DossierReceived: () => undefined,
  DossierSupplementRequested: supplementRequested,
  DossierSupplemented: supplemented,
  DossierSuspended: suspended,
  DossierResumed: resumed,
  DossierHandedOver: (state, event) =>
    handOver(state, event.detail.fromUnitId, event.detail.toUnitId, event.detail.occurredAt, event.detail.eventId),
  DossierProcessing: processing,
  DossierReappointed: reappointed,
  DossierResolved: resolved,
  DossierWithdrawn: closedWithout('withdrawn'),
  DossierRefused: closedWithout('refused'),
};

/** The printed appointment now: the last re-appointment, else the receipt's. */
export function appointmentInForce(state: DossierState): number | undefined {
  const at = state.reappointments?.at(-1)?.appointmentAt ?? state.received?.appointmentAt;
  return at === undefined ? undefined : Date.parse(at);
}

/** The unit holding the dossier now: the current step's, else the last hand-over's, else the receiving agency. */
export function holdingUnit(state: DossierState): string | undefined {
  const current = state.steps.find((s) => s.startedAt !== undefined && s.finishedAt === undefined);
  return current?.unitId ?? state.holderUnitId ?? state.received?.agency.id;
}

function handOver(state: DossierState, fromUnitId: string, toUnitId: string, at: string, eventId: string): void {
  state.handovers.push({ fromUnitId, toUnitId, at });
  state.holderUnitId = toUnitId;
  const current = state.steps.findIndex((s) => s.finishedAt === undefined);
  const holding = current >= 0 ? state.steps[current] : undefined;
  if (holding && holding.unitId === fromUnitId) holding.finishedAt = at;
  const next = state.steps.findIndex((s, i) => i > current && s.unitId === toUnitId && s.startedAt === undefined);
  const receiving = next >= 0 ? state.steps[next] : undefined;
  if (receiving) receiving.startedAt = at;
  state.history.push({ at, kind: 'handed_over', eventId, note: `${fromUnitId} → ${toUnitId}` });
}

import type { DossierEvent, DossierEventType, DossierReceived } from '../../contracts/dossier-events.ts';
import { NotFoundError } from '../../support/errors.ts';
import { formatIsoDate } from '../calendar/local-date.ts';
import { computeDueDate, type DueDateRequest, type SuspensionInterval } from '../due-date/compute-due-date.ts';
import { parseDuration } from '../due-date/duration.ts';
import { planSteps } from '../due-date/plan-steps.ts';
import { parseDossierCode } from './dossier-code.ts';
import type { DossierState, FoldContext } from './dossier-types.ts';
import { apply } from './transitions.ts';

export * from './dossier-types.ts';
export { appointmentInForce, holdingUnit } from './transitions.ts';

/** Thrown when no rule at all applies (the rule set lacks a global default). */
export class NoRuleError extends NotFoundError {
  override name = 'NoRuleError';
}

const ORDER: Record<DossierEventType, number> = {
  DossierReceived: 0,
  DossierSupplementRequested: 1,
  DossierSupplemented: 2,
  DossierSuspended: 3,
  DossierResumed: 4,
  DossierHandedOver: 5,
  DossierProcessing: 6,
  DossierReappointed: 7,
  DossierResolved: 8,
  DossierWithdrawn: 9,
  DossierRefused: 10,
};

/**
 * An event's place in the canonical order as one string (occurrence instant, lifecycle order, id):
 * comparing two keys as strings orders the events as {@link sortEvents} does (instants are fixed-width
 * ISO strings for the contract's years).
 */
export function eventSortKey(event: DossierEvent): string {
  return `${new Date(event.detail.occurredAt).toISOString()}#${ORDER[event.type]}#${event.detail.eventId}`;
}

/** How much of a log a state folded from all of it covers: its length and its last sort key. */
export function foldMarkOf(events: readonly DossierEvent[]): { count: number; last: string } {
  let last = '';
  for (const event of events) {
    const key = eventSortKey(event);
    if (key > last) last = key;
  }
  return { count: events.length, last };
}

/** Events in their canonical order: by occurrence time, then lifecycle order, then id. */
export function sortEvents(events: readonly DossierEvent[]): DossierEvent[] {
  return [...events].sort(
    (a, b) =>
      Date.parse(a.detail.occurredAt) - Date.parse(b.detail.occurredAt) ||
      ORDER[a.type] - ORDER[b.type] ||
      (a.detail.eventId < b.detail.eventId ? -1 : a.detail.eventId > b.detail.eventId ? 1 : 0),
  );
}

/**
 * Folds a dossier's events (deduplicated by id, any order) into its state. Events that precede the
 * receipt in the record are kept and applied once the receipt is there; events after the dossier was
 * closed are recorded as ignored.
 */
export function foldDossier(dossierId: string, input: readonly DossierEvent[], context: FoldContext): DossierState {
  const unique = new Map<string, DossierEvent>();
  for (const event of input) if (!unique.has(event.detail.eventId)) unique.set(event.detail.eventId, event);
  const events = sortEvents([...unique.values()]);
  const state: DossierState = {
    dossierId,
    code: parseDossierCode(dossierId),
    status: 'awaiting_receipt',
    ruleFallback: false,
    cycle: 0,
    suspensions: [],
    paused: false,
    provisional: false,
    steps: [],
    handovers: [],
    history: [],
    violations: [],
    eventIds: [...unique.keys()].sort(),
  };
  const receipt = events.find((e) => e.type === 'DossierReceived');
  if (receipt?.type !== 'DossierReceived') return state;
  const rest = events.filter((e) => e !== receipt);
  applyReceipt(state, receipt.detail, context);
  for (const event of rest) apply(state, event);
  return finalise(state, context);
}

/**
 * The state after one more event, given the state folded from every earlier event: the same as folding
 * them all again when `event` sorts after every event already folded and is not a receipt (the caller
 * checks both, else refolds). Before the receipt nothing is counted yet, so the state only records the id.
 */
export function extendFold(state: DossierState, event: DossierEvent, context: FoldContext): DossierState {
  if (event.type === 'DossierReceived') throw new Error('a receipt is folded with every other event (foldDossier)');
  const next = structuredClone(state);
  next.eventIds = [...state.eventIds, event.detail.eventId].sort();
  if (next.status === 'awaiting_receipt') return next;
  apply(next, event);
  return finalise(next, { ...context, frozenRule: next.rule });
}

function applyReceipt(state: DossierState, received: DossierReceived, context: FoldContext): void {
  state.received = received;
  state.status = 'open';
  state.cycle = 1;
  state.clockStartedAt = received.receivedAt;
  state.history.push({ at: received.occurredAt, kind: 'received', eventId: received.eventId });
  if (context.frozenRule) {
    state.rule = context.frozenRule;
  } else {
    const calendar = context.calendar('vn-civil-service');
    const receiptDate = formatIsoDate(calendar.toLocal(Date.parse(received.receivedAt)).day);
    const found = context.resolveRule({
      procedureCode: received.procedure.code,
      field: received.procedure.field,
      receiptDate,
    });
    if (!found) throw new NoRuleError(`no deadline rule applies to ${received.dossierId}: add a global default rule`);
    const { rule, matchedBy } = found;
    state.rule = {
      ruleId: rule.id,
      matchedBy,
      effectiveFrom: rule.effectiveFrom,
      legalBasis: rule.legalBasis,
      duration: rule.duration,
      cutoff: rule.cutoff,
      warnLeadTime: rule.warnLeadTime,
      suggestedExtension: rule.suggestedExtension,
      calendarId: rule.calendarId,
      sample: rule.sample,
    };
  }
  state.ruleFallback = state.rule.matchedBy !== 'procedure';
  state.steps = (received.steps ?? []).map((s) => ({
    unitId: s.unitId,
    unitName: s.unitName,
    duration: parseDuration(s.duration),
    dueAt: '',
  }));
}

/**
 * What the dossier's due dates are computed from: the legal one from the receipt, the one in force from
 * the start of the current clock (the receipt, or the complete resubmission after a supplement) with its
 * suspensions. Undefined before the receipt.
 */
export function dueRequestsOf(state: DossierState): { original: DueDateRequest; current: DueDateRequest } | undefined {
  const { rule, received } = state;
  if (!rule || !received || !state.clockStartedAt) return undefined;
  const dueRule = { duration: rule.duration, cutoff: rule.cutoff };
  const suspensions: SuspensionInterval[] = state.suspensions.map((s) => ({
    from: Date.parse(s.from),
    to: s.to === undefined ? undefined : Date.parse(s.to),
  }));
  return {
    original: { receivedAt: Date.parse(received.receivedAt), rule: dueRule },
    current: { receivedAt: Date.parse(state.clockStartedAt), rule: dueRule, suspensions },
  };
}

/** Derives the dates, step results and violations from the events applied; idempotent. */
function finalise(state: DossierState, context: FoldContext): DossierState {
  state.violations = [];
  const rule = state.rule;
  const received = state.received;
  if (!rule || !received || !state.clockStartedAt) return state;
  const calendar = context.calendar(rule.calendarId);
  const requests = dueRequestsOf(state) as NonNullable<ReturnType<typeof dueRequestsOf>>;
  const original = computeDueDate(calendar, requests.original);
  state.originalDueAt = calendar.formatInstant(original.dueAt);
  const request = requests.current;
  const current = computeDueDate(calendar, request);
  state.effectiveReceiptDate = current.effectiveReceiptDate;
  state.provisional = original.provisional || current.provisional;
  state.paused = state.status === 'suspended';
  state.dueAt = state.status === 'awaiting_supplement' ? null : calendar.formatInstant(current.dueAt);
  if (state.steps.length > 0) {
    const plan = planSteps(
      calendar,
      request,
      state.steps.map((s) => ({
        unitId: s.unitId,
        duration: s.duration,
        startedAt: s.startedAt === undefined ? undefined : Date.parse(s.startedAt),
        finishedAt: s.finishedAt === undefined ? undefined : Date.parse(s.finishedAt),
      })),
    );
    state.steps = state.steps.map((s, i) => ({
      ...s,
      dueAt: calendar.formatInstant(plan[i]?.dueAt ?? current.dueAt),
      result: plan[i]?.result,
    }));
  }
  if (state.status === 'resolved' && state.resolvedAt) {
    const at = Date.parse(state.resolvedAt);
    state.result = at > current.dueAt ? 'late' : calendar.toLocal(at).day < current.dueDay ? 'early' : 'on_time';
  }
  for (const r of state.reappointments ?? []) {
    // Explained only by the one lawful re-appointment (an approved apology): the record decides (re-appointment.ts).
    state.violations.push({
      code: 'reappointed',
      at: r.at,
      detail: { appointmentAt: calendar.formatInstant(Date.parse(r.appointmentAt)), legalDueAt: state.originalDueAt },
    });
  }
  if (!received.appointmentAt) {
    state.violations.push({
      code: 'receipt_without_appointment',
      at: received.receivedAt,
      detail: { legalDueAt: state.originalDueAt },
    });
  } else if (Date.parse(received.appointmentAt) > original.dueAt) {
    state.violations.push({
      code: 'appointment_after_due',
      at: received.receivedAt,
      detail: {
        appointmentAt: calendar.formatInstant(Date.parse(received.appointmentAt)),
        legalDueAt: state.originalDueAt,
      },
    });
  }
  return state;
}

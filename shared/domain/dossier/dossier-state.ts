import type { DossierEvent, DossierEventType, DossierReceived } from '../../contracts/dossier-events.ts';
import { NotFoundError } from '../../support/errors.ts';
import { vietnamDay } from '../../support/vietnam-time.ts';
import { formatIsoDate } from '../calendar/local-date.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { computeDueDate, type DueDateRequest, type SuspensionInterval } from '../due-date/compute-due-date.ts';
import { type Duration, parseDuration } from '../due-date/duration.ts';
import { planSteps } from '../due-date/plan-steps.ts';
import type { DeadlineRule, RuleMatch } from '../rules/deadline-rule.ts';
import { type DossierCode, parseDossierCode } from './dossier-code.ts';

export type DossierStatus =
  | 'awaiting_receipt'
  | 'open'
  | 'suspended'
  | 'awaiting_supplement'
  | 'resolved'
  | 'withdrawn'
  | 'refused';

export type ViolationCode = 'receipt_without_appointment' | 'appointment_after_due' | 'reappointed';

export interface Violation {
  code: ViolationCode;
  at: string;
  detail: Record<string, string>;
}

/** The rule a dossier is counted under, frozen at receipt (a later rule change never moves it silently). */
export interface AppliedRule {
  ruleId: string;
  matchedBy: RuleMatch;
  effectiveFrom: string;
  legalBasis: string;
  duration: Duration;
  cutoff: string | null;
  warnLeadTime: Duration;
  suggestedExtension: Duration;
  calendarId: string;
  sample: boolean;
}

export interface StepState {
  unitId: string;
  unitName?: string | undefined;
  duration: Duration;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  dueAt: string;
  result?: 'early' | 'on_time' | 'late' | undefined;
}

export interface ClockEntry {
  at: string;
  kind:
    | 'received'
    | 'supplement_requested'
    | 'restarted'
    | 'suspended'
    | 'resumed'
    | 'handed_over'
    | 'processing'
    | 'reappointed'
    | 'resolved'
    | 'returned'
    | 'withdrawn'
    | 'refused'
    | 'ignored';
  eventId: string;
  note?: string | undefined;
}

/** A dossier's state: a pure function of the set of its events (any arrival order gives the same state). */
export interface DossierState {
  dossierId: string;
  code: DossierCode;
  status: DossierStatus;
  received?: DossierReceived | undefined;
  rule?: AppliedRule | undefined;
  /** True when no rule exists for the procedure and a field or global default was used. */
  ruleFallback: boolean;
  cycle: number;
  clockStartedAt?: string | undefined;
  effectiveReceiptDate?: string | undefined;
  suspensions: { from: string; to?: string | undefined; reason: string }[];
  originalDueAt?: string | undefined;
  /** The current legal due date (after restarts and suspensions); null while the clock waits for a supplement. */
  dueAt?: string | null | undefined;
  /** True while a suspension is open: the due date will move when it ends. */
  paused: boolean;
  provisional: boolean;
  steps: StepState[];
  handovers: { fromUnitId: string; toUnitId: string; at: string }[];
  /** The unit the dossier was last handed to (kept on the stored record, which drops `handovers`). */
  holderUnitId?: string | undefined;
  /**
   * The citizen's supplements (yêu cầu bổ sung), kept as a summary bounded whatever the history: what the
   * QĐ 766 timeliness indicator counts (how many requests, the time the citizen took; issue #19).
   */
  supplement?: SupplementSummary | undefined;
  /** Changes of the printed appointment after receipt (the sync feed's NgayHenTra re-sent), in order. */
  reappointments?: { at: string; appointmentAt: string }[] | undefined;
  history: ClockEntry[];
  resolvedAt?: string | undefined;
  returnedAt?: string | undefined;
  outcome?: 'approved' | 'rejected' | undefined;
  closedAt?: string | undefined;
  closeReason?: string | undefined;
  result?: 'early' | 'on_time' | 'late' | undefined;
  violations: Violation[];
  eventIds: string[];
}

/** The supplements a dossier was asked for: how many, the last request and answer, the time waited. */
export interface SupplementSummary {
  requests: number;
  lastRequestedAt: string;
  /** When the last request was answered by a complete dossier; absent while the citizen has not come back. */
  lastSuppliedAt?: string | undefined;
  /** The time the citizen took over every answered request, in milliseconds. */
  waitedMs: number;
}

export interface FoldContext {
  /** The calendar with this id (the rule names it). */
  calendar: (id: string) => WorkingCalendar;
  /** Finds the rule in force for a receipt; called only when the dossier has no frozen rule yet. */
  resolveRule: (query: {
    procedureCode?: string | undefined;
    field: string;
    receiptDate: string;
  }) => { rule: DeadlineRule; matchedBy: RuleMatch } | undefined;
  /** The rule frozen on the stored dossier, if any. */
  frozenRule?: AppliedRule | undefined;
}

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

/** The statuses that close a dossier: no clock runs, no alert is owed (the one home of the set). */
export const CLOSED_STATUSES: ReadonlySet<DossierStatus> = new Set(['resolved', 'withdrawn', 'refused']);

export function isClosed(status: DossierStatus): boolean {
  return CLOSED_STATUSES.has(status);
}

const TERMINAL = CLOSED_STATUSES;

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

function apply(state: DossierState, event: DossierEvent): void {
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
  if (TERMINAL.has(state.status) || event.type === 'DossierReceived') {
    state.history.push({
      at: occurredAt,
      kind: 'ignored',
      eventId,
      note:
        event.type === 'DossierReceived'
          ? 'second receipt for the same dossier'
          : `${event.type} after ${state.status}`,
    });
    return;
  }
  const closeSuspension = () => {
    const open = state.suspensions.at(-1);
    if (open && open.to === undefined) open.to = occurredAt;
  };
  switch (event.type) {
    case 'DossierSupplementRequested':
      // The same request reported twice — through both of the portal's services, under two ids — is one
      // request: still waiting for the supplement, at the same second (issue #32: it counted twice and
      // turned the QĐ 766 score to late).
      if (
        state.status === 'awaiting_supplement' &&
        state.supplement &&
        Math.floor(Date.parse(state.supplement.lastRequestedAt) / 1000) === Math.floor(Date.parse(occurredAt) / 1000)
      ) {
        state.history.push({ at: occurredAt, kind: 'ignored', eventId, note: 'the same supplement request again' });
        return;
      }
      closeSuspension();
      state.status = 'awaiting_supplement';
      state.supplement = {
        requests: (state.supplement?.requests ?? 0) + 1,
        lastRequestedAt: occurredAt,
        waitedMs: state.supplement?.waitedMs ?? 0,
      };
      state.history.push({ at: occurredAt, kind: 'supplement_requested', eventId });
      return;
    case 'DossierSupplemented':
      // NĐ 61/2018 Điều 19 k4: the time limit restarts from zero at the complete dossier.
      closeSuspension();
      state.cycle += 1;
      state.clockStartedAt = occurredAt;
      state.suspensions = [];
      state.steps = state.steps.map((s) => ({
        unitId: s.unitId,
        unitName: s.unitName,
        duration: s.duration,
        dueAt: '',
      }));
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
      return;
    case 'DossierSuspended':
      if (state.status !== 'open') {
        state.history.push({ at: occurredAt, kind: 'ignored', eventId, note: `suspension while ${state.status}` });
        return;
      }
      state.suspensions.push({ from: occurredAt, reason: event.detail.reason });
      state.status = 'suspended';
      state.history.push({ at: occurredAt, kind: 'suspended', eventId, note: event.detail.reason });
      return;
    case 'DossierResumed':
      if (state.status !== 'suspended') {
        state.history.push({ at: occurredAt, kind: 'ignored', eventId, note: `resume while ${state.status}` });
        return;
      }
      closeSuspension();
      state.status = 'open';
      state.history.push({ at: occurredAt, kind: 'resumed', eventId });
      return;
    case 'DossierHandedOver':
      handOver(state, event.detail.fromUnitId, event.detail.toUnitId, occurredAt, eventId);
      return;
    case 'DossierProcessing': {
      // What "being processed" ends depends on the state at that instant, so the feed's order never matters.
      if (state.status === 'awaiting_supplement') {
        apply(state, { type: 'DossierSupplemented', detail: event.detail });
        return;
      }
      if (state.status === 'suspended') {
        apply(state, { type: 'DossierResumed', detail: event.detail });
        return;
      }
      const holder = holdingUnit(state);
      const unitId = event.detail.unitId;
      if (unitId && holder && unitId !== holder) {
        handOver(state, holder, unitId, occurredAt, eventId);
        return;
      }
      state.history.push({ at: occurredAt, kind: 'processing', eventId, note: event.detail.note });
      return;
    }
    case 'DossierReappointed': {
      // Kept: the one in force (the latest) and, of the others, the latest on another day — all that
      // tells whether any re-appointment was not the approved one (recordViolations), whatever their
      // number: 19,000 of them passed DynamoDB's 400 KB (issue #32). The log keeps every one.
      const latest = { at: occurredAt, appointmentAt: event.detail.appointmentAt };
      const day = (r: { appointmentAt: string }) => vietnamDay(Date.parse(r.appointmentAt));
      const other = [...(state.reappointments ?? [])].reverse().find((r) => day(r) !== day(latest));
      state.reappointments = other ? [other, latest] : [latest];
      state.history.push({ at: occurredAt, kind: 'reappointed', eventId, note: event.detail.appointmentAt });
      return;
    }
    case 'DossierResolved':
      closeSuspension();
      state.status = 'resolved';
      state.resolvedAt = occurredAt;
      state.returnedAt = event.detail.returnedAt;
      state.outcome = event.detail.outcome;
      state.closedAt = occurredAt;
      state.history.push({ at: occurredAt, kind: 'resolved', eventId });
      return;
    case 'DossierWithdrawn':
    case 'DossierRefused':
      closeSuspension();
      state.status = event.type === 'DossierWithdrawn' ? 'withdrawn' : 'refused';
      state.closedAt = occurredAt;
      state.closeReason = event.detail.reason;
      state.history.push({
        at: occurredAt,
        kind: event.type === 'DossierWithdrawn' ? 'withdrawn' : 'refused',
        eventId,
      });
      return;
  }
}

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

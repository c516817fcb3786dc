import type { OutboundEvent } from '../../contracts/outbound-events.ts';
import type { ActorRecord } from '../authority/actors.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { outsideQuietHours } from '../phones/quiet-hours.ts';
import { type DossierState, isClosed, type Violation } from './dossier-state.ts';
import { nextActionAt, type Stage, stageThresholds } from './stages.ts';
import { nextStepAlertAt, type StepAlertKind } from './step-clocks.ts';

/** How the citizen is told of the approved apology. */
export type ApologyChannel = 'email' | 'phone' | 'email_and_phone' | 'desk';

/** The notifications that reach the citizen themself: at most once each, leased before the send. */
export const CITIZEN_CHANNELS: ReadonlySet<NotificationKind> = new Set([
  'apology_to_citizen',
  'apology_zns',
  'apology_sms',
]);

/** The phone channels: held in the quiet hours. */
export const PHONE_CHANNELS: ReadonlySet<NotificationKind> = new Set(['apology_zns', 'apology_sms']);

/** Apology / re-appointment state, owned by the detector and the approval flow. */
export interface ApologyState {
  status: 'none' | 'drafted' | 'approved' | 'issued';
  draftedAt?: string | undefined;
  /** The return date the draft proposes (the rule's suggested extension from the due date). */
  proposedReturnAt?: string | undefined;
  approvedAt?: string | undefined;
  approvedBy?: string | undefined;
  /** The signed-in person who approved (ADR 0023). */
  approver?: ActorRecord | undefined;
  reason?: string | undefined;
  issuedAt?: string | undefined;
  /** How the citizen is told: by email, by phone (Zalo, else SMS), both, or a printable letter handed to the desk. */
  channel?: ApologyChannel | undefined;
  /**
   * The last time a head returned the draft unsigned (issue #34): when, who, and what the desk is to set
   * right; the draft stays awaiting a head (the note is kept after the approval, as the record of it).
   */
  returned?: { at: string; by: string; note: string; returner?: ActorRecord | undefined } | undefined;
}

/** Who a notification goes to. */
export type NotificationKind =
  | 'due_soon'
  | 'apology_deadline_missed'
  | 'overdue'
  | 'second_overrun'
  | 'apology_to_citizen'
  /** The citizen's apology by phone: a Zalo ZNS message, else (ZNS cannot deliver it) an SMS (issue #18). */
  | 'apology_zns'
  | 'apology_sms'
  | 'apology_letter_for_desk'
  /** The citizen's apology email may or may not have gone out (a run died while sending): the desk confirms. */
  | 'apology_unconfirmed'
  /** Inter-agency steps (step-clocks.ts): the holding unit's own step is due soon, or overran. */
  | StepAlertKind;

/** A notification owed, recorded with the state change that owes it (the dossier's outbox of mail). */
export interface OwedNotification {
  /**
   * Deterministic: `<dossierId>#c<cycle>#<kind>` — one per stage per clock cycle, one apology per dossier;
   * `<dossierId>#c<cycle>#s<step>#<kind>` for a step's alerts.
   */
  id: string;
  kind: NotificationKind;
  /** The inter-agency step (0-based) a step alert is about. */
  step?: number | undefined;
  createdAt: string;
  attempts: number;
  lastAttemptAt?: string | undefined;
  sentAt?: string | undefined;
  /** Set when the bounded retries are exhausted: a person must look. */
  failedAt?: string | undefined;
  lastError?: string | undefined;
  cancelledAt?: string | undefined;
  /** Set by the write that leases a citizen's apology for sending, cleared by the write recording the outcome. */
  inFlight?: { runId: string; at: string } | undefined;
  /**
   * A citizen's apology whose send outcome is unknown (the run died, or SES did not answer): never
   * emailed again — a citizen gets at most one apology — and handed to the desk to confirm instead.
   */
  uncertainAt?: string | undefined;
}

/**
 * A due-date change made by an administrator's rule or calendar change (never by an event): what the
 * dates were and became, and why. The first entry keeps the original legal due date as first counted.
 */
export interface DueDateChange {
  changeId: string;
  at: string;
  author: string;
  reason: string;
  before: { ruleId?: string | undefined; originalDueAt?: string | undefined; dueAt?: string | null | undefined };
  after: { ruleId?: string | undefined; originalDueAt?: string | undefined; dueAt?: string | null | undefined };
}

/** A detector run holding a dossier's notifications for sending; others leave it alone until `until`. */
export interface Lease {
  runId: string;
  until: string;
}

/** What is stored as `DOSSIER#<id>` / `META`: the event-derived state plus what the detector owns. */
export interface DossierRecord {
  state: DossierState;
  stage: Stage;
  /** The clock cycle the stage belongs to; a supplement restart starts a new cycle at ON_TRACK. */
  stageCycle: number;
  /** When the detector must next look (open, running dossiers only); drives the sparse GSI. */
  nextActionAt: string | null;
  /** The one re-appointment (NĐ 61/2018 Điều 19 k9); null until approved. */
  extendedDueAt: string | null;
  apology: ApologyState;
  /** Events owed to the bus, keyed by their deterministic id, removed once published. */
  outbox: Record<string, OutboundEvent>;
  /** Notifications owed and their delivery state, by id. */
  notifications: Record<string, OwedNotification>;
  /** Stages reached, with the instant and cycle — the audit of alerts. */
  stagesReached: { stage: Stage; cycle: number; at: string }[];
  lease?: Lease | undefined;
  /** Due dates moved by administrators' rule or calendar changes, oldest first. */
  dueDateChanges?: DueDateChange[] | undefined;
  /**
   * Which events the state was folded from, without listing them (the event log holds them): how many
   * log entries, and the canonical sort key of the last ({@link eventSortKey}). An event sorting after
   * `last` is certainly not folded yet; any other is settled by refolding the log, and when the log
   * holds exactly `count` entries it holds nothing new (ADR 0011).
   */
  folded?: FoldMark | undefined;
  /** Optimistic-locking version; 0 for a dossier not stored yet. */
  version: number;
}

export interface FoldMark {
  count: number;
  last: string;
  /**
   * The record's version loaded before the log was listed for this fold (carried over by a fold that
   * extends it by one event). Every event whose write completed before that version was loaded is in
   * the fold: a delivery that saw version v after writing its event knows it is folded once a record
   * with `basis > v` is stored — under heavy contention it stops there instead of racing on (issue #32).
   * Absent: no such claim (a bulk load, a recompute, a record from before).
   */
  basis?: number | undefined;
}

/**
 * The record to store after folding a dossier's events: keeps what the detector owns (stage, apology,
 * extension) unless a new clock cycle began, and adds an outbox entry for each violation seen for the
 * first time.
 */
export function nextRecord(
  previous: DossierRecord | undefined,
  state: DossierState,
  calendar: WorkingCalendar | undefined,
): DossierRecord {
  const sameCycle = previous !== undefined && previous.stageCycle === state.cycle;
  const stage: Stage = sameCycle ? previous.stage : 'ON_TRACK';
  const extendedDueAt = previous?.extendedDueAt ?? null;
  const notifications = { ...(previous?.notifications ?? {}) };
  // A closed dossier, or a new clock cycle, makes unsent alerts moot; the audit keeps them as cancelled.
  const closed = isClosed(state.status);
  for (const [id, n] of Object.entries(notifications)) {
    if (n.sentAt || n.failedAt || n.cancelledAt || n.uncertainAt) continue;
    const oldCycle = !id.includes(`#c${state.cycle}#`) && !n.kind.startsWith('apology_');
    if (closed || oldCycle)
      notifications[id] = { ...n, cancelledAt: state.closedAt ?? state.clockStartedAt ?? n.createdAt };
  }
  const partial = {
    state,
    stage,
    stageCycle: state.cycle,
    extendedDueAt,
    notifications,
  };
  const next = calendar ? scheduleNextAction(partial, calendar) : null;
  const outbox: Record<string, OutboundEvent> = { ...(previous?.outbox ?? {}) };
  const known = new Set((previous?.state.violations ?? []).map((v) => v.code));
  for (const violation of state.violations) {
    if (known.has(violation.code)) continue;
    const event = violationEvent(state, violation);
    if (event) outbox[event.detail.eventId] = event;
  }
  return {
    state,
    stage,
    stageCycle: state.cycle,
    nextActionAt: next,
    extendedDueAt,
    apology: previous?.apology ?? { status: 'none' },
    outbox,
    notifications,
    stagesReached: previous?.stagesReached ?? [],
    lease: previous?.lease,
    ...(previous?.dueDateChanges ? { dueDateChanges: previous.dueDateChanges } : {}),
    ...(previous?.folded ? { folded: previous.folded } : {}),
    version: previous?.version ?? 0,
  };
}

/** Minutes between attempts to send a notification that failed (then 2×, 4×…). */
export const RETRY_BASE_MINUTES = 15;
/** Attempts before a notification is flagged for a person instead of retried. */
export const MAX_ATTEMPTS = 5;

/** When a pending notification may be (re)tried: at once, then with exponential backoff. */
export function retryAt(n: OwedNotification, now?: number): number {
  const at =
    n.attempts === 0 || !n.lastAttemptAt
      ? Date.parse(n.createdAt)
      : Date.parse(n.lastAttemptAt) + RETRY_BASE_MINUTES * 60_000 * 2 ** (n.attempts - 1);
  // No message to a citizen's phone at night: one owed in the quiet hours, or still owed when they come,
  // is held until 07:00 Vietnam time (the detector wakes for it then).
  return PHONE_CHANNELS.has(n.kind) ? outsideQuietHours(Math.max(at, now ?? at)) : at;
}

/** Unsent notifications still to be tried. */
export function pendingNotifications(record: Pick<DossierRecord, 'notifications'>): OwedNotification[] {
  return Object.values(record.notifications).filter(
    (n) => !n.sentAt && !n.failedAt && !n.cancelledAt && !n.uncertainAt,
  );
}

/**
 * When the detector must next look at a dossier: the next stage threshold of an open, running dossier,
 * or sooner when notifications wait to be (re)sent. Null when nothing is left to do.
 */
export function scheduleNextAction(
  record: Pick<DossierRecord, 'state' | 'stage' | 'extendedDueAt' | 'notifications'>,
  calendar: WorkingCalendar,
  /** The instant of the decision, when known: a phone notice held by the quiet hours is scheduled at 07:00. */
  now?: number,
): string | null {
  const { state } = record;
  let at: number | undefined;
  if (state.rule && state.status === 'open' && state.dueAt) {
    const thresholds = stageThresholds(
      calendar,
      Date.parse(state.dueAt),
      state.rule.warnLeadTime,
      record.extendedDueAt === null ? null : Date.parse(record.extendedDueAt),
    );
    at = nextActionAt(record.stage, thresholds);
    const step = nextStepAlertAt(state, calendar, (id) => record.notifications[id] !== undefined);
    if (step !== undefined) at = at === undefined ? step : Math.min(at, step);
  }
  for (const n of pendingNotifications(record)) {
    const retry = retryAt(n, now);
    at = at === undefined ? retry : Math.min(at, retry);
  }
  return at === undefined ? null : calendar.formatInstant(at);
}

function violationEvent(state: DossierState, violation: Violation): OutboundEvent | undefined {
  const received = state.received;
  if (!received) return undefined;
  const common = {
    schemaVersion: 1 as const,
    dossierId: state.dossierId,
    ...(received.procedure.code ? { procedureCode: received.procedure.code } : {}),
    field: received.procedure.field,
    agencyId: received.agency.id,
    occurredAt: violation.at,
    receivedAt: received.receivedAt,
    legalDueAt: violation.detail.legalDueAt ?? '',
  };
  // A re-appointment is judged against the record's approval (re-appointment.ts), so it is not announced here.
  if (violation.code === 'reappointed') return undefined;
  if (violation.code === 'receipt_without_appointment') {
    return {
      type: 'ReceiptWithoutAppointment',
      detail: { ...common, eventId: `${state.dossierId}#receipt_without_appointment` },
    };
  }
  return {
    type: 'AppointmentBeyondDueDate',
    detail: {
      ...common,
      eventId: `${state.dossierId}#appointment_after_due`,
      appointmentAt: violation.detail.appointmentAt ?? '',
    },
  };
}

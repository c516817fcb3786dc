import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import {
  CITIZEN_CHANNELS,
  type DossierRecord,
  MAX_ATTEMPTS,
  type OwedNotification,
  pendingNotifications,
  retryAt,
  scheduleNextAction,
} from './dossier-record.ts';
import { apologyNoticeId, markApologyIssued } from './re-appointment.ts';

/*
 * The delivery rules, in one place (ADR 0005, 0013):
 * - a citizen receives at most one apology email for one delay. The write that leases the apology for
 *   sending marks it in flight; the write that records the outcome clears the mark. An outcome nobody
 *   recorded (the run died) or that SES did not give (a timeout) is unknown: the apology is never emailed
 *   again, and the desk official is asked to confirm with the citizen instead;
 * - officials' alerts are at least once: no lease, the write after the send records the move and the
 *   outcome; a run that dies in between leaves them owed, and they are sent again;
 * - a failed send is retried with backoff ({@link retryAt}) and flagged after {@link MAX_ATTEMPTS}.
 */

/**
 * Whether a notification must be leased by a write before it is sent: a citizen's apology (at most
 * once). Officials' alerts are at least once (ADR 0013): the write after the send records both.
 */
export function needsLeaseBeforeSending(n: OwedNotification): boolean {
  return CITIZEN_CHANNELS.has(n.kind);
}

/**
 * The citizen's apology marked uncertain (never emailed again) and the desk alert that replaces it: the
 * desk official gets the printable letter and asks the citizen whether the email arrived.
 */
export function uncertainApology(record: DossierRecord, n: OwedNotification, at: string): DossierRecord {
  const { inFlight: _unknown, ...rest } = n;
  const desk: OwedNotification = {
    id: `${record.state.dossierId}#apology#apology_unconfirmed`,
    kind: 'apology_unconfirmed',
    createdAt: at,
    attempts: 0,
  };
  return {
    ...record,
    notifications: {
      ...record.notifications,
      [n.id]: { ...rest, uncertainAt: at },
      ...(record.notifications[desk.id] ? {} : { [desk.id]: desk }),
    },
  };
}

/** Settles every citizen's apology left in flight by another run whose lease is over. */
export function settleUncertainApologies(record: DossierRecord, runId: string, now: number): DossierRecord {
  let next = record;
  for (const n of Object.values(record.notifications)) {
    if (!CITIZEN_CHANNELS.has(n.kind) || !n.inFlight || n.inFlight.runId === runId) continue;
    if (n.sentAt || n.uncertainAt || n.cancelledAt || n.failedAt) continue;
    next = uncertainApology(next, n, new Date(now).toISOString());
  }
  return next;
}

/**
 * What became of one notification's send. `uncertain`: the service may have taken it. `rejected`: the
 * channel cannot deliver it (not a Zalo user, an invalid number, the channel not configured) — no retry.
 */
export interface SendOutcome {
  sentAt?: string;
  error?: string;
  uncertain?: boolean;
  rejected?: boolean;
}

/** How a detector run is to deliver what a dossier owes now. */
export type DeliveryPlan =
  /** Nothing owed now: `record` (if changed) is written at once. */
  | { kind: 'nothing_to_send'; record: DossierRecord }
  /** A citizen's apology among them: `record` (the lease, marks in flight) is written before the send. */
  | { kind: 'lease_first'; record: DossierRecord; sending: OwedNotification[] }
  /** Officials' alerts only: sent first, then `record` is written with the outcome. */
  | { kind: 'send_first'; record: DossierRecord; sending: OwedNotification[] };

/**
 * What a record owes now, and how to deliver it: settles any citizen's apology another run left in
 * flight (its lease is over), lists the notifications due for a (re)try, and leases them only if a
 * citizen's apology is among them.
 */
export function planDelivery(
  record: DossierRecord,
  runId: string,
  now: number,
  leaseMs: number,
  calendar: WorkingCalendar,
): DeliveryPlan {
  const settled = settleUncertainApologies(record, runId, now);
  const sending = pendingNotifications(settled).filter((n) => retryAt(n, now) <= now);
  if (sending.length === 0)
    return {
      kind: 'nothing_to_send',
      record: { ...settled, lease: undefined, nextActionAt: scheduleNextAction(settled, calendar, now) },
    };
  if (!sending.some(needsLeaseBeforeSending))
    return { kind: 'send_first', record: { ...settled, lease: undefined }, sending };
  const at = new Date(now).toISOString();
  const notifications = { ...settled.notifications };
  for (const n of sending) if (needsLeaseBeforeSending(n)) notifications[n.id] = { ...n, inFlight: { runId, at } };
  // The lease does not move the dossier's next action (its index entry stays where this run found it, so
  // the lease costs the index nothing): a run that dies leaves it there for the first run after the lease.
  return {
    kind: 'lease_first',
    record: { ...settled, notifications, lease: { runId, until: new Date(now + leaseMs).toISOString() } },
    sending,
  };
}

/**
 * The record after a send: each notification marked sent, failed (retried later, flagged after the last
 * attempt) or — a citizen's apology whose outcome is unknown — handed to the desk; the apology counts as
 * issued once it reached the citizen or the desk's printed letter went out; this run's lease released and
 * the next action scheduled. Returns the failures, one line each, for the run's report.
 */
export function applyOutcomes(
  record: DossierRecord,
  sending: readonly OwedNotification[],
  outcomes: ReadonlyMap<string, SendOutcome>,
  runId: string,
  now: number,
  calendar: WorkingCalendar,
  printsLetter: (kind: OwedNotification['kind']) => boolean,
): { record: DossierRecord; failures: string[] } {
  const failures: string[] = [];
  const fellBack: OwedNotification['kind'][] = [];
  const notifications = { ...record.notifications };
  let next: DossierRecord = record;
  const at = new Date(now).toISOString();
  for (const n of sending) {
    const current = notifications[n.id];
    const result = outcomes.get(n.id);
    if (!current || current.sentAt || current.uncertainAt || !result) continue;
    const { inFlight: _done, ...settledCurrent } = current;
    if (result.sentAt) {
      notifications[n.id] = {
        ...settledCurrent,
        sentAt: result.sentAt,
        attempts: current.attempts + 1,
        lastAttemptAt: result.sentAt,
      };
      if (CITIZEN_CHANNELS.has(n.kind) || printsLetter(n.kind)) next = markApologyIssued(next, result.sentAt);
    } else if (result.uncertain && CITIZEN_CHANNELS.has(n.kind)) {
      const settled = uncertainApology(next, current, at);
      for (const id of [n.id, `${next.state.dossierId}#apology#apology_unconfirmed`]) {
        const settledNotice = settled.notifications[id];
        if (settledNotice) notifications[id] = settledNotice;
      }
      failures.push(`${n.kind}: ${result.error ?? 'no answer'} (outcome unknown: handed to the desk, not resent)`);
    } else {
      const attempts = current.attempts + 1;
      const final = result.rejected === true || attempts >= MAX_ATTEMPTS;
      notifications[n.id] = {
        ...settledCurrent,
        attempts,
        lastAttemptAt: at,
        lastError: result.error,
        ...(final ? { failedAt: at } : {}),
      };
      // A channel that cannot reach this citizen (not on Zalo…) is routine: the next one is owed, and the
      // notice keeps the reason. Anything else is a failure of the run (metric, alarm).
      if (!(result.rejected && CITIZEN_CHANNELS.has(n.kind)))
        failures.push(
          `${n.kind}: ${result.error ?? 'not sent'}${final ? ' (flagged after last attempt)' : ` (attempt ${attempts}, retried later)`}`,
        );
      if (final && CITIZEN_CHANNELS.has(n.kind)) fellBack.push(n.kind);
    }
  }
  for (const fallback of fallbacks(record.state.dossierId, notifications, fellBack, at))
    notifications[fallback.id] = fallback;
  next = { ...next, notifications, lease: record.lease?.runId === runId ? undefined : record.lease };
  return { record: { ...next, nextActionAt: scheduleNextAction(next, calendar, now) }, failures };
}

/**
 * The next channel when one cannot deliver the citizen's apology (issue #18): Zalo → SMS; and when no
 * channel reached the citizen and none is still trying (or may have delivered it), the desk's printable
 * letter — so the citizen always gets the apology one way, and never the same way twice.
 */
function fallbacks(
  dossierId: string,
  notifications: Readonly<Record<string, OwedNotification>>,
  failed: readonly OwedNotification['kind'][],
  at: string,
): OwedNotification[] {
  if (failed.length === 0) return [];
  const owed = (kind: OwedNotification['kind']): OwedNotification => ({
    id: apologyNoticeId(dossierId, kind),
    kind,
    createdAt: at,
    attempts: 0,
  });
  const added: OwedNotification[] = [];
  if (failed.includes('apology_zns') && !notifications[apologyNoticeId(dossierId, 'apology_sms')])
    added.push(owed('apology_sms'));
  const citizen = [...Object.values(notifications), ...added].filter((n) => CITIZEN_CHANNELS.has(n.kind));
  const reachedOrTrying = citizen.some((n) => n.sentAt || n.uncertainAt || (!n.failedAt && !n.cancelledAt));
  if (!reachedOrTrying && !notifications[apologyNoticeId(dossierId, 'apology_letter_for_desk')])
    added.push(owed('apology_letter_for_desk'));
  return added;
}

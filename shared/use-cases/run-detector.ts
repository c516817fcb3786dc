import { signApprovalToken } from '../domain/approval-link.ts';
import { defaultCalendar } from '../domain/calendar/default-calendar.ts';
import type { WorkingCalendar } from '../domain/calendar/working-calendar.ts';
import { advanceStages } from '../domain/dossier/advance-stages.ts';
import { calendarOf } from '../domain/dossier/calendar-of.ts';
import { applyOutcomes, planDelivery, type SendOutcome, settleUncertainApologies } from '../domain/dossier/delivery.ts';
import {
  type DossierRecord,
  type NotificationKind,
  type OwedNotification,
  PHONE_CHANNELS,
} from '../domain/dossier/dossier-record.ts';
import type { Stage } from '../domain/dossier/stages.ts';
import { statusPageUrl } from '../domain/letters/apology-letter.ts';
import { composeMail, type Envelope } from '../domain/letters/compose-mail.ts';
import { printsLetter } from '../domain/letters/digest.ts';
import { composePhoneNotice } from '../domain/notices/phone-notices.ts';
import type { UnitBook } from '../domain/units/unit-directory.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { DueBatch, DueIndex } from '../ports/due-index.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { PhoneMessenger } from '../ports/phone-messenger.ts';
import type { QuarantineStore } from '../ports/quarantine-store.ts';
import { SendDeferredError, SendRejectedError } from '../ports/send-errors.ts';
import { describeError } from '../support/describe-error.ts';
import { mapLimit } from '../support/map-limit.ts';
import { publishOwed } from './outbox.ts';
import { PARK_AFTER_RUNS, RunQuarantine } from './quarantine.ts';
import type { RuleBook } from './rule-book.ts';
import { saveWithRetry } from './save-with-retry.ts';

export interface DetectorDeps {
  store: DossierStore;
  index: DueIndex;
  rules: RuleBook;
  /** Officials' digests: at least once (its client may retry below). */
  mailer: Mailer;
  /**
   * Citizens' apologies: at most once, so nothing below it may resend (its SDK client makes one attempt).
   * Defaults to `mailer` where both are the same fake (unit tests).
   */
  citizenMailer?: Mailer;
  /**
   * Citizens' phones (Zalo ZNS, SMS): at most once, one attempt. Without it a phone notice is refused
   * and the apology falls back to the next channel (ADR 0019).
   */
  phone?: PhoneMessenger | undefined;
  publisher: EventPublisher;
  clock: Clock;
  /** Where repeated failures are counted and dossiers parked; without it every failure holds its batch. */
  quarantine?: QuarantineStore;
  config: {
    senderEmail: string;
    approvalBaseUrl: string;
    linkSecret: string;
    /** How long approval links stay valid (default 14 days). */
    linkTtlMs?: number;
    /** How long a run holds a citizen's apology before another run may settle it (default 10 min). */
    leaseMs?: number;
    /** The province's SMS wording (phone-notices.ts); the shipped one by default. */
    smsTemplate?: string | undefined;
  };
}

export interface DetectorReport {
  runId: string;
  now: string;
  bucketsRead: number;
  itemsRead: number;
  examined: number;
  moved: Partial<Record<Stage, number>>;
  notificationsSent: number;
  emailsSent: number;
  /** Zalo and SMS messages to citizens (issue #18). */
  phoneMessagesSent: number;
  eventsPublished: number;
  failures: { dossierId: string; reason: string }[];
  /** Dossiers parked by this run: they failed {@link PARK_AFTER_RUNS} runs in a row; an operator must look. */
  parked: { dossierId: string; reason: string; failures: number }[];
}

/** Thrown at the end of a run in which some dossiers failed; the others were handled. */
export class DetectorRunFailedError extends Error {
  override name = 'DetectorRunFailedError';
  constructor(readonly report: DetectorReport) {
    super(
      `${report.failures.length} dossier(s) failed: ${report.failures.map((f) => `${f.dossierId}: ${f.reason}`).join('; ')}`,
    );
  }
}

const DAY = 86_400_000;

/** A dossier this run sends notifications for, and the batch that keeps it in reach if its outcome is lost. */
interface Held {
  record: DossierRecord;
  sending: OwedNotification[];
  /** Not written before the send (officials' alerts only): the outcome write records the move too. */
  unsaved: boolean;
  batch: DueBatch;
}

/**
 * One detector pass at `now`, as a short story:
 * 1. walk the dossiers whose next action has come (the index, from where the last run left off);
 * 2. move each forward by the time passed (domain: advance-stages) and plan its delivery (domain:
 *    delivery) — a citizen's apology is leased by a write before it is sent, officials' alerts are not;
 * 3. compose the emails (domain: compose-mail) and send them;
 * 4. record each dossier's outcome (domain: delivery) with its stage events, in one write;
 * 5. let the walk record its progress past everything not held back.
 * One dossier's failure never stops the others; it is counted in the quarantine and parked after
 * {@link PARK_AFTER_RUNS} runs (ADR 0012). The report lists what happened.
 */
export async function runDetector(deps: DetectorDeps, runId: string): Promise<DetectorReport> {
  const now = deps.clock.now();
  const book = await deps.rules.current();
  const calendarOfRecord = (record: DossierRecord) => calendarOf(record.state, book.calendar);
  const report = emptyReport(runId, now);
  const readsBefore = deps.index.itemsRead;
  const failing = new RunQuarantine(deps.quarantine, report, now);
  await failing.load();
  const walk = await deps.index.openWalk(now);
  const held: Held[] = [];
  const handled = new Set<string>();

  await walk.visit(async (batch) => {
    for (const broken of batch.unreadable) {
      if (failing.isParked(broken.dossierId)) continue;
      if (await failing.fail(broken.dossierId, broken.reason)) batch.holdBack();
    }
    // Dossiers are independent: several in flight, each with its own conditional writes; each once a run.
    await mapLimit(batch.due, 8, async (record) => {
      const dossierId = record.state.dossierId;
      if (handled.has(dossierId) || failing.isParked(dossierId)) return;
      handled.add(dossierId);
      report.examined += 1;
      try {
        const moved = await move(deps, record, now, runId, calendarOfRecord(record), report);
        // Another run holds it: that run's outcome write moves it on; its batch stays in reach meanwhile.
        if (moved.leasedByOther) batch.holdBack();
        if (moved.sending) held.push({ ...moved.sending, batch });
        await failing.succeeded(dossierId);
      } catch (error) {
        if (await failing.fail(dossierId, describeError(error))) batch.holdBack();
      }
    });
  });

  const outcomes = await send(deps, held, now, report, book.units);
  await mapLimit(held, 8, async (h) => {
    try {
      await recordOutcome(deps, h, outcomes, now, runId, calendarOfRecord(h.record), report);
    } catch (error) {
      // Not recorded: the dossier's index entry is still in the batch where the walk found it.
      if (await failing.fail(h.record.state.dossierId, describeError(error))) h.batch.holdBack();
    }
  });

  await walk.finish();
  report.bucketsRead = walk.batchesRead;
  for (const problem of walk.problems)
    report.failures.push({ dossierId: `(${problem.where})`, reason: problem.reason });
  report.itemsRead = deps.index.itemsRead - readsBefore;
  return report;
}

function emptyReport(runId: string, now: number): DetectorReport {
  return {
    runId,
    now: defaultCalendar().formatInstant(now),
    bucketsRead: 0,
    itemsRead: 0,
    examined: 0,
    moved: {},
    notificationsSent: 0,
    emailsSent: 0,
    phoneMessagesSent: 0,
    eventsPublished: 0,
    failures: [],
    parked: [],
  };
}

/** A batch of one: a dossier delivered on demand is not in a walk; if this fails, the walk finds it. */
const ON_DEMAND: DueBatch = { due: [], unreadable: [], holdBack: () => undefined };

/**
 * Delivers at once what the given dossiers owe (issue #16: an approved apology reaches the citizen
 * within seconds, not at the next scheduled run): the same move, send and outcome write as a run — the
 * same lease, so a citizen's apology is still sent at most once, even while a scheduled run looks at the
 * same dossier. Nothing is quarantined: a failure is reported, and the dossier's next action (now) keeps
 * it in the scheduled detector's reach.
 */
export async function deliverNow(
  deps: DetectorDeps,
  dossierIds: readonly string[],
  runId: string,
): Promise<DetectorReport> {
  const now = deps.clock.now();
  const book = await deps.rules.current();
  const calendarOfRecord = (record: DossierRecord) => calendarOf(record.state, book.calendar);
  const report = emptyReport(runId, now);
  const held: Held[] = [];
  for (const dossierId of new Set(dossierIds)) {
    try {
      const { record } = await deps.store.load(dossierId);
      if (!record?.state.received) continue;
      report.examined += 1;
      const moved = await move(deps, record, now, runId, calendarOfRecord(record), report);
      if (moved.sending) held.push({ ...moved.sending, batch: ON_DEMAND });
    } catch (error) {
      report.failures.push({ dossierId, reason: describeError(error) });
    }
  }
  const outcomes = await send(deps, held, now, report, book.units);
  for (const h of held) {
    try {
      await recordOutcome(deps, h, outcomes, now, runId, calendarOfRecord(h.record), report);
    } catch (error) {
      report.failures.push({ dossierId: h.record.state.dossierId, reason: describeError(error) });
    }
  }
  return report;
}

/**
 * Moves one dossier forward and, as its delivery plan says, writes it now (nothing to send), writes the
 * lease first (a citizen's apology), or leaves the write for after the send (officials' alerts).
 */
async function move(
  deps: DetectorDeps,
  initial: DossierRecord,
  now: number,
  runId: string,
  calendar: WorkingCalendar,
  report: DetectorReport,
): Promise<{ sending?: Omit<Held, 'batch'>; leasedByOther?: boolean }> {
  const leaseMs = deps.config.leaseMs ?? 10 * 60_000;
  let reached: Stage[] = [];
  const result = await saveWithRetry<{ sending?: Omit<Held, 'batch'>; leasedByOther?: boolean }>(
    deps.store,
    initial.state.dossierId,
    async (record) => {
      if (!record) return { done: {} };
      if (record.lease && record.lease.runId !== runId && Date.parse(record.lease.until) > now)
        return { done: { leasedByOther: true } };
      const advanced = advanceStages(record, calendar, now);
      reached = advanced.reached;
      const plan = planDelivery(advanced.record, runId, now, leaseMs, calendar);
      if (plan.kind === 'send_first')
        return { done: { sending: { record: plan.record, sending: plan.sending, unsaved: true } } };
      if (plan.kind === 'lease_first')
        return {
          // The lease leaves the next action (and the index entry) where this run found it: a run that dies
          // leaves the dossier there for the first run after the lease.
          save: { ...plan.record, nextActionAt: record.nextActionAt },
          after: (saved) => ({ sending: { record: saved, sending: plan.sending, unsaved: false } }),
        };
      if (unchanged(record, plan.record, advanced.reached)) return { done: {} };
      // Nothing to send: the stage events go to the bus now and leave the outbox in this same write.
      const flushed = await publish(deps, plan.record, report);
      return { save: flushed, after: () => ({}) };
    },
    { first: initial },
  );
  for (const stage of reached) report.moved[stage] = (report.moved[stage] ?? 0) + 1;
  return result;
}

function unchanged(before: DossierRecord, after: DossierRecord, reached: readonly Stage[]): boolean {
  return (
    reached.length === 0 &&
    after.nextActionAt === before.nextActionAt &&
    after.lease === before.lease &&
    JSON.stringify(after.notifications) === JSON.stringify(before.notifications)
  );
}

/** Composes the run's emails and sends them, each through the mailer its delivery rule asks for. */
async function send(
  deps: DetectorDeps,
  held: readonly Held[],
  now: number,
  report: DetectorReport,
  units: UnitBook,
): Promise<Map<string, SendOutcome>> {
  const { envelopes, failures } = composeMail(
    held,
    {
      senderEmail: deps.config.senderEmail,
      units,
      approvalLink: (dossierId, boundTo) =>
        `${deps.config.approvalBaseUrl}/approve/${encodeURIComponent(dossierId)}?token=${signApprovalToken(
          deps.config.linkSecret,
          dossierId,
          now + (deps.config.linkTtlMs ?? 14 * DAY),
          boundTo,
        )}`,
      statusPage: (dossierId) => statusPageUrl(deps.config.approvalBaseUrl, dossierId),
    },
    defaultCalendar(),
    now,
  );
  const outcomes = new Map<string, SendOutcome>();
  for (const [id, reason] of failures) outcomes.set(id, { error: reason });
  // Phones and mail side by side: they settle different notifications, so neither waits for the other.
  const phones = sendToPhones(deps, held, now, outcomes, report);
  const mails = mapLimit(envelopes, 4, async (envelope: Envelope) => {
    try {
      const mailer = envelope.atMostOnce ? (deps.citizenMailer ?? deps.mailer) : deps.mailer;
      await mailer.send(envelope.mail);
      report.emailsSent += 1;
      // One alert may go to several desks: it counts as sent once every desk's mail went (a failure wins).
      for (const part of envelope.parts)
        for (const id of part.notificationIds)
          if (!outcomes.has(id)) outcomes.set(id, { sentAt: new Date(now).toISOString() });
    } catch (error) {
      const failed = failedSend(error, 'mail');
      for (const part of envelope.parts)
        for (const id of part.notificationIds) if (!outcomes.get(id)?.error) outcomes.set(id, failed);
    }
  });
  await Promise.all([phones, mails]);
  return outcomes;
}

/**
 * What a failed send means, whatever the channel (ports/send-errors.ts): refused (for good on a phone
 * channel: the citizen's next channel is owed; by mail retried with backoff, as an address is corrected
 * in the directory), refused for now (retried with backoff), or unknown — the service may have taken it
 * (a citizen's apology is then handed to the desk, never resent).
 */
function failedSend(error: unknown, channel: 'mail' | 'phone'): SendOutcome {
  if (error instanceof SendRejectedError)
    return channel === 'phone' ? { error: error.message, rejected: true } : { error: error.message };
  if (error instanceof SendDeferredError) return { error: describeError(error) };
  return { error: describeError(error), uncertain: true };
}

/**
 * The citizens' phone notices of the run (ZNS, SMS), one attempt each: sent, refused for good (the next
 * channel is owed), deferred (retried), or unknown (handed to the desk, never resent).
 */
async function sendToPhones(
  deps: DetectorDeps,
  held: readonly Held[],
  now: number,
  outcomes: Map<string, SendOutcome>,
  report: DetectorReport,
): Promise<void> {
  const envelopes = held.flatMap((h) =>
    h.sending
      .filter((n) => PHONE_CHANNELS.has(n.kind))
      .map((n) =>
        composePhoneNotice(
          h.record,
          n,
          statusPageUrl(deps.config.approvalBaseUrl, h.record.state.dossierId),
          deps.config.smsTemplate,
        ),
      ),
  );
  await mapLimit(envelopes, 4, async (envelope) => {
    if ('refused' in envelope) {
      outcomes.set(envelope.notificationId, { error: envelope.refused, rejected: true });
      return;
    }
    if (!deps.phone) {
      outcomes.set(envelope.notificationId, { error: 'no phone channel is configured', rejected: true });
      return;
    }
    try {
      await deps.phone.send(envelope.message);
      report.phoneMessagesSent += 1;
      outcomes.set(envelope.notificationId, { sentAt: new Date(now).toISOString() });
    } catch (error) {
      outcomes.set(envelope.notificationId, failedSend(error, 'phone'));
    }
  });
}

/** Records what happened to a dossier's notifications, with its stage events, in one conditional write. */
async function recordOutcome(
  deps: DetectorDeps,
  h: Held,
  outcomes: ReadonlyMap<string, SendOutcome>,
  now: number,
  runId: string,
  calendar: WorkingCalendar,
  report: DetectorReport,
): Promise<void> {
  const failures = await saveWithRetry<string[]>(
    deps.store,
    h.record.state.dossierId,
    async (current, attempt) => {
      if (!current) return { done: [] };
      // On the first attempt the record in hand; after a conflict the stored one, and — the move was
      // never written for officials' alerts — moved again from it.
      let base = attempt === 1 ? h.record : current;
      if (attempt > 1 && h.unsaved)
        base = settleUncertainApologies(advanceStages(current, calendar, now).record, runId, now);
      const applied = applyOutcomes(base, h.sending, outcomes, runId, now, calendar, printsLetter);
      const flushed = await publish(deps, { ...applied.record, version: current.version }, report);
      return { save: flushed, after: () => applied.failures };
    },
    { first: h.record },
  );
  report.notificationsSent += h.sending.filter((n) => outcomes.get(n.id)?.sentAt).length;
  for (const reason of failures) report.failures.push({ dossierId: h.record.state.dossierId, reason });
}

/** Publishes a record's stage events before the write that removes them; a bus failure is reported, never hides the write. */
async function publish(deps: DetectorDeps, record: DossierRecord, report: DetectorReport): Promise<DossierRecord> {
  const flushed = await publishOwed(deps.publisher, record);
  report.eventsPublished += flushed.published;
  if (flushed.failure)
    report.failures.push({
      dossierId: record.state.dossierId,
      reason: `events not published: ${describeError(flushed.failure)}`,
    });
  return flushed.record;
}

export type { NotificationKind };
export { PARK_AFTER_RUNS };

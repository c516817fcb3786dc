import { createHash } from 'node:crypto';
import type { DossierEvent } from '../contracts/dossier-events.ts';
import { signApprovalToken } from '../domain/approval-link.ts';
import { defaultCalendar } from '../domain/calendar/default-calendar.ts';
import { advanceStages } from '../domain/dossier/advance-stages.ts';
import { settleUncertainApologies, uncertainApology } from '../domain/dossier/apology-delivery.ts';
import { markApologyIssued } from '../domain/dossier/approve-apology.ts';
import {
  type DossierRecord,
  MAX_ATTEMPTS,
  type NotificationKind,
  type OwedNotification,
  pendingNotifications,
  retryAt,
  scheduleNextAction,
} from '../domain/dossier/dossier-record.ts';
import type { Stage } from '../domain/dossier/stages.ts';
import { renderLetterDocx } from '../domain/letters/apology-docx.ts';
import { buildApologyLetter, renderLetterHtml, renderLetterText } from '../domain/letters/apology-letter.ts';
import { buildDigest, copiesHead, type DigestItem, printsLetter } from '../domain/letters/digest.ts';
import type { Clock } from '../ports/clock.ts';
import type { DetectorStore, QuarantineEntry, QuarantineStore } from '../ports/detector-store.ts';
import { type DossierStore, VersionConflictError } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { MailDeferredError, type Mailer, type MailMessage, MailRejectedError } from '../ports/mailer.ts';
import { mapLimit } from './map-limit.ts';
import { backoffMs, READ_RETRY } from './retry-policy.ts';
import type { RuleBook } from './rule-book.ts';

export interface DetectorDeps {
  store: DossierStore;
  index: DetectorStore;
  rules: RuleBook;
  /** Officials' digests: at least once (its client may retry below). */
  mailer: Mailer;
  /**
   * Citizens' apologies: at most once, so nothing below it may resend (its SDK client makes one attempt).
   * Defaults to `mailer` where both are the same fake (unit tests).
   */
  citizenMailer?: Mailer;
  publisher: EventPublisher;
  clock: Clock;
  /** Where repeated failures are counted and dossiers parked; without it every failure holds its bucket. */
  quarantine?: QuarantineStore;
  config: {
    senderEmail: string;
    approvalBaseUrl: string;
    linkSecret: string;
    /** How long approval links stay valid (default 14 days). */
    linkTtlMs?: number;
    /** How long a run holds a dossier's notifications before another run may send them (default 10 min). */
    leaseMs?: number;
    /** Shards walked at once (default 4). */
    shardConcurrency?: number;
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

interface Held {
  record: DossierRecord;
  sending: OwedNotification[];
}

const DAY = 86_400_000;

/**
 * One detector pass at `now`: reads only the sparse index buckets from the watermark to today (never a
 * Scan), moves each dossier forward by time passed with a conditional write that also records the
 * notifications it owes and takes a lease on them, sends one digest per official (the head copied on
 * missed apology deadlines and overruns) and the approved apologies to citizens, then marks what was
 * sent. A crash anywhere leaves the notifications owed and leased: the next run after the lease sends
 * them; a failing address is retried with backoff, then flagged. One dossier's failure never stops the
 * others; the report lists them.
 */
export async function runDetector(deps: DetectorDeps, runId: string): Promise<DetectorReport> {
  const now = deps.clock.now();
  const calendar = defaultCalendar();
  const book = await deps.rules.current();
  const leaseMs = deps.config.leaseMs ?? 10 * 60_000;
  const report: DetectorReport = {
    runId,
    now: calendar.formatInstant(now),
    bucketsRead: 0,
    itemsRead: 0,
    examined: 0,
    moved: {},
    notificationsSent: 0,
    emailsSent: 0,
    eventsPublished: 0,
    failures: [],
    parked: [],
  };
  const readsBefore = deps.index.itemsRead;
  const today = calendar.formatInstant(now).slice(0, 10);
  const quarantine = deps.quarantine;
  const quarantined = new Map(
    (quarantine ? await retried(() => quarantine.listQuarantine()) : []).map((q) => [q.dossierId, q]),
  );
  const held: Held[] = [];
  const handled = new Set<string>();
  /**
   * A dossier failed: counted in the quarantine; once it has failed `parkAfter` runs in a row it is
   * parked and no longer holds its shard's watermark. Returns whether the shard must stay on this bucket.
   */
  const fail = async (dossierId: string, reason: string): Promise<boolean> => {
    if (!quarantine) {
      report.failures.push({ dossierId, reason });
      return true;
    }
    let entry: QuarantineEntry;
    try {
      entry = await retried(() =>
        quarantine.recordFailure(dossierId, reason, new Date(now).toISOString(), PARK_AFTER_RUNS),
      );
    } catch (error) {
      // Not counted this time: the dossier holds its bucket and is tried again by the next run.
      report.failures.push({ dossierId, reason: `${reason}; not counted: ${describe(error)}` });
      return true;
    }
    quarantined.set(dossierId, entry);
    if (entry.parkedAt) {
      report.parked.push({ dossierId, reason, failures: entry.failures });
      return false;
    }
    report.failures.push({ dossierId, reason });
    return true;
  };
  // Each shard is walked, and progresses, on its own, several at once: one shard's trouble never holds
  // another's alerts.
  const holdBack = new Map<string, string>();
  const watermarks = await retried(() => deps.index.getWatermarks());
  await mapLimit([...deps.index.shards], deps.config.shardConcurrency ?? 4, async (shard) => {
    const watermark = watermarks.get(shard) ?? today;
    const hold = (bucket: string) => {
      const current = holdBack.get(shard);
      if (!current || bucket < current) holdBack.set(shard, bucket);
    };
    // Newest bucket first: a lease write puts a dossier from an older bucket into today's, which this walk
    // has then already read — each dossier is read once per run.
    for (let day = Date.parse(`${today}T00:00:00Z`); day >= Date.parse(`${watermark}T00:00:00Z`); day -= DAY) {
      const bucket = new Date(day).toISOString().slice(0, 10);
      report.bucketsRead += 1;
      // A bucket that cannot be read (throttled beyond the SDK's retries) fails alone: the shard's
      // watermark stays on it so the next run reads it again.
      let found: Awaited<ReturnType<DetectorStore['queryDue']>>;
      try {
        found = await retried(() => deps.index.queryDue(bucket, shard, new Date(now).toISOString()));
      } catch (error) {
        report.failures.push({ dossierId: `(bucket ${bucket}#${shard})`, reason: describe(error) });
        hold(bucket);
        continue;
      }
      for (const broken of found.unreadable) {
        if (quarantined.get(broken.dossierId)?.parkedAt) continue;
        if (await fail(broken.dossierId, broken.reason)) hold(bucket);
      }
      // Dossiers are independent: several in flight, each with its own conditional writes. A dossier this
      // run leased moves to a later bucket, where the same run would find it again: handled once per run.
      await mapLimit(found.due, 8, async (candidate) => {
        const dossierId = candidate.record.state.dossierId;
        if (handled.has(dossierId) || quarantined.get(dossierId)?.parkedAt) return;
        handled.add(dossierId);
        report.examined += 1;
        try {
          const result = await moveAndLease(deps, candidate.record, now, runId, leaseMs, book.calendar);
          if (result.leasedByOther) hold(bucket);
          for (const stage of result.reached) report.moved[stage] = (report.moved[stage] ?? 0) + 1;
          if (result.held) held.push(result.held);
          if (quarantined.has(dossierId)) {
            // A failure to clear only leaves a count that the next success clears.
            await quarantine?.clearFailure(dossierId).catch(() => undefined);
            quarantined.delete(dossierId);
          }
        } catch (error) {
          if (await fail(dossierId, describe(error))) hold(bucket);
        }
      });
    }
  });
  await send(deps, held, now, runId, report);
  // A watermark is written only when it moves; one that cannot be written only makes the next run read
  // a bucket again.
  await mapLimit([...deps.index.shards], 4, async (shard) => {
    const next = holdBack.get(shard) ?? today;
    if (watermarks.get(shard) !== undefined && next <= (watermarks.get(shard) as string)) return;
    try {
      await retried(() => deps.index.setWatermark(shard, next));
    } catch (error) {
      report.failures.push({ dossierId: `(watermark ${shard})`, reason: describe(error) });
    }
  });
  report.eventsPublished = published.get(deps) ?? 0;
  published.delete(deps);
  report.itemsRead = deps.index.itemsRead - readsBefore;
  return report;
}

/** Runs in a row that may fail on one dossier before it is parked (ADR 0012). */
export const PARK_AFTER_RUNS = 3;

/** A read retried with short jittered backoff: reads are idempotent and a throttle is usually brief. */
async function retried<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= READ_RETRY.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(READ_RETRY, attempt)));
    }
  }
}

async function moveAndLease(
  deps: DetectorDeps,
  initial: DossierRecord,
  now: number,
  runId: string,
  leaseMs: number,
  calendarOf: (id: string) => ReturnType<typeof defaultCalendar>,
): Promise<{ reached: Stage[]; held?: Held | undefined; leasedByOther?: boolean }> {
  let record = initial;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const calendar = calendarOf(record.state.rule?.calendarId ?? 'vn-civil-service');
    const advanced = advanceStages(record, calendar, now);
    const leasedByOther = record.lease && record.lease.runId !== runId && Date.parse(record.lease.until) > now;
    // Another run holds it: that run's outcome write moves it on. Left as it is (no write), in its bucket,
    // which the caller keeps in reach until the lease is over.
    if (leasedByOther) return { reached: [], leasedByOther: true };
    // A citizen's apology still marked in flight by a run whose lease is over: that run died while
    // sending, and whether SES took the email is unknown. Never email it again; the desk confirms.
    const settled = settleUncertainApologies(advanced.record, runId, now);
    const sending = pendingNotifications(settled).filter((n) => retryAt(n) <= now);
    const notifications = { ...settled.notifications };
    for (const n of sending) {
      if (n.kind === 'apology_to_citizen')
        notifications[n.id] = { ...n, inFlight: { runId, at: new Date(now).toISOString() } };
    }
    // The lease does not move the dossier's next action (its index entry stays where this run found it,
    // so the lease costs the index nothing): a run that dies leaves it there for the first run after the
    // lease, and runs meanwhile skip it without passing its bucket.
    let next: DossierRecord = {
      ...settled,
      notifications,
      lease: sending.length > 0 ? { runId, until: new Date(now + leaseMs).toISOString() } : undefined,
    };
    next = { ...next, nextActionAt: sending.length > 0 ? record.nextActionAt : scheduleNextAction(next, calendar) };
    if (next.nextActionAt) next.nextActionAt = calendar.formatInstant(Date.parse(next.nextActionAt));
    const changed =
      advanced.reached.length > 0 ||
      settled !== advanced.record ||
      sending.length > 0 ||
      next.nextActionAt !== record.nextActionAt ||
      next.lease !== record.lease;
    if (!changed) return { reached: [] };
    try {
      // With no mail to send, the stage events go to the bus now and leave the outbox in this same write
      // (no second write to clear it); with mail, they go with the outcome write.
      if (sending.length === 0) next = await publishInto(deps, next);
      const saved = await deps.store.saveRecord(next, record.version);
      return { reached: advanced.reached, held: sending.length > 0 ? { record: saved, sending } : undefined };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const reloaded = await deps.store.load(record.state.dossierId);
      if (!reloaded.record) throw error;
      record = reloaded.record;
    }
  }
  throw new Error('kept conflicting with concurrent writers');
}

interface Envelope {
  message: MailMessage;
  parts: { dossierId: string; notificationIds: string[] }[];
  /** A citizen's apology: sent through the at-most-once mailer. */
  atMostOnce?: boolean;
}

async function send(
  deps: DetectorDeps,
  held: Held[],
  now: number,
  runId: string,
  report: DetectorReport,
): Promise<void> {
  const calendar = defaultCalendar();
  const envelopes: Envelope[] = [];
  const byOfficial = new Map<
    string,
    { name: string; items: DigestItem[]; cc: Set<string>; parts: Envelope['parts'] }
  >();
  const prepareFailures = new Map<string, string>();
  for (const h of held) {
    const received = h.record.state.received;
    if (!received) continue;
    for (const n of h.sending) {
      try {
        const letter =
          n.kind === 'due_soon' || n.kind.startsWith('apology_')
            ? buildApologyLetter(h.record, calendar, now)
            : undefined;
        if (n.kind === 'apology_to_citizen' && letter && received.applicant.email) {
          envelopes.push({
            message: {
              from: deps.config.senderEmail,
              to: [received.applicant.email],
              subject: `${received.agency.name}: ${letter.title.charAt(0)}${letter.title.slice(1).toLocaleLowerCase('vi')} — hồ sơ ${h.record.state.dossierId}`,
              text: renderLetterText(letter),
              html: `<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>${renderLetterHtml(letter)}</body></html>`,
              attachments: [
                {
                  filename: `phieu-xin-loi-${safeName(h.record.state.dossierId)}.docx`,
                  content: renderLetterDocx(letter),
                  contentType: DOCX,
                },
              ],
              messageId: messageIdOf([n.id]),
            },
            parts: [{ dossierId: h.record.state.dossierId, notificationIds: [n.id] }],
            atMostOnce: true,
          });
          continue;
        }
        const group = byOfficial.get(received.official.email) ?? {
          name: received.official.name,
          items: [],
          cc: new Set<string>(),
          parts: [],
        };
        const approvalUrl =
          n.kind === 'due_soon' && h.record.apology.status === 'drafted'
            ? `${deps.config.approvalBaseUrl}/approve/${encodeURIComponent(h.record.state.dossierId)}?token=${signApprovalToken(
                deps.config.linkSecret,
                h.record.state.dossierId,
                now + (deps.config.linkTtlMs ?? 14 * DAY),
              )}`
            : undefined;
        group.items.push({ record: h.record, kind: n.kind, letter, approvalUrl });
        if (copiesHead(n.kind) && received.head?.email) group.cc.add(received.head.email);
        const part = group.parts.find((p) => p.dossierId === h.record.state.dossierId);
        if (part) part.notificationIds.push(n.id);
        else group.parts.push({ dossierId: h.record.state.dossierId, notificationIds: [n.id] });
        byOfficial.set(received.official.email, group);
      } catch (error) {
        prepareFailures.set(n.id, describe(error));
      }
    }
  }
  for (const [email, group] of byOfficial) {
    const digest = buildDigest(group.name, group.items, calendar, now);
    const attachments = await Promise.all(
      group.items
        .filter((i) => i.letter && (i.kind === 'due_soon' || printsLetter(i.kind)))
        .map(async (i) => ({
          filename: `phieu-xin-loi-${safeName(i.record.state.dossierId)}.docx`,
          content: renderLetterDocx(i.letter as NonNullable<DigestItem['letter']>),
          contentType: DOCX,
        })),
    );
    envelopes.push({
      message: {
        from: deps.config.senderEmail,
        to: [email],
        cc: [...group.cc].filter((c) => c !== email),
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
        attachments,
        messageId: messageIdOf(group.parts.flatMap((p) => p.notificationIds)),
      },
      parts: group.parts,
    });
  }
  const outcome = new Map<string, Outcome>();
  for (const [id, reason] of prepareFailures) outcome.set(id, { error: reason });
  await mapLimit(envelopes, 4, async (envelope) => {
    try {
      const mailer = envelope.atMostOnce ? (deps.citizenMailer ?? deps.mailer) : deps.mailer;
      await mailer.send(envelope.message);
      report.emailsSent += 1;
      for (const part of envelope.parts)
        for (const id of part.notificationIds) outcome.set(id, { sentAt: new Date(now).toISOString() });
    } catch (error) {
      const known = error instanceof MailRejectedError || error instanceof MailDeferredError;
      const reason = error instanceof MailRejectedError ? error.message : describe(error);
      for (const part of envelope.parts)
        for (const id of part.notificationIds)
          outcome.set(id, { error: reason, ...(known ? {} : { uncertain: true }) });
    }
  });
  await mapLimit(held, 8, async (h) => {
    try {
      const failed = await markOutcome(deps, h, outcome, now, runId);
      report.notificationsSent += h.sending.filter((n) => outcome.get(n.id)?.sentAt).length;
      for (const f of failed) report.failures.push({ dossierId: h.record.state.dossierId, reason: f });
    } catch (error) {
      report.failures.push({ dossierId: h.record.state.dossierId, reason: describe(error) });
    }
  });
}

/** Records what happened to a dossier's notifications on its latest version, and releases the lease. */
async function markOutcome(
  deps: DetectorDeps,
  held: Held,
  outcome: Map<string, Outcome>,
  now: number,
  runId: string,
): Promise<string[]> {
  const calendar = defaultCalendar();
  let record = held.record;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const failures: string[] = [];
    const notifications = { ...record.notifications };
    let next: DossierRecord = record;
    for (const n of held.sending) {
      const current = notifications[n.id];
      const result = outcome.get(n.id);
      if (!current || current.sentAt || current.uncertainAt || !result) continue;
      const { inFlight: _done, ...settledCurrent } = current;
      if (result.sentAt) {
        notifications[n.id] = {
          ...settledCurrent,
          sentAt: result.sentAt,
          attempts: current.attempts + 1,
          lastAttemptAt: result.sentAt,
        };
        if (n.kind === 'apology_to_citizen' || printsLetter(n.kind)) next = markApologyIssued(next, result.sentAt);
      } else if (result.uncertain && n.kind === 'apology_to_citizen') {
        const at = new Date(now).toISOString();
        const settled = uncertainApology(next, current, at);
        for (const id of [n.id, `${next.state.dossierId}#apology#apology_unconfirmed`]) {
          const settledNotice = settled.notifications[id];
          if (settledNotice) notifications[id] = settledNotice;
        }
        failures.push(`${n.kind}: ${result.error ?? 'no answer'} (outcome unknown: handed to the desk, not resent)`);
      } else {
        const attempts = current.attempts + 1;
        const at = new Date(now).toISOString();
        notifications[n.id] = {
          ...settledCurrent,
          attempts,
          lastAttemptAt: at,
          lastError: result.error,
          ...(attempts >= MAX_ATTEMPTS ? { failedAt: at } : {}),
        };
        failures.push(
          `${n.kind}: ${result.error ?? 'not sent'}${attempts >= MAX_ATTEMPTS ? ' (flagged after last attempt)' : ` (attempt ${attempts}, retried later)`}`,
        );
      }
    }
    next = { ...next, notifications, lease: record.lease?.runId === runId ? undefined : record.lease };
    next.nextActionAt = scheduleNextAction(next, calendar);
    try {
      await deps.store.saveRecord(await publishInto(deps, next), record.version);
      return failures;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const reloaded = await deps.store.load(record.state.dossierId);
      if (!reloaded.record) throw error;
      record = reloaded.record;
    }
  }
  throw new Error('could not record the notification outcome after repeated conflicts');
}

/** What became of one notification's send. `uncertain`: the mail service may have taken it. */
interface Outcome {
  sentAt?: string;
  error?: string;
  uncertain?: boolean;
}

/**
 * Publishes the events a record owes the bus and returns the record without the accepted ones, to be
 * written in the same conditional write (one write instead of a write and an outbox clear). A write that
 * then fails leaves them owed: they are published again, with the same ids (at least once).
 */
async function publishInto(deps: DetectorDeps, record: DossierRecord): Promise<DossierRecord> {
  const owed = Object.values(record.outbox);
  if (owed.length === 0) return record;
  const accepted = new Set(await deps.publisher.publish(owed));
  published.set(deps, (published.get(deps) ?? 0) + accepted.size);
  return { ...record, outbox: Object.fromEntries(Object.entries(record.outbox).filter(([id]) => !accepted.has(id))) };
}

/** Events published per run (deps object), for the report. */
const published = new WeakMap<DetectorDeps, number>();

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 80);
}

function messageIdOf(notificationIds: string[]): string {
  const hash = createHash('sha256')
    .update([...notificationIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}@dunghan.vn>`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type { NotificationKind };

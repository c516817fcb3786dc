import { type DossierEvent, InvalidEventError } from '../contracts/dossier-events.ts';
import type { WorkingCalendar } from '../domain/calendar/working-calendar.ts';
import { type DossierRecord, type FoldMark, nextRecord } from '../domain/dossier/dossier-record.ts';
import {
  type DossierState,
  eventSortKey,
  extendFold,
  type FoldContext,
  foldDossier,
  foldMarkOf,
} from '../domain/dossier/dossier-state.ts';
import { resolveRule } from '../domain/rules/deadline-rule.ts';
import type { Clock } from '../ports/clock.ts';
import { authentic, type DossierStore } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { describeError } from '../support/describe-error.ts';
import { ConflictError } from '../support/errors.ts';
import { CONTENTION_RETRY } from '../support/retry-policy.ts';
import { publishOwed } from './outbox.ts';
import type { RuleBook, RuleBookSnapshot } from './rule-book.ts';
import { type Decision, saveWithRetry, TooManyConflictsError } from './save-with-retry.ts';

/** An event's log write and the log disagree (the write's condition failed, the log lacks it): retry. */
export class EventLogConflictError extends ConflictError {
  override name = 'EventLogConflictError';
}

export interface IngestDeps {
  store: DossierStore;
  rules: RuleBook;
  publisher: EventPublisher;
  clock: Clock;
  /** Attempts on a version conflict before giving up (the event is then retried by its source). */
  maxAttempts?: number;
  /** Waits between attempts; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

export interface IngestResult {
  outcome: 'applied' | 'duplicate';
  dossierId: string;
  status: string;
  version: number;
  attempts: number;
  published: number;
}

/**
 * Applies one validated event to its dossier, exactly once in effect, whatever the order and however
 * often events arrive (ADR 0011). The event goes into the dossier's log first (one conditional put; the
 * log is the truth). The record then says how much of the log its state was folded from: an event that
 * sorts after everything folded is applied to the stored state directly (the usual case, one read and
 * one write); anything else — a late or repeated event, a receipt after other events — is settled by
 * folding the whole log again, and a log no longer than what was folded means a duplicate. The record is
 * saved with one conditional write ({@link saveWithRetry}); the violations it owes the bus are published
 * just before, and leave the outbox in that same write ({@link publishOwed}).
 */
export async function ingestDossierEvent(deps: IngestDeps, event: DossierEvent): Promise<IngestResult> {
  const delivery = new Delivery(deps, event);
  await delivery.log();
  const result = await saveWithRetry<IngestResult>(
    deps.store,
    event.detail.dossierId,
    (previous, attempt) => delivery.decide(previous, attempt),
    {
      ...(delivery.added && event.type === 'DossierReceived' ? { first: undefined } : {}),
      ...(deps.maxAttempts ? { policy: { ...CONTENTION_RETRY, attempts: deps.maxAttempts } } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    },
  );
  // The bus failed: the record is saved with its outbox whole; the delivery is retried and publishes it.
  if (delivery.failure) throw delivery.failure;
  return result;
}

/** One delivery of one event: what it wrote to the log, what it saw of the record, what the bus did. */
class Delivery {
  /** The event was added to the log by this delivery (not already there). */
  added = false;
  /** The bus's failure, if publishing failed (the record is saved with its outbox whole). */
  failure: unknown;
  /** A forged item holds this event's id in the log (issue #31). */
  private forgedSeen = false;
  /** The first version loaded after this event was written: a record folded from a later one holds it. */
  private seen: number | undefined;
  private readonly key: string;
  private readonly dossierId: string;
  private readonly loadsFirst: boolean;

  constructor(
    private readonly deps: IngestDeps,
    private readonly event: DossierEvent,
  ) {
    this.key = eventSortKey(event);
    this.dossierId = event.detail.dossierId;
    this.loadsFirst = event.type !== 'DossierReceived';
  }

  private storedAt(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Writes the event to the dossier's log (first, always: the log is the truth). */
  async log(): Promise<void> {
    this.added = await this.deps.store.appendEvent(this.event, this.storedAt());
  }

  /** Only sealed events are folded: one written into the log behind Đúng Hạn's back is not (issue #31). */
  private async listLog(): Promise<DossierEvent[]> {
    const logged = await this.deps.store.listEvents(this.dossierId);
    this.forgedSeen = logged.some((e) => e.forged && e.event.detail.eventId === this.event.detail.eventId);
    return authentic(logged);
  }

  async decide(previous: DossierRecord | undefined, attempt: number): Promise<Decision<IngestResult>> {
    const done = this.foldedByAnother(previous, attempt);
    if (done) return { done };
    if (this.seen === undefined && (this.loadsFirst || !this.added || attempt > 1)) this.seen = previous?.version ?? 0;
    const book = await this.deps.rules.current();
    const context = foldContextOf(book, previous);
    // Extended without reading the log on a first attempt only: after losing a race this delivery lists
    // the log, so the fold it stores holds every event written before — and tells the others so (basis).
    const extendable =
      attempt === 1 &&
      this.added &&
      this.event.type !== 'DossierReceived' &&
      previous?.folded !== undefined &&
      this.key > previous.folded.last;
    let log: DossierEvent[] | undefined;
    if (!extendable && !(!previous && this.added)) {
      log = await this.loggedLog();
      if (previous?.folded && log.length === previous.folded.count) return this.duplicate(previous, attempt);
    }
    const next = foldOrRefuse(this.dossierId, this.event, previous, log, this.key, context, book.calendar);
    if (next instanceof InvalidEventError) {
      // The contract bounds what the domain computes, so this is a defect or a configuration fault (a rule
      // naming a calendar that is gone): the event leaves the log, so it cannot wedge the dossier's later
      // events, and is dead-lettered with the reason; replayed once the cause is fixed, it is applied.
      await this.deps.store.removeEvent(this.dossierId, this.event.detail.eventId);
      throw next;
    }
    const flushed = await publishOwed(this.deps.publisher, next);
    this.failure = flushed.failure;
    // Saved: this delivery folded something new (itself, or after a crash the event its first delivery
    // logged but never folded).
    return {
      save: flushed.record,
      after: (saved) => ({
        outcome: 'applied',
        dossierId: this.dossierId,
        status: saved.state.status,
        version: saved.version,
        attempts: attempt,
        published: flushed.published,
      }),
    };
  }

  /** Another delivery listed the log after this event was written and stored the fold: done. */
  private foldedByAnother(previous: DossierRecord | undefined, attempt: number): IngestResult | undefined {
    const basis = previous?.folded?.basis;
    if (this.seen === undefined || basis === undefined || basis <= this.seen) return undefined;
    if (Object.keys(previous?.outbox ?? {}).length > 0) return undefined;
    return {
      outcome: 'applied',
      dossierId: this.dossierId,
      status: previous?.state.status ?? 'open',
      version: previous?.version ?? 0,
      attempts: attempt,
      published: 0,
    };
  }

  /** The log, holding this event: the log put is never trusted over the log itself. */
  private async loggedLog(): Promise<DossierEvent[]> {
    const { eventId } = this.event.detail;
    let log = await this.listLog();
    if (log.some((e) => e.detail.eventId === eventId)) return log;
    // The log put said "already there" but the log does not hold it. A forged item squatting on this
    // event's id is replaced by the real, sealed event.
    this.added = await this.deps.store.appendEvent(this.event, this.storedAt(), { replaceForged: this.forgedSeen });
    log = await this.listLog();
    // Still not there: this delivery fails and is retried; calling it a duplicate would lose it.
    if (!log.some((e) => e.detail.eventId === eventId))
      throw new EventLogConflictError(
        `event ${eventId} is not in the log of dossier ${this.dossierId} although its write said it was`,
      );
    return log;
  }

  /** Nothing new to fold; what an earlier delivery could not publish goes now. */
  private async duplicate(previous: DossierRecord, attempt: number): Promise<Decision<IngestResult>> {
    const duplicate = {
      outcome: 'duplicate' as const,
      dossierId: this.dossierId,
      status: previous.state.status,
      attempts: attempt,
    };
    if (Object.keys(previous.outbox).length === 0)
      return { done: { ...duplicate, version: previous.version, published: 0 } };
    const flushed = await publishOwed(this.deps.publisher, previous);
    this.failure = flushed.failure;
    return {
      save: flushed.record,
      after: (saved) => ({ ...duplicate, version: saved.version, published: flushed.published }),
    };
  }
}

/** What a fold of a dossier's events needs: the calendars and rules in force, its rule once frozen. */
export function foldContextOf(book: RuleBookSnapshot, previous?: DossierRecord): FoldContext {
  return {
    calendar: book.calendar,
    resolveRule: (query) => resolveRule(book.rules, query),
    frozenRule: previous?.state.rule,
  };
}

/** The record folded with the event, or the refusal (the domain threw) naming why. */
function foldOrRefuse(
  dossierId: string,
  event: DossierEvent,
  previous: DossierRecord | undefined,
  log: DossierEvent[] | undefined,
  key: string,
  context: FoldContext,
  calendarOf: (id: string) => WorkingCalendar,
): DossierRecord | InvalidEventError {
  try {
    let state: DossierState;
    let folded: FoldMark;
    if (log) {
      state = foldDossier(dossierId, log, context);
      // Listed after loading `previous`: every event written before that load is in it.
      folded = { ...foldMarkOf(log), basis: previous?.version ?? 0 };
    } else if (previous?.folded) {
      state = extendFold(previous.state, event, context);
      const { basis } = previous.folded;
      folded = { count: previous.folded.count + 1, last: key, ...(basis === undefined ? {} : { basis }) };
    } else {
      state = foldDossier(dossierId, [event], context);
      folded = { count: 1, last: key };
    }
    const calendar = state.rule ? calendarOf(state.rule.calendarId) : undefined;
    return { ...nextRecord(previous, state, calendar), folded };
  } catch (error) {
    return new InvalidEventError(event.type, [
      {
        path: error instanceof Error && 'field' in error ? `detail.${String(error.field)}` : 'detail',
        reason: `cannot be applied to dossier ${dossierId}: ${describeError(error)}`,
      },
    ]);
  }
}

export { TooManyConflictsError };

import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { ingestDossierEvent, TooManyConflictsError } from '../../shared/use-cases/ingest-dossier-event.ts';
import { landDossierEvents } from '../support/fixtures.ts';
import { fixedClock, InMemoryDossierStore, RecordingPublisher, shippedRuleBook } from '../support/in-memory.ts';

async function setup() {
  const store = new InMemoryDossierStore();
  const publisher = new RecordingPublisher();
  const clock = fixedClock('2022-05-20T00:00:00Z');
  const deps = { store, publisher, clock, rules: await shippedRuleBook(clock), sleep: async () => undefined };
  return { store, publisher, deps, events: landDossierEvents().map(parseDossierEvent) };
}

describe('ingesting one event (use case with in-memory ports)', () => {
  it('applies an event once; the same event id again changes nothing', async () => {
    const { deps, store, events } = await setup();
    const first = await ingestDossierEvent(deps, events[0] as never);
    const again = await ingestDossierEvent(deps, events[0] as never);
    expect(first).toMatchObject({ outcome: 'applied', version: 1, status: 'open' });
    // Version 1: the receipt's violation was published before the one write, which left the outbox empty
    // (no separate clear: ADR 0013).
    expect(again).toMatchObject({ outcome: 'duplicate', version: 1 });
    expect(store.saves).toBe(1);
    expect(store.events.get('H21.65-220408-0012')).toHaveLength(1);
  });

  it('retries on a concurrent-update conflict and applies the event exactly once', async () => {
    const { deps, store, events } = await setup();
    store.conflictsToInject = 3;
    const result = await ingestDossierEvent(deps, events[0] as never);
    expect(result).toMatchObject({ outcome: 'applied', attempts: 4, version: 1 });
    expect(store.events.get('H21.65-220408-0012')).toHaveLength(1);
  });

  it('gives up after repeated conflicts, leaving the event for its source to retry', async () => {
    const { deps, store, events } = await setup();
    store.conflictsToInject = 100;
    await expect(ingestDossierEvent({ ...deps, maxAttempts: 3 }, events[0] as never)).rejects.toThrow(
      TooManyConflictsError,
    );
    expect(store.records.size).toBe(0);
    // Redelivered once the writers calm down, it is applied.
    store.conflictsToInject = 0;
    expect(await ingestDossierEvent(deps, events[0] as never)).toMatchObject({ outcome: 'applied', version: 1 });
  });

  it('never calls an event a duplicate on the log put’s word alone: absent from the log, the delivery fails and is retried', async () => {
    const { deps, store, events } = await setup();
    const [receipt, handover] = events;
    await ingestDossierEvent(deps, receipt as never);
    // The put says "already there" (its condition failed) yet the log does not hold the event, even after
    // a second put: a fault, never a duplicate (the chaos harness injects such conflicts).
    const append = store.appendEvent.bind(store);
    store.appendEvent = async () => false;
    await expect(ingestDossierEvent(deps, handover as never)).rejects.toThrow(
      /not in the log of dossier H21\.65-220408-0012 although its write said it was/,
    );
    expect(store.events.get('H21.65-220408-0012')).toHaveLength(1);
    store.appendEvent = append;
    expect(await ingestDossierEvent(deps, handover as never)).toMatchObject({ outcome: 'applied', version: 2 });
  });

  it('publishes a violation once, and a redelivery after a failed publish flushes the outbox', async () => {
    const { deps, store, publisher, events } = await setup();
    publisher.failNext = true;
    await expect(ingestDossierEvent(deps, events[0] as never)).rejects.toThrow('bus unavailable');
    expect(Object.keys(store.records.get('H21.65-220408-0012')?.outbox ?? {})).toEqual([
      'H21.65-220408-0012#appointment_after_due',
    ]);
    const retried = await ingestDossierEvent(deps, events[0] as never);
    expect(retried).toMatchObject({ outcome: 'duplicate', published: 1 });
    expect(publisher.published.map((e) => e.type)).toEqual(['AppointmentBeyondDueDate']);
    expect(store.records.get('H21.65-220408-0012')?.outbox).toEqual({});
    await ingestDossierEvent(deps, events[1] as never);
    expect(publisher.published).toHaveLength(1);
  });
});

describe('an event the domain cannot fold (issue #13: never a wedged dossier)', () => {
  it('takes it back out of the log and dead-letters it with the reason; replayed once fixed, it is applied', async () => {
    const { deps, store, events } = await setup();
    const [receipt, handover] = events;
    expect((await ingestDossierEvent(deps, receipt as never)).outcome).toBe('applied');
    // A configuration fault the contract cannot see: the rule's calendar is gone from the book.
    const book = await deps.rules.current();
    const broken = {
      current: async () => ({
        ...book,
        calendar: () => {
          throw new RangeError('calendar vn-civil-service: no year 2022');
        },
      }),
    };
    const refused = ingestDossierEvent({ ...deps, rules: broken as never }, handover as never);
    await expect(refused).rejects.toThrow(InvalidEventError);
    await expect(refused).rejects.toThrow(
      /detail: cannot be applied to dossier H21\.65-220408-0012: RangeError: .*no year 2022/,
    );
    // Not kept in the log: the dossier's later events are not refused because of it.
    expect(store.events.get('H21.65-220408-0012')?.map((e) => e.detail.eventId)).toEqual([receipt?.detail.eventId]);
    expect(store.records.get('H21.65-220408-0012')?.folded?.count).toBe(1);
    // Replayed from the dead letters once the book is whole again, it is applied.
    expect(await ingestDossierEvent(deps, handover as never)).toMatchObject({ outcome: 'applied' });
    expect(store.records.get('H21.65-220408-0012')?.folded?.count).toBe(2);
  });
});

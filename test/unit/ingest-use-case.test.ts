import { describe, expect, it } from 'vitest';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
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
    // Version 2: publishing the receipt's violation cleared the outbox, which bumps the version.
    expect(again).toMatchObject({ outcome: 'duplicate', version: 2 });
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

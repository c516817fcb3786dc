import { describe, expect, it } from 'vitest';
import { CachedDossierStore } from '../../shared/adapters/cached-dossier-store.ts';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { ingestDossierEvent } from '../../shared/use-cases/ingest-dossier-event.ts';
import { landDossierEvents } from '../support/fixtures.ts';
import { fixedClock, InMemoryDossierStore, RecordingPublisher, shippedRuleBook } from '../support/in-memory.ts';

async function setup() {
  const table = new InMemoryDossierStore();
  const clock = fixedClock('2022-05-20T00:00:00Z');
  const rules = await shippedRuleBook(clock);
  const deps = (store: InMemoryDossierStore | CachedDossierStore) => ({
    store,
    rules,
    publisher: new RecordingPublisher(),
    clock,
    sleep: async () => undefined,
  });
  return { table, deps, events: landDossierEvents().map(parseDossierEvent) };
}

describe('two containers, each with its own cache, in front of one table', () => {
  it('never decides on a stale cached record: the conflict makes it reload and apply on the current state', async () => {
    const { table, deps, events } = await setup();
    const a = new CachedDossierStore(table);
    const b = new CachedDossierStore(table);
    await ingestDossierEvent(deps(a), events[1] as never); // a caches the record
    await ingestDossierEvent(deps(b), events[0] as never); // b changes it behind a's back
    await ingestDossierEvent(deps(b), events[2] as never);
    const result = await ingestDossierEvent(deps(a), events[3] as never); // a's cache is stale
    expect(result.outcome).toBe('applied');
    expect(result.attempts).toBe(2);
    const { record } = await table.load('H21.65-220408-0012');
    expect(record?.state.eventIds).toEqual(['evt-0001', 'evt-0002', 'evt-0003', 'evt-0004']);
    expect(record?.state.status).toBe('open');
  });

  it('recognises a duplicate from its cache without reading the table', async () => {
    const { table, deps, events } = await setup();
    const a = new CachedDossierStore(table);
    await ingestDossierEvent(deps(a), events[1] as never);
    let reads = 0;
    const load = table.load.bind(table);
    table.load = async (id) => {
      reads += 1;
      return load(id);
    };
    expect((await ingestDossierEvent(deps(a), events[1] as never)).outcome).toBe('duplicate');
    expect(reads).toBe(0);
  });
});

describe('a crash between the event log write and the record write (ADR 0011: the log comes first)', () => {
  it('is completed by the redelivery: the event is folded once, and a third delivery changes nothing', async () => {
    const { table, deps, events } = await setup();
    const save = table.saveRecord.bind(table);
    table.saveRecord = async () => {
      throw new Error('container killed');
    };
    await expect(ingestDossierEvent(deps(table), events[1] as never)).rejects.toThrow('container killed');
    expect(table.events.get('H21.65-220408-0012')?.map((e) => e.detail.eventId)).toEqual(['evt-0002']);
    expect((await table.load('H21.65-220408-0012')).record).toBeUndefined();
    table.saveRecord = save;
    expect((await ingestDossierEvent(deps(table), events[1] as never)).outcome).toBe('applied');
    const version = (await table.load('H21.65-220408-0012')).record?.version;
    expect((await ingestDossierEvent(deps(table), events[1] as never)).outcome).toBe('duplicate');
    expect(table.events.get('H21.65-220408-0012')?.map((e) => e.detail.eventId)).toEqual(['evt-0002']);
    expect((await table.load('H21.65-220408-0012')).record?.version).toBe(version);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import type { DossierBulkStore } from '../../shared/ports/dossier-store.ts';
import { type BulkIngestDeps, type DossierEvents, ingestInBulk } from '../../shared/use-cases/ingest-in-bulk.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { exampleStream, renamed } from '../support/fixtures.ts';

// The bulk path of `dunghan import` (ADR 0017, addendum) against dynalite: its records must be the ones
// the single ingest leaves, event by event, whatever the dossier already holds or another writer does.

const NOW = Date.parse('2022-05-20T16:00:00+07:00');
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => NOW } });
});
afterAll(async () => {
  await runtime?.close();
});

function deps(overrides: Partial<BulkIngestDeps> = {}): BulkIngestDeps {
  return {
    store: runtime.store,
    bulk: runtime.store,
    rules: new RuleBook(runtime.config, runtime.platform.clock, 60_000),
    publisher: runtime.platform.publisher,
    clock: runtime.platform.clock,
    deadLetters: runtime.deadLetters,
    source: 'test.bulk',
    ...overrides,
  };
}

/** The example stream's dossiers under new ids ending in `suffix`, grouped per dossier. */
function dossiers(suffix: string): { envelopes: EventBridgeEnvelope[]; grouped: DossierEvents[] } {
  const byId = new Map<string, EventBridgeEnvelope[]>();
  for (const e of exampleStream()) {
    const id = (e.detail as { dossierId: string }).dossierId;
    byId.set(id, [...(byId.get(id) ?? []), e]);
  }
  const envelopes: EventBridgeEnvelope[] = [];
  const grouped: DossierEvents[] = [];
  for (const [id, events] of byId) {
    const copies = renamed(events, `${id}${suffix}`);
    envelopes.push(...copies);
    // Shuffled: the bulk path sorts each dossier's events itself.
    grouped.push({ dossierId: `${id}${suffix}`, events: copies.map(parseDossierEvent).reverse() });
  }
  return { envelopes, grouped };
}

async function single(envelopes: EventBridgeEnvelope[]) {
  for (const event of envelopes)
    for (const delivery of await runtime.deliver(event)) if (!delivery.ok) throw delivery.error;
}

async function record(dossierId: string): Promise<DossierRecord> {
  const { record } = await runtime.store.load(dossierId);
  if (!record) throw new Error(`no record for ${dossierId}`);
  return record;
}

/**
 * What must not differ between two copies of a dossier: everything but ids, the write count and the fold's
 * basis (the version the writer had loaded: a matter of which path wrote it, not of the dossier).
 */
function comparable(r: DossierRecord, suffix: string): string {
  const { version: _version, ...rest } = r;
  if (rest.folded) rest.folded = { count: rest.folded.count, last: rest.folded.last };
  return JSON.stringify(rest, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  ).replaceAll(suffix, '');
}

const violations = (suffix: string) =>
  runtime.bus.published
    .filter((e) => String((e.detail as { dossierId?: string }).dossierId).endsWith(suffix))
    .map((e) => `${String((e.detail as { dossierId: string }).dossierId).replace(suffix, '')} ${e['detail-type']}`)
    .sort();

const violationIds = (suffix: string) =>
  runtime.bus.published
    .filter((e) => String((e.detail as { dossierId?: string }).dossierId).endsWith(suffix))
    .map((e) => String((e.detail as { eventId: string }).eventId).replaceAll(suffix, ''));

describe('ingesting many dossiers at once (the import path) on dynalite', () => {
  it('leaves new dossiers as the single ingest does, in one record write each, and publishes their violations once', async () => {
    const one = dossiers('-S1');
    const bulk = dossiers('-B1');
    await single(one.envelopes);
    const outcomes = await ingestInBulk(deps(), bulk.grouped);
    expect([...outcomes.values()].every((o) => o === 'applied')).toBe(true);
    expect(outcomes.size).toBe(bulk.envelopes.length);
    for (const { dossierId } of one.grouped) {
      const twin = dossierId.replace('-S1', '-B1');
      expect(comparable(await record(twin), '-B1')).toBe(comparable(await record(dossierId), '-S1'));
      expect((await record(twin)).version).toBe(1);
      expect((await runtime.store.listEvents(twin)).length).toBe((await runtime.store.listEvents(dossierId)).length);
    }
    await runtime.bus.idle();
    expect(violations('-B1')).toEqual(violations('-S1'));
    expect(violations('-B1').length).toBeGreaterThan(0);

    // Again, as a re-import: every event a duplicate, nothing written, nothing published.
    const again = await ingestInBulk(deps(), bulk.grouped);
    expect([...again.values()].every((o) => o === 'duplicate')).toBe(true);
    for (const { dossierId } of bulk.grouped) expect((await record(dossierId)).version).toBe(1);
    await runtime.bus.idle();
    expect(violations('-B1')).toEqual(violations('-S1'));
  });

  it('gives a dossier that has a record only its new events, through the single ingest', async () => {
    const one = dossiers('-S2');
    const bulk = dossiers('-B2');
    await single(one.envelopes);
    // A first export held each dossier's first events only; a later one holds them all.
    const early = bulk.grouped.map((d) => ({ ...d, events: d.events.slice(-2) }));
    await ingestInBulk(deps(), early);
    const outcomes = await ingestInBulk(deps(), bulk.grouped);
    const earlyIds = new Set(early.flatMap((d) => d.events.map((e) => e.detail.eventId)));
    for (const [id, outcome] of outcomes) expect(outcome).toBe(earlyIds.has(id) ? 'duplicate' : 'applied');
    for (const { dossierId } of one.grouped)
      expect(comparable(await record(dossierId.replace('-S2', '-B2')), '-B2')).toBe(
        comparable(await record(dossierId), '-S2'),
      );
  });

  it('folds in the events of a record another writer created meanwhile (the sync feed racing the import)', async () => {
    const one = dossiers('-S3');
    const bulk = dossiers('-B3');
    await single(one.envelopes);
    const racing: DossierBulkStore = {
      loadMany: (ids) => runtime.store.loadMany(ids),
      listEventIds: (id) => runtime.store.listEventIds(id),
      appendEvents: async (events, storedAt) => {
        await runtime.store.appendEvents(events, storedAt);
        // Between the import's read and its record write, the feed ingests the land dossier's last event.
        const land = bulk.envelopes.filter((e) =>
          (e.detail as { dossierId: string }).dossierId.startsWith('H21.65-220408-0012'),
        );
        await single([land[land.length - 1] as EventBridgeEnvelope]);
      },
    };
    const outcomes = await ingestInBulk(deps({ bulk: racing }), bulk.grouped);
    expect(outcomes.size).toBe(bulk.envelopes.length);
    expect([...outcomes.values()]).not.toContain('refused');
    for (const { dossierId } of one.grouped) {
      const twin = await record(dossierId.replace('-S3', '-B3'));
      expect(twin.folded?.count).toBe((await runtime.store.listEvents(dossierId)).length);
      expect(comparable(twin, '-B3')).toBe(comparable(await record(dossierId), '-S3'));
    }
    // Published before the record write that lost the race, then again by the refold: at least once, with
    // the same event ids (the outbox's promise), so consumers see each violation once.
    await runtime.bus.idle();
    expect(new Set(violationIds('-B3'))).toEqual(new Set(violationIds('-S3')));
  });

  it('dead-letters what the domain refuses, leaving no trace in the log; imported again once fixed, it is applied', async () => {
    const bulk = dossiers('-B4');
    const good = deps();
    const book = await good.rules.current();
    const broken = {
      current: async () => ({
        ...book,
        calendar: () => {
          throw new RangeError('calendar vn-civil-service: no year 2022');
        },
      }),
    } as unknown as RuleBook;
    const before = (await runtime.deadLetters.list()).length;
    const refused = await ingestInBulk(deps({ rules: broken }), bulk.grouped);
    // Event by event, as the single ingest: the receipt (whose rule names the calendar) is refused, the
    // events after it wait for it in the log.
    const land = bulk.grouped.find((d) => d.dossierId.startsWith('H21.65-220408-0012')) as DossierEvents;
    const receipt = land.events.find((e) => e.type === 'DossierReceived')?.detail.eventId as string;
    for (const event of land.events)
      expect(refused.get(event.detail.eventId)).toBe(event.detail.eventId === receipt ? 'refused' : 'applied');
    const letters = (await runtime.deadLetters.list()).slice(before);
    expect(letters.map((l) => [l.eventId, /no year 2022/.test(l.reason)])).toEqual([[receipt, true]]);
    expect((await runtime.store.listEventIds(land.dossierId)).has(receipt)).toBe(false);
    expect((await record(land.dossierId)).state.status).toBe('awaiting_receipt');
    // Imported again once the calendar is back: the receipt is applied and the whole log folded.
    const fixed = await ingestInBulk(good, bulk.grouped);
    for (const event of land.events)
      expect(fixed.get(event.detail.eventId)).toBe(event.detail.eventId === receipt ? 'applied' : 'duplicate');
    const whole = dossiers('-S4');
    await single(whole.envelopes);
    expect(comparable(await record(land.dossierId), '-B4')).toBe(
      comparable(await record(land.dossierId.replace('-B4', '-S4')), '-S4'),
    );
  });

  it('saves the records with what they owe when the bus fails, throws, and publishes it when imported again', async () => {
    const bulk = dossiers('-B5');
    const down = { publish: async (): Promise<string[]> => Promise.reject(new Error('bus unreachable')) };
    await expect(ingestInBulk(deps({ publisher: down }), bulk.grouped)).rejects.toThrow('bus unreachable');
    const land = (bulk.grouped.find((d) => d.dossierId.startsWith('H21.65-220408-0012')) as DossierEvents).dossierId;
    expect(Object.keys((await record(land)).outbox)).not.toHaveLength(0);
    await runtime.bus.idle();
    expect(violations('-B5')).toEqual([]);
    const again = await ingestInBulk(deps(), bulk.grouped);
    expect([...again.values()]).not.toContain('refused');
    expect((await record(land)).outbox).toEqual({});
    await runtime.bus.idle();
    expect(violations('-B5')).toEqual(violations('-B1'));
  });
});

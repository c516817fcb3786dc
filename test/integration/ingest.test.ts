import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { TABLE_DESIGN } from '../../shared/settings/table-design.ts';
import { fixture, invalidFixtures, landDossierEvents, renamed } from '../support/fixtures.ts';

let runtime: LocalRuntime;

beforeAll(async () => {
  // The clock of the example stream: open dossiers' next actions are then still ahead.
  runtime = await startLocalRuntime({ clock: { now: () => Date.parse('2022-04-08T16:00:00+07:00') } });
});
afterAll(async () => {
  await runtime?.close();
});

async function deliverAll(events: EventBridgeEnvelope[]) {
  for (const event of events) {
    const deliveries = await runtime.deliver(event);
    for (const d of deliveries) if (!d.ok) throw d.error;
  }
}

async function items(dossierId: string) {
  const page = await runtime.clients.documents.send(
    new QueryCommand({
      TableName: runtime.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `DOSSIER#${dossierId}` },
      ConsistentRead: true,
    }),
  );
  return page.Items ?? [];
}

async function stateOf(dossierId: string) {
  const { record } = await runtime.store.load(dossierId);
  if (!record) throw new Error(`no record for ${dossierId}`);
  return record;
}

/** The state without what legitimately differs between copies (ids). */
function comparable(state: { code: unknown }, dossierId: string): string {
  const { code: _code, ...rest } = state;
  // Keys sorted: a state extended by one event and one folded whole hold the same values in another key order.
  return JSON.stringify(rest, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  )
    .replaceAll(`${dossierId}/`, '')
    .replaceAll(dossierId, 'ID');
}

describe('ingest against dynalite and the local bus (no mocks)', () => {
  it('stores every event type of the example stream with its due dates, audit trail and violation event', async () => {
    await deliverAll(landDossierEvents());
    const record = await stateOf('H21.65-220408-0012');
    expect(record.state.status).toBe('resolved');
    expect(record.state.originalDueAt).toBe('2022-04-25T17:00:00+07:00');
    expect(record.state.dueAt).toBe('2022-05-11T17:00:00+07:00');
    expect(record.state.result).toBe('late');
    // At most one record write and one outbox clear per event.
    expect(record.version).toBeLessThanOrEqual(14);
    const stored = await items('H21.65-220408-0012');
    expect(stored.filter((i) => String(i.sk).startsWith('EVENT#'))).toHaveLength(7);
    expect(stored.find((i) => i.sk === 'META')?.gsi1pk).toBeUndefined();
    const published = runtime.bus.published.filter(
      (e) => (e.detail as { dossierId: string }).dossierId === 'H21.65-220408-0012',
    );
    expect(published.map((e) => [e.source, e['detail-type']])).toEqual([['vn.dunghan', 'AppointmentBeyondDueDate']]);
    expect(JSON.stringify(published)).not.toMatch(/Ksor|064190001234|hbia/);

    await deliverAll([fixture('dossier-withdrawn'), fixture('dossier-refused')]);
    expect((await stateOf('H21.65-220420-0031')).state.status).toBe('awaiting_receipt');
  });

  it('keeps an open dossier in the sparse index under its next-action day and shard, and drops it when resolved', async () => {
    const [received, ...rest] = renamed(landDossierEvents(), 'H21.65-220408-9001');
    await deliverAll([received as EventBridgeEnvelope]);
    const meta = (await items('H21.65-220408-9001')).find((i) => i.sk === 'META');
    // Issue #15: the land registry's own step (due 18/04) is warned on 15/04, before the dossier's 21/04.
    expect(meta?.gsi1pk).toMatch(/^DUE#2022-04-15#\d{2}$/);
    const index = await runtime.clients.documents.send(
      new QueryCommand({
        TableName: runtime.tableName,
        IndexName: TABLE_DESIGN.openByNextAction.indexName,
        KeyConditionExpression: 'gsi1pk = :b',
        ExpressionAttributeValues: { ':b': meta?.gsi1pk },
      }),
    );
    // The index holds keys only (ADR 0011): the dossier is there by its table key.
    expect(index.Items?.map((i) => i.pk)).toContain('DOSSIER#H21.65-220408-9001');
    await deliverAll(rest);
    expect((await items('H21.65-220408-9001')).find((i) => i.sk === 'META')?.gsi1pk).toBeUndefined();
  });

  it('changes nothing when every event is delivered twice', async () => {
    const events = renamed(landDossierEvents(), 'H21.65-220408-9002');
    await deliverAll(events);
    const once = await stateOf('H21.65-220408-9002');
    await deliverAll(events);
    const twice = await stateOf('H21.65-220408-9002');
    expect(twice.version).toBe(once.version);
    expect(twice).toEqual(once);
  });

  it('reaches the same state for shuffled arrival orders (fast-check over permutations)', async () => {
    const reference = renamed(landDossierEvents(), 'H21.65-220408-9100');
    await deliverAll(reference);
    const expected = comparable((await stateOf('H21.65-220408-9100')).state, 'H21.65-220408-9100');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(landDossierEvents(), { minLength: 7, maxLength: 7 }), async (order) => {
        run += 1;
        const id = `H21.65-220408-91${String(run).padStart(2, '0')}`;
        await deliverAll(renamed(order, id));
        expect(comparable((await stateOf(id)).state, id)).toBe(expected);
      }),
      { numRuns: 12 },
    );
  });

  it('applies concurrent events on one dossier without losing any (optimistic locking, retried)', async () => {
    const events = renamed(landDossierEvents(), 'H21.65-220408-9200');
    const results = await Promise.all(events.map((e) => runtime.deliver(e)));
    expect(results.flat().every((d) => d.ok)).toBe(true);
    const attempts = results.flat().map((d) => (d.result as { attempts: number }).attempts);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    const record = await stateOf('H21.65-220408-9200');
    // ADR 0011: the record no longer lists its events; it says how many of the log it was folded from.
    expect(record.folded?.count).toBe(7);
    expect(await runtime.store.listEvents('H21.65-220408-9200')).toHaveLength(7);
    expect(record.state.status).toBe('resolved');
    // At most one record write and one outbox clear per event.
    expect(record.version).toBeLessThanOrEqual(14);
    expect(comparable(record.state, 'H21.65-220408-9200')).toBe(
      comparable((await stateOf('H21.65-220408-9002')).state, 'H21.65-220408-9002'),
    );
  });

  it('ingests a valid event for an unknown procedure with the field default, flagged', async () => {
    const received = fixture('dossier-received');
    const detail = received.detail as Record<string, unknown>;
    await deliverAll([
      {
        ...received,
        detail: {
          ...detail,
          dossierId: 'H21.65-220408-9300',
          eventId: 'unknown-procedure',
          procedure: { code: '9.999999', name: 'Thủ tục chưa có trong danh mục', field: 'Hộ tịch' },
        },
      },
    ]);
    const record = await stateOf('H21.65-220408-9300');
    expect(record.state.ruleFallback).toBe(true);
    expect(record.state.rule?.matchedBy).toBe('field');
    // Hộ tịch default: in the day, 15:00 cut-off; received Fri 15:10 → counted Mon 11/4? No: 11/4 is off → Tue 12/4.
    expect(record.state.effectiveReceiptDate).toBe('2022-04-12');
    expect(record.state.dueAt).toBe('2022-04-12T17:00:00+07:00');
  });

  it('leaves no trace of an invalid event but its dead letter, with the reason naming the field', async () => {
    const before = await runtime.clients.documents.send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT' }),
    );
    // Issue #13: an unknown detail-type is dead-lettered too (it used to be dropped unseen).
    const routed = invalidFixtures();
    const sent: EventBridgeEnvelope[] = [];
    for (const [name, envelope] of invalidFixtures()) {
      const detail = envelope.detail as Record<string, unknown> | string;
      const withId =
        typeof detail === 'object' ? { ...envelope, detail: { ...detail, dossierId: `INVALID-${name}` } } : envelope;
      sent.push(withId);
      const deliveries = await runtime.deliver(withId);
      expect(deliveries.map((d) => d.ok)).toEqual([false]);
    }
    const letters = await runtime.deadLetters.list();
    expect(letters).toHaveLength(routed.length);
    expect(letters.find((l) => l.dossierId === 'INVALID-missing-received-at')?.reason).toMatch(
      /^InvalidEventError: invalid DossierReceived: detail\.receivedAt: /,
    );
    expect(letters.find((l) => l.dossierId === 'INVALID-crlf-in-applicant-name')?.reason).toContain(
      'detail.applicant.name: must not contain control characters',
    );
    for (const [name] of routed) expect(await items(`INVALID-${name}`)).toEqual([]);
    const after = await runtime.clients.documents.send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT' }),
    );
    expect(after.Count).toBe((before.Count ?? 0) + routed.length);
    // The same rejected payload again is still one dead letter.
    await runtime.deliver(sent[0] as EventBridgeEnvelope);
    expect(await runtime.deadLetters.list()).toHaveLength(routed.length);
  });
});

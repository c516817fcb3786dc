import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { dossierItem, dynamoItemBytes } from '../../shared/adapters/dynamo-items.ts';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { recordViolations } from '../../shared/domain/dossier/re-appointment.ts';
import { resolveRule } from '../../shared/domain/rules/deadline-rule.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';

/**
 * Issue #13, part 1: one long dossier must never outgrow its item. The attack of the issue, scaled up:
 * 1,000 suspend/resume pairs whose notes are as long as the contract allows, in Vietnamese (three
 * bytes a letter in UTF-8, as DynamoDB counts them), then the resolution — every event ingested, the
 * record's item bounded, the state the same as folding the whole log.
 */
const clock = { now: () => Date.parse('2022-04-11T08:00:00+07:00') };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock });
});
afterAll(async () => {
  await runtime?.close();
});

/** Vietnamese-looking text of exactly `length` characters, varied so that compression cannot hide it. */
function vietnamese(length: number, seed: number): string {
  const syllables = ['nghĩa', 'vụ', 'tài', 'chính', 'chờ', 'ý', 'kiến', 'đất', 'đai', 'thuế', 'hồ', 'sơ', 'xử', 'lý'];
  const marks = 'ắằẳẵặấầẩẫậếềểễệốồổỗộớờởỡợứừửữựđ';
  let out = '';
  let x = seed * 7919 + 1;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += `${syllables[x % syllables.length]}${marks[(x >> 8) % marks.length]} `;
  }
  return out.slice(0, length);
}

function pairs(dossierId: string, count: number, startAt: number): EventBridgeEnvelope[] {
  const out: EventBridgeEnvelope[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = startAt + i * 10 * 60_000;
    out.push(
      lifecycleEvent('DossierSuspended', {
        dossierId,
        eventId: `${dossierId}/s${i}`,
        occurredAt: new Date(at).toISOString(),
        reason: vietnamese(100, i),
        note: vietnamese(2000, i + 1),
      }),
      lifecycleEvent('DossierResumed', {
        dossierId,
        eventId: `${dossierId}/r${i}`,
        occurredAt: new Date(at + 5 * 60_000).toISOString(),
      }),
    );
  }
  return out;
}

async function deliver(events: EventBridgeEnvelope[]) {
  for (const event of events) {
    const [delivery] = await runtime.deliver(event);
    if (!delivery?.ok) throw delivery?.error ?? new Error('unrouted');
  }
}

async function metaBytes(dossierId: string): Promise<number> {
  const { Item } = await runtime.clients.documents.send(
    new GetCommand({ TableName: runtime.tableName, Key: { pk: `DOSSIER#${dossierId}`, sk: 'META' } }),
  );
  return Object.entries(Item ?? {}).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + dynamoItemBytes(v), 0);
}

/** The state folded from the dossier's whole log, as the record stores it (for comparison). */
async function foldedFromLog(dossierId: string) {
  const book = await new RuleBook(runtime.config, clock, 0).current();
  const log = (await runtime.store.listEvents(dossierId)).map((e) => e.event);
  return foldDossier(dossierId, log, { calendar: book.calendar, resolveRule: (q) => resolveRule(book.rules, q) });
}

const receipt = (dossierId: string) =>
  receivedEvent({
    dossierId,
    eventId: `${dossierId}/receipt`,
    occurredAt: '2022-04-11T08:00:00+07:00',
    receivedAt: '2022-04-11T08:00:00+07:00',
  });

describe('a dossier with 2,001 events of the largest valid size', () => {
  const id = 'H21.65-220411-LONG';
  it('ingests every event, and its record stays within 16 KB of UTF-8', { timeout: 240_000 }, async () => {
    await deliver([receipt(id)]);
    const afterReceipt = await metaBytes(id);
    const events = pairs(id, 1_000, Date.parse('2022-04-11T08:30:00+07:00'));
    expect(events).toHaveLength(2_000);
    // Each suspension as published is several kB in UTF-8 (the note alone is 2,000 letters).
    expect(Buffer.byteLength(JSON.stringify(events[0]?.detail))).toBeGreaterThan(3_500);
    await deliver(events);
    expect(await runtime.store.listEvents(id)).toHaveLength(2_001);
    const { record } = await runtime.store.load(id);
    expect(record?.folded?.count).toBe(2_001);
    expect(record?.state.status).toBe('open');
    expect(record?.state.suspensions).toHaveLength(1_000);
    const bytes = await metaBytes(id);
    expect(bytes).toBeLessThanOrEqual(16 * 1024);
    expect(afterReceipt).toBeLessThan(bytes);
    // Extending the stored state one event at a time gave exactly what folding the whole log gives.
    const whole = await foldedFromLog(id);
    expect(record?.state.dueAt).toBe(whole.dueAt);
    expect(record?.state.originalDueAt).toBe(whole.originalDueAt);
    expect(record?.state.suspensions.map((s) => [s.from, s.to])).toEqual(whole.suspensions.map((s) => [s.from, s.to]));
  });

  it('still takes its resolution, and a redelivery of any of its events changes nothing', async () => {
    await deliver([
      lifecycleEvent('DossierResolved', {
        dossierId: id,
        eventId: `${id}/resolved`,
        occurredAt: '2022-05-30T16:00:00+07:00',
        outcome: 'approved',
      }),
    ]);
    const { record } = await runtime.store.load(id);
    expect(record?.state.status).toBe('resolved');
    const [again] = await runtime.deliver(pairs(id, 1, Date.parse('2022-04-11T08:30:00+07:00'))[0] as never);
    expect(again?.result).toMatchObject({ outcome: 'duplicate' });
    expect((await runtime.store.load(id)).record?.version).toBe(record?.version);
  });
});

describe('a long dossier whose events arrive shuffled and twice', () => {
  it('ends in the state of the same events delivered once in order', async () => {
    const start = Date.parse('2022-04-11T08:30:00+07:00');
    await deliver([receipt('H21.65-220411-REF'), ...pairs('H21.65-220411-REF', 100, start)]);
    const reference = (await runtime.store.load('H21.65-220411-REF')).record;
    const comparable = (id: string, state: unknown) =>
      JSON.stringify(state, (key, value) =>
        key === 'code'
          ? undefined
          : value && typeof value === 'object' && !Array.isArray(value)
            ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
            : value,
      ).replaceAll(id, 'ID');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        run += 1;
        const id = `H21.65-220411-SH${run}`;
        const events = [receipt(id), ...pairs(id, 100, start)];
        const twice = [...events, ...events];
        let x = seed;
        for (let i = twice.length - 1; i > 0; i -= 1) {
          x = (x * 1103515245 + 12345) % 2147483648;
          const j = x % (i + 1);
          [twice[i], twice[j]] = [twice[j] as EventBridgeEnvelope, twice[i] as EventBridgeEnvelope];
        }
        await deliver(twice);
        const { record } = await runtime.store.load(id);
        expect(record?.folded?.count).toBe(201);
        expect(comparable(id, record?.state)).toBe(comparable('H21.65-220411-REF', reference?.state));
      }),
      { numRuns: 2 },
    );
  }, 240_000);
});

describe('a dossier re-appointed 20,000 times (issue #32)', () => {
  it('keeps its record the size of one re-appointed twice, and still names it re-appointed', async () => {
    const book = await new RuleBook(runtime.config, clock, 0).current();
    const context = {
      calendar: book.calendar,
      resolveRule: (q: Parameters<typeof resolveRule>[1]) => resolveRule(book.rules, q),
    };
    const id = 'H21.65-220411-REAP';
    const events = (n: number) => [
      parseDossierEvent(receipt(id)),
      ...Array.from({ length: n }, (_, i) =>
        parseDossierEvent(
          lifecycleEvent('DossierReappointed', {
            dossierId: id,
            eventId: `${id}/reap-${i}`,
            occurredAt: new Date(Date.parse('2022-04-12T08:00:00+07:00') + i * 60_000).toISOString(),
            // Every day of three weeks, over and over.
            appointmentAt: new Date(Date.parse('2022-04-26T17:00:00+07:00') + (i % 21) * 86_400_000).toISOString(),
          }),
        ),
      ),
    ];
    const bytes = (n: number) => {
      const state = foldDossier(id, events(n), context);
      const record = nextRecord(undefined, state, book.calendar(state.rule?.calendarId ?? 'vn-civil-service'));
      const item = dossierItem({ ...record, version: 1 }, undefined);
      return {
        size: Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + dynamoItemBytes(v), 0),
        violations: recordViolations({ ...record, version: 1 }),
      };
    };
    const two = bytes(2);
    const many = bytes(20_000);
    // Before, each re-appointment stayed in the record: about 19,000 passed 400 KB.
    expect(many.size).toBeLessThanOrEqual(two.size + 64);
    expect(many.violations).toContain('reappointed');
  }, 60_000);
});

describe('the largest receipt the contract allows', () => {
  it('is ingested, with its record far below DynamoDB’s 400 KB', async () => {
    const id = 'H21.65-220411-WIDE';
    const big = receivedEvent({
      dossierId: id,
      eventId: `${id}/receipt`,
      occurredAt: '2022-04-11T08:00:00+07:00',
      receivedAt: '2022-04-11T08:00:00+07:00',
      procedure: { code: '1.013831', name: vietnamese(1000, 1), field: vietnamese(300, 2) },
      agency: {
        id: 'H21.65',
        name: vietnamese(300, 3),
        parentId: 'H21',
        parentName: vietnamese(300, 4),
        place: vietnamese(120, 5),
      },
      applicant: {
        kind: 'organisation',
        name: vietnamese(300, 6),
        idNumber: '0'.repeat(40),
        email: `${'a'.repeat(64)}@example.vn`,
        phone: '0'.repeat(40),
        address: vietnamese(500, 7),
      },
      official: { id: 'cb-1', name: vietnamese(200, 8), email: 'cb1@example.vn' },
      head: { name: vietnamese(200, 9), title: vietnamese(200, 10), email: 'head@example.vn' },
      steps: Array.from({ length: 30 }, (_, i) => ({
        unitId: `U${String(i).padStart(59, '0')}`,
        unitName: vietnamese(300, 20 + i),
        duration: '1wd',
      })),
    });
    await deliver([big, ...pairs(id, 50, Date.parse('2022-04-11T08:30:00+07:00'))]);
    const { record } = await runtime.store.load(id);
    expect(record?.folded?.count).toBe(101);
    expect(record?.state.steps).toHaveLength(30);
    expect(await metaBytes(id)).toBeLessThan(100 * 1024);
  });
});

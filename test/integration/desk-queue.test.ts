import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { LIVE_UNITS } from '../../shared/adapters/dynamo-items.ts';
import type { Person } from '../../shared/domain/authority/actors.ts';
import { ConcealedError } from '../../shared/domain/authority/authority.ts';
import { deskQueue } from '../../shared/use-cases/desk-queue.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';

/*
 * The desks' queues on the local store (issue #34, ADR 0027): the rows not closed a unit holds, in the
 * order of urgency, under the unit holding each now — a hand-over moves a dossier to the next unit's
 * queue, a closing takes it out — counted by group, paged by a cursor that cannot be turned to another
 * unit's queue; and reports and previews still find every row not closed, those written before the
 * queues (by shard) included.
 */
const now = Date.parse('2026-11-20T10:00:00+07:00');
let runtime: LocalRuntime;

const person = (grant: Person['grants'][number]): Person => ({
  kind: 'person',
  issuer: 'https://test.example',
  subject: grant.unitId ?? 'x',
  name: 'Người thử',
  grants: [grant],
});
const desk = person({ role: 'official', unitId: 'H21.65.01' });
const landOffice = person({ role: 'official', unitId: 'VPDKDD-KP' });
const otherCommune = person({ role: 'official', unitId: 'H21.65.02' });

// Education's rule: one working day (received Thu 19/11 → due Fri 20/11 17:00); social protection's: twenty.
const receipt = (id: string, day: string, field = 'Giáo dục') =>
  receivedEvent({
    dossierId: id,
    eventId: `${id}/r`,
    occurredAt: `${day}T09:00:00+07:00`,
    receivedAt: `${day}T09:00:00+07:00`,
    appointmentAt: undefined,
    procedure: { code: '1.001', name: 'Thủ tục thử', field },
    agency: { id: 'H21.65.01', name: 'UBND xã Ia Rmok' },
    head: undefined,
  });

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => now }, ruleCacheMs: 0 });
  const events = [
    receipt('Q-LATE', '2026-11-02'),
    receipt('Q-SOON', '2026-11-19'),
    receipt('Q-LATER', '2026-11-19', 'Bảo trợ xã hội'),
    receipt('Q-SUPPLEMENT', '2026-11-16'),
    receipt('Q-HANDED', '2026-11-16'),
    receipt('Q-CLOSED', '2026-11-16'),
    lifecycleEvent('DossierSupplementRequested', {
      dossierId: 'Q-SUPPLEMENT',
      eventId: 'Q-SUPPLEMENT/s',
      occurredAt: '2026-11-17T10:00:00+07:00',
      reason: 'Thiếu bản chính để đối chiếu',
    }),
    lifecycleEvent('DossierHandedOver', {
      dossierId: 'Q-HANDED',
      eventId: 'Q-HANDED/h',
      occurredAt: '2026-11-17T10:00:00+07:00',
      fromUnitId: 'H21.65.01',
      toUnitId: 'VPDKDD-KP',
    }),
    lifecycleEvent('DossierResolved', {
      dossierId: 'Q-CLOSED',
      eventId: 'Q-CLOSED/x',
      occurredAt: '2026-11-18T10:00:00+07:00',
    }),
  ];
  for (const event of events) {
    const [delivered] = await runtime.deliver(event);
    expect(delivered?.ok, JSON.stringify(delivered)).toBe(true);
  }
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

const deps = () => ({
  queue: runtime.platform.table.reports,
  rules: new RuleBook(runtime.config, runtime.platform.clock, 0),
  clock: runtime.platform.clock,
});

describe('a desk’s queue', () => {
  it('lists what the unit holds, most urgent first, with the urgent groups counted', async () => {
    const all = await deskQueue(deps(), desk, { view: 'all' });
    expect(all.unitId).toBe('H21.65.01');
    expect(all.rows.map((r) => [r.row.id, r.standing])).toEqual([
      ['Q-LATE', 'overdue'],
      ['Q-SOON', 'due_soon'],
      ['Q-LATER', 'later'],
      ['Q-SUPPLEMENT', 'supplement'],
    ]);
    expect(all.counts).toEqual({ overdue: 1, due_soon: 1, supplement: 1, suspended: 0 });
    expect(all.read).toBe(4);
    const urgent = await deskQueue(deps(), desk, {});
    expect(urgent.rows.map((r) => r.row.id)).toEqual(['Q-LATE', 'Q-SOON']);
  });

  it('moves a dossier handed over to the next unit’s queue, and takes a closed one out', async () => {
    const land = await deskQueue(deps(), landOffice, { view: 'all' });
    expect(land.rows.map((r) => r.row.id)).toEqual(['Q-HANDED']);
    const ids = (await deskQueue(deps(), desk, { view: 'all' })).rows.map((r) => r.row.id);
    expect(ids).not.toContain('Q-HANDED');
    expect(ids).not.toContain('Q-CLOSED');
  });

  it('pages by a cursor, every row once, and refuses a cursor turned to another unit’s queue', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i += 1) {
      const page = await deskQueue(deps(), desk, { view: 'all', limit: 1, after });
      seen.push(...page.rows.map((r) => r.row.id));
      after = page.next;
      if (!after) break;
    }
    expect(seen).toEqual(['Q-LATE', 'Q-SOON', 'Q-LATER', 'Q-SUPPLEMENT']);
    const first = await deskQueue(deps(), desk, { view: 'all', limit: 1 });
    const [pk, sk, , gsk] = JSON.parse(Buffer.from(first.next ?? '', 'base64url').toString('utf8')) as string[];
    const turned = Buffer.from(JSON.stringify([pk, sk, 'LIVE#VPDKDD-KP', gsk])).toString('base64url');
    await expect(deskQueue(deps(), desk, { view: 'all', unitId: 'H21.65.01', after: turned })).rejects.toThrow(
      /after: not a page of this queue/,
    );
    await expect(deskQueue(deps(), desk, { after: 'not base64 json' })).rejects.toThrow(/after:/);
  });

  it('filters by field, procedure and channel, and refuses another unit’s queue', async () => {
    expect((await deskQueue(deps(), desk, { view: 'all', field: 'giáo dục' })).rows.map((r) => r.row.id)).toEqual([
      'Q-LATE',
      'Q-SOON',
      'Q-SUPPLEMENT',
    ]);
    expect((await deskQueue(deps(), desk, { view: 'all', field: 'Đất đai' })).rows).toHaveLength(0);
    expect(
      (await deskQueue(deps(), desk, { view: 'all', procedureCode: '1.001', channel: 'online' })).rows,
    ).toHaveLength(0);
    // By step: the land office received none itself; the dossier handed to it is an inter-agency one.
    expect((await deskQueue(deps(), landOffice, { view: 'all', step: 'desk' })).rows).toHaveLength(0);
    expect((await deskQueue(deps(), landOffice, { view: 'all', step: 'step' })).rows.map((r) => r.row.id)).toEqual([
      'Q-HANDED',
    ]);
    expect((await deskQueue(deps(), desk, { view: 'all', step: 'step' })).rows).toHaveLength(0);
    // Refused, not emptied: the page answers 403 (test/e2e/console.test.ts).
    await expect(deskQueue(deps(), otherCommune, { unitId: 'H21.65.01' })).rejects.toBeInstanceOf(ConcealedError);
    expect((await deskQueue(deps(), otherCommune, {})).unitId).toBe('H21.65.02');
  });
});

describe('the rows not closed, kept by the unit holding them', () => {
  it('registers every unit holding one; reports and previews find old rows by shard too, and reindex moves them', async () => {
    const { Items } = await runtime.clients.documents.send(
      new QueryCommand({
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': LIVE_UNITS },
      }),
    );
    expect((Items ?? []).map((i) => i.sk).sort()).toEqual(['H21.65.01', 'VPDKDD-KP']);
    // A row written before the queues, under its shard: read by reports and previews where it is, out of
    // the queues until its dossier is written again or `dunghan reindex` moves it.
    const { Item } = await runtime.clients.documents.send(
      new GetCommand({ TableName: runtime.tableName, Key: { pk: 'DOSSIER#Q-LATER', sk: 'META' } }),
    );
    const legacy = { ...Item, gsi3pk: 'LIVE#07', gsi3sk: '2026-11-19T02:00:00.000Z#Q-LATER' };
    await runtime.clients.documents.send(new PutCommand({ TableName: runtime.tableName, Item: legacy }));
    const report = await produceReport(
      runtime.platform.table.reports,
      parseReportRequest({ from: '2026-11-01', to: '2026-11-30' }),
      now,
    );
    expect(report.total.received).toBe(6);
    const open = await runtime.platform.table.reports.findNotClosed(() => true);
    expect(open.map((d) => d.dossierId)).toEqual(['Q-HANDED', 'Q-LATE', 'Q-LATER', 'Q-SOON', 'Q-SUPPLEMENT']);
    const ids = async () => (await deskQueue(deps(), desk, { view: 'all' })).rows.map((r) => r.row.id);
    expect(await ids()).not.toContain('Q-LATER');
    expect(await runtime.platform.table.liveRows.moveLegacyRows()).toEqual({ moved: 1, skipped: 0 });
    expect(await ids()).toEqual(['Q-LATE', 'Q-SOON', 'Q-LATER', 'Q-SUPPLEMENT']);
    expect(await runtime.platform.table.liveRows.moveLegacyRows()).toEqual({ moved: 0, skipped: 0 });
    // Only the index keys moved: the record, its version and its chain are as they were.
    const { Item: after } = await runtime.clients.documents.send(
      new GetCommand({ TableName: runtime.tableName, Key: { pk: 'DOSSIER#Q-LATER', sk: 'META' } }),
    );
    expect({ ...after, gsi3pk: undefined, gsi3sk: undefined }).toEqual({
      ...Item,
      gsi3pk: undefined,
      gsi3sk: undefined,
    });
  });
});

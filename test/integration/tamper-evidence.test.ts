import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import {
  dossierItem,
  dossierKey,
  eventItem,
  pack,
  shardOf,
  toRecord,
  unpack,
} from '../../shared/adapters/dynamo-items.ts';
import { auditEntry, stateHash } from '../../shared/domain/audit/audit-chain.ts';
import { renderVerifyText } from '../../shared/domain/audit/render-verify.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { vietnamDay } from '../../shared/support/vietnam-time.ts';
import { putUnits } from '../../shared/use-cases/administer-config.ts';
import { chainItems, configDepsOf, verifyOn } from '../support/audit-trail.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';

/*
 * Issue #19, tamper evidence (ADR 0021): dossiers live through dynalite on a simulated clock, each day
 * is anchored, then stored items are edited behind Đúng Hạn's back — a finish date moved before the due
 * date, an audit entry deleted, a result flipped to on time, a report row laundered, a whole chain
 * rewritten consistently — and `verify` names each edited dossier and what does not follow, while the
 * untouched ones pass.
 */
let now = Date.parse('2026-11-02T09:00:00+07:00');
let runtime: LocalRuntime;
const ids = Array.from({ length: 8 }, (_, i) => `H21.65.01-261102-02${String(i).padStart(2, '0')}`);
const [MOVED, DELETED, FLIPPED, LAUNDERED, REWRITTEN] = ids as [string, string, string, string, string];
const range = { from: '2026-11-01', to: '2026-11-20' };

async function deliver(event: ReturnType<typeof communeLandReceipt>) {
  now = Math.max(now, Date.parse(String((event.detail as { occurredAt: string }).occurredAt)));
  const [delivery] = await runtime.deliver(event);
  if (!delivery?.ok) throw delivery?.error;
}

const verify = () => verifyOn(runtime, range);

const docs = () => runtime.clients.documents;
const table = () => runtime.tableName;

async function metaItem(id: string): Promise<Record<string, unknown>> {
  const { Item } = await docs().send(
    new GetCommand({ TableName: table(), Key: { pk: dossierKey(id), sk: 'META' }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(id);
  return Item;
}

/** Rewrites a record's stored bytes directly in the table, as an operator with write access could. */
async function editRecord(id: string, change: (record: DossierRecord) => void): Promise<Record<string, unknown>> {
  const item = await metaItem(id);
  const data = unpack(item.data) as DossierRecord;
  change(data);
  const edited = { ...item, data: pack(data) };
  await docs().send(new PutCommand({ TableName: table(), Item: edited }));
  return edited;
}

function auditItems(id: string, lastDay = 19): Promise<Record<string, unknown>[]> {
  const days = Array.from({ length: lastDay - 1 }, (_, i) => `2026-11-${String(i + 2).padStart(2, '0')}`);
  return chainItems(runtime, id, days);
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 0 });
  // Received Mon 02/11 (due Thu 12/11 17:00); the first day anchored on the morning of the 3rd.
  for (const id of ids) await deliver(communeLandReceipt(id, { steps: undefined }));
  now = Date.parse('2026-11-03T08:00:00+07:00');
  expect((await runtime.anchor()).anchored).toEqual(['2026-11-02']);
  // Returned: the first four late (16/11), the others early (10/11); a detector run in between.
  for (const [i, id] of ids.entries()) {
    if (i >= 4) {
      await deliver(
        lifecycleEvent('DossierResolved', {
          dossierId: id,
          eventId: `${id}/resolved`,
          occurredAt: '2026-11-10T10:00:00+07:00',
        }),
      );
    }
  }
  now = Date.parse('2026-11-13T08:00:00+07:00');
  await runtime.detect();
  for (const id of ids.slice(0, 4)) {
    await deliver(
      lifecycleEvent('DossierResolved', {
        dossierId: id,
        eventId: `${id}/resolved`,
        occurredAt: '2026-11-16T10:00:00+07:00',
      }),
    );
  }
  now = Date.parse('2026-11-20T08:00:00+07:00');
  const { anchored } = await runtime.anchor();
  expect(anchored[0]).toBe('2026-11-03');
  expect(anchored.at(-1)).toBe('2026-11-19');
}, 120_000);

afterAll(async () => {
  await runtime?.close();
});

describe('tamper evidence: dunghan verify', () => {
  it('passes every untouched dossier and anchored day', async () => {
    const report = await verify();
    expect(report.failed).toEqual([]);
    expect(report.verified).toBe(ids.length);
    expect(report.passed).toBe(ids.length);
    expect(report.days.filter((d) => d.anchored).map((d) => d.day)).toContain('2026-11-16');
    expect(report.days.every((d) => d.changedShards.length === 0)).toBe(true);
    expect(renderVerifyText(report)).toContain(`Đã kiểm tra ${ids.length} hồ sơ có thay đổi trong khoảng`);
  });

  it('names each edited dossier and what does not follow; the others still pass', async () => {
    // A finish date moved before the due date, the result made on time to match.
    await editRecord(MOVED, (r) => {
      r.state.resolvedAt = '2026-11-11T10:00:00+07:00';
      r.state.closedAt = '2026-11-11T10:00:00+07:00';
      r.state.result = 'on_time';
    });
    // An audit entry deleted (the one of the detector's move, in the middle of the chain).
    const entries = await auditItems(DELETED);
    const middle = entries[1];
    if (!middle) throw new Error('no middle entry');
    await docs().send(new DeleteCommand({ TableName: table(), Key: { pk: middle.pk, sk: middle.sk } }));
    // The result flipped to on time, nothing else.
    await editRecord(FLIPPED, (r) => {
      r.state.result = 'on_time';
    });
    // The report row laundered, the record left alone (reports read only rows).
    const row = await metaItem(LAUNDERED);
    const report = unpack(row.report) as Record<string, unknown>;
    await docs().send(
      new PutCommand({ TableName: table(), Item: { ...row, report: pack({ ...report, result: 'on_time' }) } }),
    );
    // The whole chain rewritten consistently: the record edited, its last entry re-hashed, its head moved.
    const edited = await editRecord(REWRITTEN, (r) => {
      r.state.resolvedAt = '2026-11-09T10:00:00+07:00';
      r.state.closedAt = '2026-11-09T10:00:00+07:00';
      r.state.result = 'early';
    });
    const last = (await auditItems(REWRITTEN)).at(-1);
    if (!last) throw new Error('no entry');
    const forged = auditEntry({
      dossierId: REWRITTEN,
      seq: Number(last.seq),
      at: String(last.at),
      prev: String(last.prev),
      state: stateHash(edited.data as Uint8Array),
      events: Number(last.events),
      status: String(last.status),
    });
    await docs().send(new DeleteCommand({ TableName: table(), Key: { pk: last.pk, sk: last.sk } }));
    await docs().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...last,
          ...forged,
          sk: `${REWRITTEN}#${String(forged.seq).padStart(10, '0')}#${forged.hash.slice(0, 16)}`,
        },
      }),
    );
    await docs().send(new PutCommand({ TableName: table(), Item: { ...edited, chainHead: forged.hash } }));

    const result = await verify();
    const problems = Object.fromEntries(result.failed.map((f) => [f.dossierId, f.problems.map((p) => p.code)]));
    expect(Object.keys(problems).sort()).toEqual([MOVED, DELETED, FLIPPED, LAUNDERED, REWRITTEN].sort());
    expect(problems[MOVED]).toEqual(
      expect.arrayContaining(['record_changed_outside', 'field_mismatch', 'report_row_mismatch']),
    );
    expect(result.failed.find((f) => f.dossierId === MOVED)?.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['resolvedAt', 'closedAt']),
    );
    expect(problems[DELETED]).toEqual(['entry_missing']);
    expect(problems[FLIPPED]).toEqual(expect.arrayContaining(['record_changed_outside', 'result_mismatch']));
    expect(problems[LAUNDERED]).toEqual(['report_row_mismatch']);
    // The rewritten chain is consistent in itself; its events still tell the truth.
    expect(problems[REWRITTEN]).not.toContain('record_changed_outside');
    expect(problems[REWRITTEN]).toContain('field_mismatch');
    expect(result.passed).toBe(ids.length - 5);
    // The days whose entries changed since anchored: the deleted entry's day and the rewritten entry's.
    const changed = result.days.filter((d) => d.changedShards.length > 0).map((d) => d.day);
    expect(changed).toEqual(
      [...new Set([vietnamDay(Date.parse(String(middle.at))), vietnamDay(Date.parse(String(last.at)))])].sort(),
    );
    const text = renderVerifyText(result);
    if (process.env.SHOW_VERIFY) console.info(text);
    expect(text).toContain(`${result.failed.length} không khớp`);
    expect(text).toContain(`- ${MOVED}:`);
    expect(text).toContain(
      'ngày giải quyết xong (resolvedAt): bản ghi ghi 11/11/2026 10:00, các sự kiện cho 16/11/2026 10:00',
    );
    expect(text).toContain('Dòng báo cáo không khớp bản ghi');
    expect(text).toContain('ngày có nhật ký bị thay đổi sau khi neo (hoặc sau mốc trong ngày):');
  });

  it('finds a record ahead of its chain and a version changed by hand (issue #31, findings 3 and 4)', async () => {
    const [AHEAD, VERSIONED] = [ids[5], ids[6]] as [string, string];
    // Finding 3: the record, its report row and its resolution event rewritten as one more version, in the
    // store's own format, with no audit entry: a late-looking dossier made earlier still.
    const item = await metaItem(AHEAD);
    const record = toRecord(item);
    const forged: DossierRecord = {
      ...record,
      version: record.version + 1,
      state: {
        ...record.state,
        resolvedAt: '2026-11-05T10:00:00+07:00',
        closedAt: '2026-11-05T10:00:00+07:00',
        result: 'early',
      },
    };
    await docs().send(
      new PutCommand({ TableName: table(), Item: { ...dossierItem(forged, undefined), chainHead: item.chainHead } }),
    );
    const eventKey = { pk: dossierKey(AHEAD), sk: `EVENT#${AHEAD}/resolved` };
    const { Item: event } = await docs().send(new GetCommand({ TableName: table(), Key: eventKey }));
    const detail = unpack(event?.detail) as Record<string, unknown>;
    await docs().send(
      new PutCommand({
        TableName: table(),
        Item: { ...event, detail: pack({ ...detail, occurredAt: '2026-11-05T10:00:00+07:00' }) },
      }),
    );
    // Finding 4: the version attribute alone changed by hand (what the next conditional write compares).
    const versioned = await metaItem(VERSIONED);
    await docs().send(
      new PutCommand({ TableName: table(), Item: { ...versioned, version: Number(versioned.version) + 5 } }),
    );

    const result = await verify();
    const problems = Object.fromEntries(result.failed.map((f) => [f.dossierId, f.problems.map((p) => p.code)]));
    expect(problems[AHEAD]).toContain('record_ahead_of_chain');
    expect(problems[VERSIONED]).toEqual(['version_mismatch']);
    const text = renderVerifyText(result);
    expect(text).toContain(`- ${AHEAD}:`);
    expect(text).toContain('không có mục nhật ký nào');
    expect(text).toContain('Số phiên bản của bản ghi');
  });

  it('checks the day under way against its latest checkpoint: an entry cut before it is seen, the tail after it is counted (issue #31, finding 5)', async () => {
    const [EARLY, LATE] = ['H21.65.01-261120-0301', 'H21.65.01-261120-0302'];
    now = Date.parse('2026-11-20T09:00:00+07:00');
    await deliver(
      communeLandReceipt(EARLY, {
        steps: undefined,
        occurredAt: '2026-11-20T09:00:00+07:00',
        receivedAt: '2026-11-20T09:00:00+07:00',
        appointmentAt: '2026-12-02T17:00:00+07:00',
      }),
    );
    // The quarter-hourly anchoring: whole days are anchored already, the day under way is checkpointed.
    now = Date.parse('2026-11-20T09:30:00+07:00');
    expect(await runtime.anchor()).toMatchObject({ anchored: [], checkpoint: '2026-11-20T02:29:00.000Z' });
    now = Date.parse('2026-11-20T10:00:00+07:00');
    await deliver(
      communeLandReceipt(LATE, {
        steps: undefined,
        occurredAt: '2026-11-20T10:00:00+07:00',
        receivedAt: '2026-11-20T10:00:00+07:00',
        appointmentAt: '2026-12-02T17:00:00+07:00',
      }),
    );
    const untouched = (await verify()).days.find((d) => d.day === '2026-11-20');
    expect(untouched).toMatchObject({ anchored: false, changedShards: [], tail: { entries: 1 } });
    // The entry of the 09:00 receipt cut from the table, the day not anchored yet.
    const entry = (await auditItems(EARLY, 20)).at(0);
    if (!entry) throw new Error('no entry');
    await docs().send(new DeleteCommand({ TableName: table(), Key: { pk: entry.pk, sk: entry.sk } }));
    const result = await verify();
    const today = result.days.find((d) => d.day === '2026-11-20');
    expect(today?.changedShards).toEqual([shardOf(EARLY)]);
    expect(today?.tail).toEqual({
      entries: 1,
      from: expect.stringMatching(/^2026-11-20T03:00:00/),
      to: expect.stringMatching(/^2026-11-20T03:00:00/),
    });
    const text = renderVerifyText(result);
    expect(text).toContain(
      '20/11/2026 chưa neo cả ngày: đã đối chiếu với mốc 09:29 20/11/2026; 1 mục ghi sau mốc chưa được neo (từ 10:00 20/11/2026 đến 10:00 20/11/2026).',
    );
    expect(text).toMatch(/sau mốc trong ngày\): [^\n]*20\/11\/2026 \(phân mảnh/);
  });

  it('never folds an event written into the log behind its back, and names it (issue #31, finding 1)', async () => {
    const FORGED = 'H21.65.01-261102-0399';
    now = Date.parse('2026-11-20T10:30:00+07:00');
    const receipt = communeLandReceipt(FORGED, { steps: undefined });
    await deliver(receipt);
    await deliver(
      lifecycleEvent('DossierResolved', {
        dossierId: FORGED,
        eventId: `${FORGED}/resolved`,
        occurredAt: '2026-11-20T10:30:00+07:00',
      }),
    );
    expect((await runtime.store.load(FORGED)).record?.state.result).toBe('late');
    // An insider writes a resolution before the due date straight into the event log, in the store's format.
    const fake = lifecycleEvent('DossierResolved', {
      dossierId: FORGED,
      eventId: `${FORGED}/resolved-early`,
      occurredAt: '2026-11-11T10:00:00+07:00',
    });
    await docs().send(
      new PutCommand({
        TableName: table(),
        Item: eventItem(
          { type: 'DossierResolved', detail: fake.detail } as unknown as Parameters<typeof eventItem>[0],
          '2026-11-20T03:35:00.000Z',
        ),
      }),
    );
    // An ordinary redelivery of the receipt: the fake is not folded; the dossier stays late.
    await deliver(receipt);
    expect((await runtime.store.load(FORGED)).record?.state.result).toBe('late');
    const result = await verify();
    const forged = result.failed.find((f) => f.dossierId === FORGED);
    expect(forged?.problems.map((p) => p.code)).toEqual(['event_forged']);
    expect(renderVerifyText(result)).toContain(
      `Sự kiện ${FORGED}/resolved-early (DossierResolved) trong nhật ký sự kiện không do Đúng Hạn ghi`,
    );
    // The real event sent under the squatted id replaces the forged item.
    await deliver({
      ...fake,
      time: '2026-11-20T03:40:00Z',
      detail: { ...(fake.detail as object), occurredAt: '2026-11-20T10:40:00+07:00' },
    });
    expect((await verify()).failed.find((f) => f.dossierId === FORGED)).toBeUndefined();
  });

  it('names a calendar edited in the table, and chains no change over it (issue #31, finding 2)', async () => {
    const clean = await verify();
    expect(clean.config).toEqual({ checked: true, problems: [] });
    expect(renderVerifyText(clean)).toContain('Cấu hình (quy tắc, lịch, đơn vị, người dùng): khớp chuỗi nhật ký.');
    // An insider adds a day off to the calendar in force, straight in the table (due dates move with it).
    const { Items } = await docs().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': 'CONFIG', ':sk': 'CALENDAR#' },
      }),
    );
    const calendar = Items?.[0];
    if (!calendar) throw new Error('no calendar item');
    const definition = JSON.parse(String(calendar.data)) as { years: Record<string, { daysOff: unknown[] }> };
    definition.years['2026']?.daysOff.push({ date: '2026-11-11', name: 'Nghỉ', kind: 'holiday' });
    await docs().send(new PutCommand({ TableName: table(), Item: { ...calendar, data: JSON.stringify(definition) } }));
    const result = await verify();
    expect(result.config?.problems.map((p) => p.code)).toEqual(['config_changed_outside']);
    expect(renderVerifyText(result)).toContain('Cấu hình (quy tắc, lịch, đơn vị, người dùng) KHÔNG khớp chuỗi nhật ký');
    // The next change of Đúng Hạn's own would chain the edit: refused, nothing applied.
    const units = (await runtime.config.getUnitDirectoryVersion())?.directory;
    await expect(
      putUnits(
        configDepsOf(runtime),
        { name: 'units.yaml', data: { ...units, apologyIssuer: 'unit_at_fault' } },
        'test',
      ),
    ).rejects.toThrow(/changed outside Đúng Hạn/);
    expect((await runtime.config.getUnitDirectoryVersion())?.directory.apologyIssuer).toBe('lead_agency');
  });
});

import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { dossierKey } from '../../shared/adapters/dynamo-items.ts';
import { renderVerifyText } from '../../shared/domain/audit/render-verify.ts';
import { verifyOn } from '../support/audit-trail.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';

/*
 * Issue #31, "a crash is never tampering": a write cut between its audit entry and its record (the
 * container killed) leaves the record one version behind its chain. Verify calls that "interrupted,
 * waiting" while the event that completes it may still come, "interrupted, completed" once the
 * redelivery has written it — and a change (a finding) when the log no longer holds what that write
 * folded, or when nothing completed it for a day.
 */
let now = Date.parse('2026-11-02T09:00:00+07:00');
let runtime: LocalRuntime;
const ID = 'H21.65.01-261102-0301';
const OTHER = 'H21.65.01-261102-0302';
const range = { from: '2026-11-01', to: '2026-11-20' };
/** While set, the record's write (its META put) dies before reaching the table: a kill between the two writes. */
const crash = { armed: false };

const resolved = (id: string) =>
  lifecycleEvent('DossierResolved', {
    dossierId: id,
    eventId: `${id}/resolved`,
    occurredAt: '2026-11-10T10:00:00+07:00',
  });

async function metaItem(id: string) {
  const { Item } = await runtime.clients.documents.send(
    new GetCommand({ TableName: runtime.tableName, Key: { pk: dossierKey(id), sk: 'META' }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(id);
  return Item;
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => now }, ruleCacheMs: 0 });
  runtime.clients.documents.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Item?: { sk?: unknown; pk?: unknown } };
      const sk = input.Item?.sk;
      const isMeta = sk === 'META' || (sk as { S?: string } | undefined)?.S === 'META';
      if (crash.armed && isMeta) throw Object.assign(new Error('container killed'), { name: 'Killed' });
      return next(args);
    },
    { step: 'initialize', name: 'killBetweenWrites' },
  );
  for (const id of [ID, OTHER]) {
    const [delivered] = await runtime.deliver(communeLandReceipt(id, { steps: undefined }));
    expect(delivered?.ok).toBe(true);
  }
  now = Date.parse('2026-11-10T10:05:00+07:00');
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

describe('a write killed between its audit entry and its record', () => {
  it('is "interrupted, waiting" — not a change — while its redelivery may come', async () => {
    crash.armed = true;
    const [cut] = await runtime.deliver(resolved(ID));
    crash.armed = false;
    expect(cut?.ok).toBe(false);
    const record = await metaItem(ID);
    expect(Number(record.version)).toBe(1);

    const report = await verifyOn(runtime, range, now + 3_600_000);
    expect(report.failed).toEqual([]);
    expect(report.interrupted.waiting).toEqual([ID]);
    expect(report.pending).toContain(ID);
    const text = renderVerifyText(report);
    expect(text).toContain('Gián đoạn, đang chờ hoàn tất (không phải sửa đổi): 1 hồ sơ');
    expect(text).toContain(ID);
  });

  it('is a finding when nothing completed it for more than a day (a dead letter, or a record put back)', async () => {
    const report = await verifyOn(runtime, range, now + 25 * 3_600_000);
    expect(report.failed.map((f) => [f.dossierId, f.problems.map((p) => p.code)])).toEqual([
      [ID, ['interrupted_not_completed']],
    ]);
    expect(renderVerifyText(report)).toContain('sau hơn 24 giờ');
  });

  it('is "interrupted, completed" once the event is delivered again', async () => {
    const [again] = await runtime.deliver(resolved(ID));
    expect(again?.ok).toBe(true);
    expect(Number((await metaItem(ID)).version)).toBe(2);
    const report = await verifyOn(runtime, range, now + 25 * 3_600_000);
    expect(report.failed).toEqual([]);
    expect(report.interrupted).toEqual({ completed: [ID], waiting: [] });
    expect(report.passed).toBe(2);
    expect(renderVerifyText(report)).toContain('Gián đoạn, đã hoàn tất (không phải sửa đổi): 1 hồ sơ');
  });

  it('is a change when a record is put back a version and the event that moved it deleted', async () => {
    // The insider's try: OTHER resolved, then its record restored to the received version and the
    // resolution's event removed, so that the state looks like a write cut in flight.
    const before = await metaItem(OTHER);
    const [done] = await runtime.deliver(resolved(OTHER));
    expect(done?.ok).toBe(true);
    await runtime.clients.documents.send(new PutCommand({ TableName: runtime.tableName, Item: before }));
    await runtime.clients.documents.send(
      new DeleteCommand({
        TableName: runtime.tableName,
        Key: { pk: dossierKey(OTHER), sk: `EVENT#${OTHER}/resolved` },
      }),
    );
    const report = await verifyOn(runtime, range, now + 3_600_000);
    const found = report.failed.find((f) => f.dossierId === OTHER);
    expect(found?.problems.map((p) => p.code)).toEqual(['interrupted_not_completed']);
    expect(found?.problems[0]?.message).toContain('nhật ký sự kiện thiếu sự kiện nó đã tính (còn 1/2)');
    expect(report.interrupted.waiting).not.toContain(OTHER);
  });
});

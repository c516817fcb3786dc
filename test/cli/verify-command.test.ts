import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../local/local-runtime.ts';
import { dossierKey, pack, unpack } from '../../shared/adapters/dynamo-items.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';
import { dunghan } from '../support/run-cli.ts';

/** `dunghan verify` as a process on a data directory: clean, then after a record was edited behind its back. */
describe('dunghan verify (as a process, on the local store)', () => {
  it('passes a replayed export, then names the record edited in the table and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-verify-'));
    const dataDir = join(dir, 'store');
    const ids = ['H21.65-240301-0001', 'H21.65-240301-0002', 'H21.65-240301-0003'];
    const lines = ids.flatMap((dossierId, n) => [
      receivedEvent({
        dossierId,
        eventId: `v-${n}`,
        occurredAt: '2024-03-01T09:00:00+07:00',
        receivedAt: '2024-03-01T09:00:00+07:00',
        appointmentAt: undefined,
      }),
      lifecycleEvent('DossierResolved', {
        dossierId,
        eventId: `v-${n}-resolved`,
        occurredAt: '2024-03-27T10:00:00+07:00',
      }),
    ]);
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect((await dunghan('replay', file, '--data-dir', dataDir)).code).toBe(0);

    // Replay stores each event at its own instant: the changes lie in March 2024.
    const march = ['--from', '2024-03-01', '--to', '2024-03-31', '--data-dir', dataDir];
    // Issue #31, finding 7: a plain verify covers everything, not the last 30 days (which hold nothing here).
    const plain = await dunghan('verify', '--data-dir', dataDir, '--format', 'json');
    expect(plain.code, plain.stderr).toBe(0);
    // And it ends at the last day written, not today: the years between hold nothing to read.
    expect(JSON.parse(plain.stdout)).toMatchObject({ from: '2024-03-01', to: '2024-03-27', verified: 3, passed: 3 });
    const clean = await dunghan('verify', ...march);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('Đã kiểm tra 3 hồ sơ có thay đổi trong khoảng');
    expect(clean.stdout).toContain('3 khớp, 0 không khớp');

    // An operator moves a late finish before the due date, straight in the table.
    const runtime = await startLocalRuntime({ dataDir: join(dataDir, 'dynamodb') });
    try {
      const key = { pk: dossierKey(ids[1] as string), sk: 'META' };
      const { Item } = await runtime.clients.documents.send(
        new GetCommand({ TableName: runtime.tableName, Key: key, ConsistentRead: true }),
      );
      const record = unpack(Item?.data) as DossierRecord;
      record.state.resolvedAt = '2024-03-08T10:00:00+07:00';
      record.state.result = 'on_time';
      await runtime.clients.documents.send(
        new PutCommand({ TableName: runtime.tableName, Item: { ...Item, data: pack(record) } }),
      );
    } finally {
      await runtime.close();
    }
    const tampered = await dunghan('verify', ...march, '--format', 'json');
    expect(tampered.code).toBe(1);
    const report = JSON.parse(tampered.stdout) as { verified: number; failed: { dossierId: string }[] };
    expect(report.verified).toBe(3);
    expect(report.failed.map((f) => f.dossierId)).toEqual([ids[1]]);
    expect(tampered.stderr).toContain('1 dossier(s) and 0 anchored day(s) do not follow from the audit trail');

    const bad = await dunghan('verify', '--data-dir', dataDir, '--from', '2024-13-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: must be a date YYYY-MM-DD');
  }, 180_000);
});

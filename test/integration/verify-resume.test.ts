import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../local/local-runtime.ts';
import { pack, unpack } from '../../shared/adapters/dynamo-items.ts';
import type { VerifyReport } from '../../shared/domain/audit/render-verify.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { vietnamDay } from '../../shared/support/vietnam-time.ts';
import { dunghan } from '../support/run-cli.ts';

/*
 * Issue #31: a plain `dunghan verify` covers everything not verified yet — it goes on from the last clean
 * verification, kept beside the anchors, and records how far a clean run got; `--all` starts over.
 */
const dataDir = join(tmpdir(), `dunghan-verify-resume-${process.pid}-${Date.now()}`);
const servers = ['--dynamo-port', '0', '--ses-port', '0', '--api-port', '0'];

async function verify(...args: string[]): Promise<{ code: number; report: VerifyReport; stderr: string }> {
  const result = await dunghan('verify', '--data-dir', dataDir, '--format', 'json', ...args);
  return { code: result.code, report: JSON.parse(result.stdout || '{}') as VerifyReport, stderr: result.stderr };
}

const marks = () => readdirSync(join(dataDir, 'anchors', 'verifications')).sort();

beforeAll(async () => {
  const first = await dunghan('start', '--once', '--days', '8', '--data-dir', dataDir, ...servers);
  expect(first.code).toBe(0);
}, 60_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dunghan verify, day after day', () => {
  it('walks everything the first time, and records how far it verified clean', async () => {
    const { code, report } = await verify();
    expect(code).toBe(0);
    expect(report.from).toBe('2021-12-31');
    expect(report.resumedFrom).toBeUndefined();
    // The last day is checkpointed, not anchored: the mark stops the day before.
    expect(report.marked?.verifiedTo).toBe('2022-01-07');
    expect(report.marked?.dossiers).toBe(report.verified);
    expect(marks()).toEqual(['2022-01-07.json']);
  });

  it('goes on from the day after, and walks only what is new', async () => {
    const again = await dunghan('verify', '--data-dir', dataDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Khoảng kiểm tra: từ 08/01/2022 đến 08/01/2022');
    expect(again.stdout).toMatch(
      /Tiếp tục sau lần kiểm tra không phát hiện sai lệch lúc \d\d:\d\d \d\d\/\d\d\/\d{4} \(đã kiểm tra đến hết 07\/01\/2022\); kiểm tra lại từ đầu: dunghan verify --all\./,
    );
    const more = await dunghan(
      'start',
      '--once',
      '--keep-data',
      '--from',
      '2022-01-09',
      '--days',
      '4',
      '--data-dir',
      dataDir,
      ...servers,
    );
    expect(more.code).toBe(0);
    const { code, report } = await verify();
    expect(code).toBe(0);
    expect(report.from).toBe('2022-01-08');
    expect(report.resumedFrom?.verifiedTo).toBe('2022-01-07');
    expect(report.marked?.verifiedTo).toBe('2022-01-11');
    expect(marks()).toEqual(['2022-01-07.json', '2022-01-11.json']);
  }, 60_000);

  it('names a record changed since, does not move the mark; --all finds one changed before it too', async () => {
    // Two records rewritten in the table: one last written before the last mark, one after it.
    const runtime = await startLocalRuntime({ dataDir: join(dataDir, 'dynamodb'), seed: 'never' });
    let before: string | undefined;
    let after: string | undefined;
    try {
      const { Items = [] } = await runtime.clients.documents.send(
        new ScanCommand({
          TableName: runtime.tableName,
          FilterExpression: 'entity = :d',
          ExpressionAttributeValues: { ':d': 'dossier' },
        }),
      );
      for (const item of Items) {
        const day = vietnamDay(Date.parse(String(item.chainAt)));
        const edit = (day <= '2022-01-11' && !before) || (day === '2022-01-12' && !after);
        if (!edit) continue;
        const record = unpack(item.data) as DossierRecord;
        record.state.result = record.state.result === 'late' ? 'on_time' : 'late';
        await runtime.clients.documents.send(
          new PutCommand({ TableName: runtime.tableName, Item: { ...item, data: pack(record) } }),
        );
        if (day <= '2022-01-11') before = record.state.dossierId;
        else after = record.state.dossierId;
      }
    } finally {
      await runtime.close();
    }
    expect(before && after).toBeTruthy();

    // A plain verify walks the days since the mark: it names the record last written in them.
    const plain = await verify();
    expect(plain.code).toBe(1);
    expect(plain.report.from).toBe('2022-01-12');
    expect(plain.report.failed.map((f) => f.dossierId)).toEqual([after]);
    expect(plain.report.marked).toBeUndefined();
    expect(marks()).toEqual(['2022-01-07.json', '2022-01-11.json']);
    // The one last written before the mark is seen by a verify from the start (docs/reliability.md:
    // a record rewritten after its last verified change waits for `--all`, run monthly).
    const all = await verify('--all');
    expect(all.code).toBe(1);
    expect(all.report.from).toBe('2021-12-31');
    expect(all.report.failed.map((f) => f.dossierId).sort()).toEqual([before, after].sort());
    expect(all.report.marked).toBeUndefined();
  }, 60_000);

  it('refuses --all with --from, naming both', async () => {
    const both = await dunghan('verify', '--data-dir', dataDir, '--all', '--from', '2022-01-01');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--all');
    expect(both.stderr).toContain('--from');
  }, 60_000);
});

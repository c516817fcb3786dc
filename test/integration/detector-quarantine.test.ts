import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { clearSentEmails, sentEmails } from '../../local/ses-server.ts';
import { nextActionKeys, shardOf } from '../../shared/adapters/dynamo-items.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { notifyParkedDossiers } from '../../shared/use-cases/notify-parked-dossiers.ts';
import { listQuarantined, NotQuarantinedError, retryQuarantined } from '../../shared/use-cases/quarantine.ts';
import { PARK_AFTER_RUNS, runDetector } from '../../shared/use-cases/run-detector.ts';
import {
  detectorDeps,
  localSesClients,
  receiveWithoutAppointment,
  type TestClock,
} from '../support/approved-apology.ts';
import { dunghan } from '../support/run-cli.ts';

/**
 * Issue #13: a dossier the detector cannot handle must not stall it. It is counted run after run and
 * parked after {@link PARK_AFTER_RUNS}; every other dossier — in its shard, its bucket, and later — is
 * still alerted, the shard's watermark moves on, and the administrators are told once.
 */
const clock: TestClock = { at: Date.parse('2024-03-04T09:00:00+07:00'), now: () => clock.at };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
});
afterAll(async () => {
  await runtime?.close();
});

/** Dossier codes of the same shard as `like`. */
function sameShard(like: string, prefix: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) {
    const id = `${prefix}-${String(i).padStart(4, '0')}`;
    if (shardOf(id) === shardOf(like)) out.push(id);
  }
  return out;
}

const receive = (dossierId: string, day: string) => receiveWithoutAppointment(runtime, dossierId, day);

describe('a dossier the detector keeps failing on', () => {
  const poison = 'H21.65-240304-POISON';
  const [neighbour, later] = sameShard(poison, 'H21.65-240304-N', 2) as [string, string];
  const ses = () => localSesClients(runtime.sesEndpoint ?? '');

  it('is parked after three failing runs while its shard-mates are alerted in every run', async () => {
    const clients = ses();
    const deps = detectorDeps(runtime, clock, new SesMailer(clients.atLeastOnce), {
      quarantine: runtime.platform.table.quarantine,
    });
    await receive(neighbour, '2024-03-04');
    // A record the detector cannot read, due now in the neighbour's shard (written around the store,
    // as a bug or a manual edit would leave it).
    clock.at = Date.parse('2024-03-14T17:30:00+07:00');
    await runtime.clients.documents.send(
      new PutCommand({
        TableName: runtime.tableName,
        Item: {
          pk: `DOSSIER#${poison}`,
          sk: 'META',
          entity: 'dossier',
          dossierId: poison,
          version: 1,
          data: 'not a record',
          ...nextActionKeys(poison, '2024-03-14T17:00:00+07:00', '2024-03-14'),
        },
      }),
    );
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const reports = [];
    for (let run = 1; run <= PARK_AFTER_RUNS; run += 1) {
      reports.push(await runDetector(deps, `poison-${run}`));
      clock.at += 15 * 60_000;
    }
    expect(reports.map((r) => r.failures.map((f) => f.dossierId))).toEqual([[poison], [poison], []]);
    expect(reports.map((r) => r.parked.map((p) => p.dossierId))).toEqual([[], [], [poison]]);
    expect(reports[2]?.parked[0]?.reason).toMatch(/unreadable record/);
    // The neighbour, in the same shard and bucket, was alerted by the first run.
    const digests = await sentEmails(runtime.sesEndpoint ?? '');
    expect(digests.filter((m) => m.body.text?.includes(neighbour))).toHaveLength(1);
    expect(
      (await runtime.platform.table.quarantine.listQuarantine()).map((q) => [
        q.dossierId,
        q.failures,
        Boolean(q.parkedAt),
      ]),
    ).toEqual([[poison, PARK_AFTER_RUNS, true]]);
    clients.atLeastOnce.destroy();
    clients.atMostOnce.destroy();
  });

  it('no longer fails later runs nor holds the watermark: a dossier due days later in its shard is alerted', async () => {
    const clients = ses();
    const deps = detectorDeps(runtime, clock, new SesMailer(clients.atLeastOnce), {
      quarantine: runtime.platform.table.quarantine,
    });
    await receive(later, '2024-03-11');
    clock.at = Date.parse('2024-03-21T17:30:00+07:00');
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const report = await runDetector(deps, 'later-1');
    expect(report.failures).toEqual([]);
    expect(report.parked).toEqual([]);
    // Only the days since the last run are read: the parked dossier's bucket is behind the watermark.
    expect(report.bucketsRead).toBeLessThanOrEqual(runtime.platform.table.due.shards.length * 8);
    expect((await sentEmails(runtime.sesEndpoint ?? '')).some((m) => m.body.text?.includes(later))).toBe(true);
    clients.atLeastOnce.destroy();
    clients.atMostOnce.destroy();
  });

  it('is reported to the administrators once', async () => {
    const clients = ses();
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const deps = {
      quarantine: runtime.platform.table.quarantine,
      mailer: new SesMailer(clients.atLeastOnce),
      clock,
      config: { senderEmail: 'dunghan@mot-cua.example.vn', adminEmails: ['it@so-noi-vu.example.vn'] },
    };
    expect((await notifyParkedDossiers(deps)).notified).toEqual([poison]);
    expect((await notifyParkedDossiers(deps)).notified).toEqual([]);
    const notices = await sentEmails(runtime.sesEndpoint ?? '');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toBe('Đúng Hạn: 1 hồ sơ bị tạm dừng theo dõi do lỗi');
    expect(notices[0]?.body.text).toContain(`${poison}: lỗi 3 lần liên tiếp từ 14/03/2024 17:30`);
    expect(notices[0]?.body.text).toContain('dunghan quarantine retry');
    clients.atLeastOnce.destroy();
    clients.atMostOnce.destroy();
  });

  it('is released by an operator’s retry and counted afresh if it still fails', async () => {
    const deps = { quarantine: runtime.platform.table.quarantine, store: runtime.store, clock };
    expect((await listQuarantined(deps)).map((q) => q.dossierId)).toEqual([poison]);
    await expect(retryQuarantined(deps, 'H21.65-NOT-THERE')).rejects.toThrow(NotQuarantinedError);
    expect(await retryQuarantined(deps, poison)).toEqual({ dossierId: poison, rescheduled: false });
    expect(await listQuarantined(deps)).toEqual([]);
  });
});

describe('dunghan quarantine', () => {
  it('lists nothing on a fresh store and refuses to retry an unknown dossier, naming the argument', async () => {
    const dataDir = join(tmpdir(), `dunghan-quarantine-${process.pid}`);
    const list = await dunghan('quarantine', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const retry = await dunghan('quarantine', 'retry', 'H21.65-X', '--data-dir', dataDir);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain('<dossierId>: H21.65-X is not in the quarantine');
  });
});

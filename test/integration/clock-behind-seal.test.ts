import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { CONFIG_CHAIN_ID } from '../../shared/domain/audit/audit-chain.ts';
import { putUnits } from '../../shared/use-cases/administer-config.ts';
import { chainItems, configDepsOf, verifyOn } from '../support/audit-trail.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';

/*
 * Issue #31, finding 6: `npm start` killed with -9 and run again over its data (`--keep-data`) starts its
 * simulated clock over, behind days it had already anchored and checkpointed. Entries stamped by that
 * clock would land in sealed days and verify would cry tampering over a crash. Stamps never go behind what
 * is sealed nor behind their chain's previous entry: a crash, re-run, leaves verify clean.
 */
let now = Date.parse('2026-11-02T09:00:00+07:00');
let runtime: LocalRuntime;
const [FIRST, SECOND, AFTER, LATER] = [
  'H21.65.01-261102-0401',
  'H21.65.01-261103-0402',
  'H21.65.01-261102-0403',
  'H21.65.01-261103-0404',
];

async function deliver(event: ReturnType<typeof communeLandReceipt>) {
  const [delivery] = await runtime.deliver(event);
  if (!delivery?.ok) throw delivery?.error;
}

const verify = () => verifyOn(runtime, { from: '2026-11-01', to: '2026-11-03' });

/** When each audit entry of a chain was stamped, across the days given, in the chain's order. */
const stamps = async (id: string, days: string[]) => (await chainItems(runtime, id, days)).map((i) => String(i.at));

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => now }, ruleCacheMs: 0 });
  await deliver(communeLandReceipt(FIRST, { steps: undefined }));
  // The 2nd anchored whole on the morning of the 3rd; the 3rd checkpointed at 09:30.
  now = Date.parse('2026-11-03T08:00:00+07:00');
  expect((await runtime.anchor()).anchored).toEqual(['2026-11-02']);
  now = Date.parse('2026-11-03T09:00:00+07:00');
  await deliver(
    communeLandReceipt(SECOND, {
      steps: undefined,
      occurredAt: '2026-11-03T09:00:00+07:00',
      receivedAt: '2026-11-03T09:00:00+07:00',
      appointmentAt: '2026-11-13T17:00:00+07:00',
    }),
  );
  now = Date.parse('2026-11-03T09:30:00+07:00');
  expect(await runtime.anchor()).toMatchObject({ checkpoint: '2026-11-03T02:29:00.000Z' });
  expect((await verify()).failed).toEqual([]);
}, 120_000);

afterAll(async () => {
  await runtime?.close();
});

describe('a clock behind the sealed trail (issue #31, finding 6)', () => {
  it('stamps entries after the checkpoint, never into the anchored day: verify stays clean', async () => {
    // The world re-run over its data: its clock back on the morning of the 2nd.
    now = Date.parse('2026-11-02T10:00:00+07:00');
    await deliver(
      lifecycleEvent('DossierResolved', {
        dossierId: FIRST,
        eventId: `${FIRST}/resolved`,
        occurredAt: '2026-11-02T10:00:00+07:00',
      }),
    );
    await deliver(
      communeLandReceipt(AFTER, {
        steps: undefined,
        occurredAt: '2026-11-02T10:00:00+07:00',
        receivedAt: '2026-11-02T10:00:00+07:00',
        appointmentAt: '2026-11-12T17:00:00+07:00',
      }),
    );
    // A configuration change on the same clock: its chain's entry is stamped after the seal too.
    const units = (await runtime.config.getUnitDirectoryVersion())?.directory;
    await putUnits(
      configDepsOf(runtime),
      { name: 'units.yaml', data: { ...units, apologyIssuer: 'unit_at_fault' } },
      'test',
    );
    const days = ['2026-11-02', '2026-11-03'];
    const sealed = '2026-11-03T02:29:00.000Z';
    for (const id of [FIRST, AFTER, CONFIG_CHAIN_ID]) {
      const latest = (await stamps(id, days)).at(-1) ?? '';
      expect(latest > sealed, `${id}: ${latest}`).toBe(true);
    }
    const report = await verify();
    expect(report.failed).toEqual([]);
    expect(report.passed).toBe(3);
    expect(report.days.every((d) => d.changedShards.length === 0)).toBe(true);
    expect(report.config).toEqual({ checked: true, problems: [] });
    expect(report.days.find((d) => d.day === '2026-11-03')?.tail?.entries).toBeGreaterThanOrEqual(3);
  });

  it('a chain never goes back in time: the next entry is stamped after the previous one', async () => {
    now = Date.parse('2026-11-03T12:00:00+07:00');
    await deliver(
      communeLandReceipt(LATER, {
        steps: undefined,
        occurredAt: '2026-11-03T12:00:00+07:00',
        receivedAt: '2026-11-03T12:00:00+07:00',
        appointmentAt: '2026-11-13T17:00:00+07:00',
      }),
    );
    // The clock back two hours, still after the checkpoint: the chain's order holds anyway.
    now = Date.parse('2026-11-03T10:00:00+07:00');
    await deliver(
      lifecycleEvent('DossierResolved', {
        dossierId: LATER,
        eventId: `${LATER}/resolved`,
        occurredAt: '2026-11-03T10:00:00+07:00',
      }),
    );
    const chain = await stamps(LATER, ['2026-11-03']);
    expect(chain).toHaveLength(2);
    expect(chain[1]).toBe('2026-11-03T05:00:00.001Z');
    expect((await verify()).failed).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_EVENT_SEAL_KEY, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { DynamoDossierStore } from '../../shared/adapters/dynamo-dossier-store.ts';
import { eventSeal } from '../../shared/adapters/event-seal.ts';
import { VersionConflictError } from '../../shared/ports/dossier-store.ts';
import { chainItems, verifyOn } from '../support/audit-trail.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';

/*
 * A writer that read a dossier before another wrote it, in another process or through another table's
 * adapters (its chain-head cache has not seen the write), must lose without leaving a trace in the audit
 * chain: before, it wrote its entry linking to nothing, then failed its conditional put — an orphan that
 * a walk meeting it before the real entry of that version called a broken chain (the kill-and-rerun
 * test caught it once in CI).
 */
const now = Date.parse('2026-11-02T09:00:00+07:00');
let runtime: LocalRuntime;
const ID = 'H21.65.01-261102-0401';

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => now }, ruleCacheMs: 0 });
  const [received] = await runtime.deliver(communeLandReceipt(ID, { steps: undefined }));
  expect(received?.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

describe('a writer that lost a race, without the head in its cache', () => {
  it('is refused as a conflict before writing its audit entry, and the chain verifies clean', async () => {
    // A second store on the same table: another process, with a chain-head cache of its own.
    const other = new DynamoDossierStore(
      runtime.clients.documents,
      runtime.tableName,
      { now: () => now },
      eventSeal(LOCAL_EVENT_SEAL_KEY),
    );
    const { record: stale } = await other.load(ID);
    if (!stale) throw new Error(ID);
    const staleOnly = new DynamoDossierStore(
      runtime.clients.documents,
      runtime.tableName,
      { now: () => now },
      eventSeal(LOCAL_EVENT_SEAL_KEY),
    );
    // Meanwhile the dossier moves on (a supplement request, through the ingest).
    const [moved] = await runtime.deliver(
      lifecycleEvent('DossierSupplementRequested', {
        dossierId: ID,
        eventId: `${ID}/supplement`,
        occurredAt: '2026-11-02T08:30:00+07:00',
        reason: 'Thiếu bản sao sổ hộ khẩu',
      }),
    );
    expect(moved?.ok).toBe(true);
    const entriesBefore = (await chainItems(runtime, ID, ['2026-11-02'])).length;
    // The stale writer, knowing nothing of the head of the version it read, writes on that version.
    await expect(staleOnly.saveRecord(stale, stale.version)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await chainItems(runtime, ID, ['2026-11-02'])).length).toBe(entriesBefore);
    const report = await verifyOn(runtime, { from: '2026-11-01', to: '2026-11-03' }, now);
    expect(report.failed).toEqual([]);
    expect(report.orphans).toBe(0);
  });
});

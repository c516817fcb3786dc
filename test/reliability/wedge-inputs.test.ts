import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDeps } from '../../functions/ingest-dossier-event/deps.ts';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { ingestDossierEvent } from '../../shared/use-cases/ingest-dossier-event.ts';
import { fixture, landDossierEvents, renamed } from '../support/fixtures.ts';
import { dunghan } from '../support/run-cli.ts';

/**
 * Issue #13, part 3: inputs that pass the contract must never wedge a dossier later, and every input is
 * either accepted or dead-lettered with the field named — never dropped, never a crash.
 */
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => Date.parse('2022-04-08T16:00:00+07:00') } });
});
afterAll(async () => {
  await runtime?.close();
});

/** `n` suspensions and resumptions of one dossier, a minute apart, from 11/04/2022 08:00. */
function suspendResume(dossierId: string, prefix: string, n: number): EventBridgeEnvelope[] {
  const base = Date.parse('2022-04-11T08:00:00+07:00');
  return Array.from({ length: n }, (_, i) => {
    const suspend = i % 2 === 0;
    return {
      ...fixture('dossier-suspended'),
      'detail-type': suspend ? 'DossierSuspended' : 'DossierResumed',
      detail: {
        schemaVersion: 1,
        dossierId,
        eventId: `${prefix}-${i}`,
        occurredAt: new Date(base + i * 60_000).toISOString(),
        ...(suspend ? { reason: 'site_visit' } : {}),
      },
    } as EventBridgeEnvelope;
  });
}

function withDetail(envelope: EventBridgeEnvelope, patch: Record<string, unknown>): EventBridgeEnvelope {
  return { ...envelope, detail: { ...(envelope.detail as object), ...patch } };
}

async function deadLetterFor(eventId: string) {
  return (await runtime.deadLetters.list()).find((d) => d.eventId === eventId);
}

describe('inputs that used to wedge a dossier or vanish', () => {
  it('refuses a mistyped year at the contract, so the receipt that follows is folded', async () => {
    const [receipt, handover] = renamed(landDossierEvents(), 'WEDGE-YEAR');
    const early = withDetail(handover as EventBridgeEnvelope, { occurredAt: '2220-04-11T09:00:00+07:00' });
    const [bad] = await runtime.deliver(early);
    expect(bad?.ok).toBe(false);
    const letter = await deadLetterFor('WEDGE-YEAR/evt-0002');
    expect(letter?.reason).toMatch(/detail\.occurredAt: .*year/);
    const [good] = await runtime.deliver(receipt as EventBridgeEnvelope);
    expect(good?.ok).toBe(true);
    const { record } = await runtime.store.load('WEDGE-YEAR');
    expect(record?.state.status).toBe('open');
  });

  it.each([
    ['5000wd', /detail\.steps\.0\.duration: .*at most 365/],
    ['0.5d', /detail\.steps\.0\.duration: .*whole number/],
  ])('dead-letters a step duration of %s naming the field', async (duration, reason) => {
    const receipt = renamed(landDossierEvents(), `WEDGE-${duration}`)[0] as EventBridgeEnvelope;
    const detail = receipt.detail as { steps: { duration: string }[] };
    const bad = withDetail(receipt, { steps: [{ ...detail.steps[0], duration }, ...detail.steps.slice(1)] });
    const [delivery] = await runtime.deliver(bad);
    expect(delivery?.ok).toBe(false);
    expect((await deadLetterFor(`WEDGE-${duration}/evt-0001`))?.reason).toMatch(reason);
  });

  it('reads an envelope time with an offset (RFC 3339)', async () => {
    const receipt = renamed(landDossierEvents(), 'WEDGE-OFFSET')[0] as EventBridgeEnvelope;
    const [delivery] = await runtime.deliver({ ...receipt, time: '2022-04-08T15:10:00+07:00' });
    expect(delivery?.ok).toBe(true);
  });

  it('dead-letters an unknown detail-type with its reason instead of dropping it', async () => {
    const receipt = renamed(landDossierEvents(), 'WEDGE-TYPE')[0] as EventBridgeEnvelope;
    const deliveries = await runtime.deliver({ ...receipt, 'detail-type': 'DossierTeleported' });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.ok).toBe(false);
    expect((await deadLetterFor('WEDGE-TYPE/evt-0001'))?.reason).toMatch(/detail-type: unknown event type/);
  });

  it('absorbs 60 concurrent events on one dossier', async () => {
    const receipt = renamed(landDossierEvents(), 'HOT-DOSSIER')[0] as EventBridgeEnvelope;
    expect((await runtime.deliver(receipt))[0]?.ok).toBe(true);
    const events = suspendResume('HOT-DOSSIER', 'hot', 60);
    const deliveries = (await Promise.all(events.map((e) => runtime.deliver(e)))).flat();
    expect(deliveries.filter((d) => !d.ok).map((d) => String(d.error))).toEqual([]);
    const history = await runtime.store.listEvents('HOT-DOSSIER');
    expect(history).toHaveLength(61);
  });
});

describe('contention on one dossier (issue #32)', () => {
  it('applies 500 simultaneous events on one dossier, none dead-lettered, each folded once', async () => {
    // The store on a thread of its own, as `npm start` runs it: the writers truly race.
    const runtime = await startLocalRuntime({
      clock: { now: () => Date.parse('2022-04-08T16:00:00+07:00') },
      dynamoThread: true,
    });
    try {
      await hotDossier(runtime);
    } finally {
      await runtime.close();
    }
  }, 120_000);
});

describe('a delivery that lost the race (issue #32)', () => {
  it('stops once another delivery stored a fold that holds its event, within four attempts at 200 writers', async () => {
    const runtime = await startLocalRuntime({
      clock: { now: () => Date.parse('2022-04-08T16:00:00+07:00') },
      dynamoThread: true,
    });
    try {
      const deps = { ...ingestDeps(runtime.platform), maxAttempts: 4 };
      const [receipt] = renamed(landDossierEvents(), 'RACED-DOSSIER');
      await ingestDossierEvent(deps, parseDossierEvent(receipt));
      const base = Date.parse('2022-04-11T08:00:00+07:00');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          ingestDossierEvent(
            deps,
            parseDossierEvent({
              'detail-type': i % 2 === 0 ? 'DossierSuspended' : 'DossierResumed',
              detail: {
                schemaVersion: 1,
                dossierId: 'RACED-DOSSIER',
                eventId: `raced-${i}`,
                occurredAt: new Date(base + i * 60_000).toISOString(),
                ...(i % 2 === 0 ? { reason: 'site_visit' } : {}),
              },
            }),
          ),
        ),
      );
      // Before, a delivery folded again whenever newer events had arrived, and lost again: most gave up.
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
      const { record } = await runtime.store.load('RACED-DOSSIER');
      expect(record?.folded?.count).toBe(201);
    } finally {
      await runtime.close();
    }
  }, 120_000);
});

async function hotDossier(runtime: LocalRuntime) {
  {
    const receipt = renamed(landDossierEvents(), 'HOTTER-DOSSIER')[0] as EventBridgeEnvelope;
    expect((await runtime.deliver(receipt))[0]?.ok).toBe(true);
    const events = suspendResume('HOTTER-DOSSIER', 'hotter', 500);
    const deliveries = (await Promise.all(events.map((e) => runtime.deliver(e)))).flat();
    expect(deliveries.filter((d) => !d.ok).map((d) => String(d.error))).toEqual([]);
    const { record } = await runtime.store.load('HOTTER-DOSSIER');
    expect(record?.folded?.count).toBe(501);
    // The last of the 500 (a resume) leaves the dossier open, as the same events in order would.
    expect(record?.state.status).toBe('open');
    expect((await runtime.deadLetters.list()).filter((d) => d.dossierId === 'HOTTER-DOSSIER')).toEqual([]);
  }
}

describe('dunghan replay never aborts on one line', () => {
  it('dead-letters a 2 MB line, ingests the valid line after it, and exits non-zero', async () => {
    const dataDir = join(tmpdir(), `dunghan-replay-${process.pid}-${Date.now()}`);
    const [receipt, handover] = renamed(landDossierEvents(), 'REPLAY-BIG');
    const huge = withDetail(receipt as EventBridgeEnvelope, { eventId: 'huge', note: 'x'.repeat(2_000_000) });
    const file = join(dataDir, 'events.jsonl');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, [JSON.stringify(huge), JSON.stringify(receipt), JSON.stringify(handover)].join('\n'));
    const result = await dunghan('replay', file, '--data-dir', dataDir);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Record<string, number>;
    expect(summary).toMatchObject({ ingested: 2, deadLettered: 1 });
    const letters = await dunghan('dead-letters', '--data-dir', dataDir);
    expect(letters.stdout).toMatch(/line 1: .*256 KB/);
  });

  it('dead-letters an event dated far past its envelope, and the lines after it keep their own time (issue #32)', async () => {
    const dataDir = join(tmpdir(), `dunghan-replay-ahead-${process.pid}-${Date.now()}`);
    const [receipt] = renamed(landDossierEvents(), 'REPLAY-2099');
    const [later] = renamed(landDossierEvents(), 'REPLAY-AFTER');
    // Contract-valid, but written 2099 for 2022: the envelope says it was sent in 2022.
    const typo = withDetail(receipt as EventBridgeEnvelope, { occurredAt: '2099-04-08T15:10:00+07:00' });
    const file = join(dataDir, 'events.jsonl');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, [JSON.stringify(typo), JSON.stringify(later)].join('\n'));
    const result = await dunghan('replay', file, '--data-dir', dataDir);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ingested: 1, deadLettered: 1 });
    const letters = await dunghan('dead-letters', '--data-dir', dataDir);
    expect(letters.stdout).toMatch(
      /line 1: detail\.occurredAt \(2099-04-08T08:10:00\.000Z\) is more than a day after the envelope/,
    );
    // The dossier after it was stored on its own day, not in 2099.
    const store = await startLocalRuntime({ dataDir: join(dataDir, 'dynamodb'), seed: 'never' });
    try {
      const [logged] = await store.store.listEvents('REPLAY-AFTER');
      expect(logged?.storedAt.slice(0, 4)).toBe('2022');
    } finally {
      await store.close();
    }
  });
});

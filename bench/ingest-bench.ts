import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { CachedDossierStore } from '../shared/adapters/cached-dossier-store.ts';
import { ensureTable } from '../shared/adapters/dynamo-table.ts';
import { type DossierEvent, parseDossierEvent } from '../shared/contracts/dossier-events.ts';
import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import { computeDueDate } from '../shared/domain/due-date/compute-due-date.ts';
import { systemClock } from '../shared/ports/clock.ts';
import type { EventPublisher } from '../shared/ports/event-publisher.ts';
import { type IngestDeps, ingestDossierEvent } from '../shared/use-cases/ingest-dossier-event.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';

export interface IngestBenchResult {
  events: number;
  rounds: number;
  useCasePerSecond: number;
  rawPerSecond: number;
  ratio: number;
  callsPerEvent: number;
}

/**
 * Two events per dossier (received, then resolved), shaped like the example stream; the appointment is
 * the legal due date, except for one dossier in twenty that gets none (a violation, published).
 */
function events(dossiers: number, prefix: string): DossierEvent[] {
  const calendar = defaultCalendar();
  const out = [];
  for (let i = 0; i < dossiers; i += 1) {
    const id = `${prefix}.65-240310-${String(i).padStart(5, '0')}`;
    const day = 4 + (i % 20);
    const receivedAt = `2024-03-${String(day).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:00+07:00`;
    const due = computeDueDate(calendar, {
      receivedAt: Date.parse(receivedAt),
      rule: { duration: { amount: 10, unit: 'working_days' } },
    });
    out.push({
      'detail-type': 'DossierReceived',
      detail: {
        schemaVersion: 1,
        dossierId: id,
        eventId: `${id}/r`,
        occurredAt: receivedAt,
        procedure: { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' },
        agency: { id: 'H21.65', name: 'UBND huyện Krông Pa' },
        receivedAt,
        channel: i % 3 === 0 ? 'online' : 'in_person',
        applicant: { kind: 'person', name: 'Người nộp', idNumber: '064190001234' },
        official: { id: 'cb-1', name: 'Cán bộ', email: 'cb@example.vn' },
        ...(i % 20 === 0 ? {} : { appointmentAt: calendar.formatInstant(due.dueAt) }),
      },
    });
    out.push({
      'detail-type': 'DossierResolved',
      detail: {
        schemaVersion: 1,
        dossierId: id,
        eventId: `${id}/z`,
        occurredAt: '2024-04-05T10:00:00+07:00',
        outcome: 'approved',
      },
    });
  }
  return out.map(parseDossierEvent);
}

async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await run(item);
      }
    }),
  );
}

/**
 * Ingest throughput: N events through the use case and the DynamoDB adapter against dynalite, then, in
 * the same run, raw PutItem of exactly the items the adapter wrote (each record version and audit item),
 * with the same concurrency. Rounds alternate the two; the first warms up and the median of the others
 * is reported.
 * Both rates are in events per second.
 */
export async function benchIngest(dossiers = 1_500, width = 8, rounds = 4): Promise<IngestBenchResult> {
  const runtime = await startLocalRuntime();
  try {
    const publisher: EventPublisher = { publish: async (list) => list.map((e) => e.detail.eventId) };
    const deps: IngestDeps = {
      store: new CachedDossierStore(runtime.store),
      rules: new RuleBook(runtime.config, systemClock),
      publisher,
      clock: systemClock,
    };
    await deps.rules.current();
    const writes: Record<string, unknown>[] = [];
    let calls = 0;
    runtime.clients.documents.middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        const input = args.input as { TableName?: string; Item?: Record<string, unknown> };
        if (input.Item && input.TableName === runtime.tableName) writes.push(input.Item);
        return next(args);
      },
      { step: 'initialize', name: 'benchRecorder' },
    );
    const results: IngestBenchResult[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      writes.length = 0;
      calls = 0;
      const stream = events(dossiers, `H${20 + round}`);
      const byDossier = new Map<string, DossierEvent[]>();
      for (const e of stream) byDossier.set(e.detail.dossierId, [...(byDossier.get(e.detail.dossierId) ?? []), e]);
      const start = performance.now();
      await inParallel([...byDossier.values()], width, async (list) => {
        for (const e of list) await ingestDossierEvent(deps, e);
      });
      const useCaseSeconds = (performance.now() - start) / 1000;
      const callsPerEvent = calls / stream.length;
      const items = writes.slice();
      const table = `raw-${round}`;
      await ensureTable(runtime.clients.dynamo, table);
      const rawStart = performance.now();
      await inParallel(items, width, (item) =>
        runtime.clients.documents.send(new PutCommand({ TableName: table, Item: item })),
      );
      const rawSeconds = (performance.now() - rawStart) / 1000;
      const useCasePerSecond = stream.length / useCaseSeconds;
      const rawPerSecond = stream.length / rawSeconds;
      if (round > 1) {
        results.push({
          events: stream.length,
          rounds,
          useCasePerSecond,
          rawPerSecond,
          ratio: useCasePerSecond / rawPerSecond,
          callsPerEvent,
        });
      }
    }
    results.sort((x, y) => x.ratio - y.ratio);
    const median = results[Math.floor(results.length / 2)];
    if (!median) throw new Error('benchIngest needs at least two rounds');
    return median;
  } finally {
    await runtime.close();
  }
}

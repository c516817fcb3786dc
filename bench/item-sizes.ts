/**
 * Item sizes and request counts for the cost model (docs/cost.md): runs the sample pipeline of
 * `npm start` (a quarter-year of a district at the seed report's volumes), then reads every item back
 * and sizes it with DynamoDB's rule (attribute names + values, UTF-8), and counts what a dossier costs.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { headlessSimulation, simulate } from '../local/simulate.ts';
import { dynamoItemBytes, toRecord } from '../shared/adapters/dynamo-items.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { verifyDossiers } from '../shared/use-cases/verify-dossiers.ts';
import { CapacityMeter, tableIndexes } from './capacity-meter.ts';

export interface ItemSizeResult {
  dossiers: number;
  events: number;
  emails: number;
  detectorRuns: number;
  /** Mean sizes in bytes. */
  metaBytes: number;
  eventItemBytes: number;
  eventsPerDossier: number;
  /** Detector stage moves per dossier (each: a lease write and a mark-sent write of META). */
  stageMovesPerDossier: number;
  emailsPerDossier: number;
  /** DynamoDB capacity measured on every call of the run, as AWS would bill it (bench/capacity-meter.ts). */
  writeUnitsPerDossier: number;
  readUnitsPerDossier: number;
  /** The detector's bookkeeping (watermarks, quarantine) per run: fixed, whatever the dossiers. */
  bookkeepingWriteUnitsPerRun: number;
  /** Write units per dossier by what was written: the table, each index. */
  writesBy: Record<string, number>;
  /** Tamper evidence (ADR 0021): audit entries per dossier and their mean size. */
  auditEntriesPerDossier: number;
  auditItemBytes: number;
  /** `dunghan verify` over the run's days: dossiers verified, read units per dossier, dossiers per second. */
  verify: { dossiers: number; failed: number; readUnitsPerDossier: number; dossiersPerSecond: number; days: number };
}

/** DynamoDB item size: attribute names plus values, as the adapter checks it (one home for the rule). */
export const itemBytes = dynamoItemBytes;

export async function benchItemSizes(): Promise<ItemSizeResult> {
  const meter = new CapacityMeter(tableIndexes());
  const { result, runtime } = await simulate(
    headlessSimulation({
      onRuntime: (started) => meter.attach(started.clients.documents, started.tableName),
      seed: 2022,
      days: 90,
      start: '2022-01-01',
    }),
  );

  // What the run itself consumed; the Scan below only sizes the items and is not counted.
  const { writeUnits, readUnits, bookkeepingWriteUnits, writesBy } = { ...meter, writesBy: new Map(meter.writesBy) };
  if (process.env.DUNGHAN_BENCH_DEBUG) console.error(Object.fromEntries(meter.failedConditions));
  try {
    // `dunghan verify` over the simulated days, metered: its read units per dossier verified.
    const readBefore = meter.readUnits;
    const started = performance.now();
    const verified = await verifyDossiers(
      {
        trail: runtime.platform.table.audit,
        anchors: runtime.anchors,
        store: runtime.store,
        rules: new RuleBook(runtime.config, runtime.platform.clock),
      },
      { from: '2022-01-01', to: '2022-03-31' },
    );
    const verifySeconds = (performance.now() - started) / 1000;
    const verifyReads = meter.readUnits - readBefore;
    const meta: number[] = [];
    let stageMoves = 0;
    const events: number[] = [];
    const audit: number[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await runtime.clients.documents.send(
        new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        const size = Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + itemBytes(v), 0);
        if (item.entity === 'dossier') {
          meta.push(size);
          stageMoves += toRecord(item).stagesReached.length;
        }
        if (item.entity === 'event') events.push(size);
        if (item.entity === 'audit') audit.push(size);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      dossiers: meta.length,
      events: events.length,
      emails: result.emails,
      detectorRuns: result.detectorRuns,
      metaBytes: mean(meta),
      eventItemBytes: mean(events),
      eventsPerDossier: events.length / Math.max(1, meta.length),
      stageMovesPerDossier: stageMoves / Math.max(1, meta.length),
      emailsPerDossier: result.emails / Math.max(1, meta.length),
      writeUnitsPerDossier: writeUnits / Math.max(1, meta.length),
      readUnitsPerDossier: readUnits / Math.max(1, meta.length),
      bookkeepingWriteUnitsPerRun: bookkeepingWriteUnits / Math.max(1, result.detectorRuns),
      auditEntriesPerDossier: audit.length / Math.max(1, meta.length),
      auditItemBytes: mean(audit),
      verify: {
        dossiers: verified.verified,
        failed: verified.failed.length,
        readUnitsPerDossier: verifyReads / Math.max(1, verified.verified),
        dossiersPerSecond: verified.verified / Math.max(0.001, verifySeconds),
        days: verified.days.filter((d) => d.anchored).length,
      },
      writesBy: Object.fromEntries(
        [...writesBy].map(([what, units]) => [what, Math.round((100 * units) / Math.max(1, meta.length)) / 100]),
      ),
    };
  } finally {
    await runtime.close();
  }
}

/** Published on-demand prices, ap-southeast-1 (USD), as of 2025; check the current price list. */
export const PRICES = {
  dynamoWriteUnitsPerMillion: 0.7125,
  dynamoReadUnitsPerMillion: 0.1425,
  dynamoStorageGbMonth: 0.285,
  lambdaRequestsPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  eventBridgeEventsPerMillion: 1.0,
  sesPerThousand: 0.1,
  schedulerInvocationsPerMillion: 1.0,
};

export interface CostPerMillion {
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  busEvents: number;
  emails: number;
  storageGb: number;
  usd: {
    dynamoRequests: number;
    lambda: number;
    eventBridge: number;
    ses: number;
    storageMonth: number;
    total: number;
  };
}

/**
 * Cost of one million dossiers from what the run measured: DynamoDB capacity from the meter (every call,
 * as AWS bills it), requests and emails per dossier, storage from the item sizes; Lambda at 512 MB for
 * the stated durations.
 */
export function costPerMillion(m: ItemSizeResult, lambdaMs = { ingest: 40, detectorPerDossier: 60 }): CostPerMillion {
  const million = 1_000_000;
  const perDossierWrites = m.writeUnitsPerDossier;
  const perDossierReads = m.readUnitsPerDossier;
  const writeUnits = perDossierWrites * million;
  const readUnits = perDossierReads * million;
  const lambdaInvocations = m.eventsPerDossier * million;
  const gbSeconds =
    0.5 *
    ((m.eventsPerDossier * lambdaMs.ingest + m.stageMovesPerDossier * lambdaMs.detectorPerDossier) / 1000) *
    million;
  const busEvents = (m.eventsPerDossier + m.stageMovesPerDossier) * million;
  const emails = m.emailsPerDossier * million;
  const storageGb =
    ((m.metaBytes + m.eventsPerDossier * m.eventItemBytes + m.auditEntriesPerDossier * m.auditItemBytes) * million) /
    1024 ** 3;
  const dynamoRequests =
    (writeUnits / million) * PRICES.dynamoWriteUnitsPerMillion +
    (readUnits / million) * PRICES.dynamoReadUnitsPerMillion;
  const lambda = (lambdaInvocations / million) * PRICES.lambdaRequestsPerMillion + gbSeconds * PRICES.lambdaArmGbSecond;
  const eventBridge = (busEvents / million) * PRICES.eventBridgeEventsPerMillion;
  const ses = (emails / 1000) * PRICES.sesPerThousand;
  const storageMonth = storageGb * PRICES.dynamoStorageGbMonth;
  return {
    writeUnits,
    readUnits,
    lambdaInvocations,
    busEvents,
    emails,
    storageGb,
    usd: {
      dynamoRequests,
      lambda,
      eventBridge,
      ses,
      storageMonth,
      total: dynamoRequests + lambda + eventBridge + ses + storageMonth,
    },
  };
}

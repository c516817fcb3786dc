import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { dossierItem, eventItem, nextActionKeys } from '../shared/adapters/dynamo-items.ts';
import { parseDossierEvent } from '../shared/contracts/dossier-events.ts';
import { type DossierRecord, nextRecord } from '../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../shared/domain/dossier/dossier-state.ts';
import { resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import { bulkPut } from './bulk-load.ts';

export interface DetectorBenchResult {
  dossiers: number;
  needingAction: number;
  detectorItemsRead: number;
  detectorRatio: number;
  scanItemsRead: number;
  scanRatio: number;
  detectorSeconds: number;
  scanSeconds: number;
  emailsSent: number;
  configurationReads: number;
  /** Key entries of the next-action index read (keys only: the records are read from the table). */
  indexEntriesRead: number;
  /** Report rows read (the weekly QĐ 766 section, on the first run of an ISO week). */
  reportRowsRead: number;
  movedPerSecond: number;
}

/**
 * Detector read efficiency: `dossiers` open dossiers of which `share` need action now. Counts every item
 * DynamoDB returns to the detector during one run (index items and any re-reads), and, in the same run, to a
 * Scan-based baseline that finds the same dossiers by filtering the whole table.
 */
export async function benchDetector(dossiers = 100_000, share = 0.01): Promise<DetectorBenchResult> {
  let now = Date.parse('2024-03-04T09:00:00+07:00');
  const runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 3_600_000 });
  try {
    const book = await (await import('../shared/use-cases/rule-book.ts')).RuleBook.prototype.current.call(
      new (await import('../shared/use-cases/rule-book.ts')).RuleBook(runtime.config, { now: () => now }),
    );
    const event = (id: string, n: number) =>
      parseDossierEvent({
        'detail-type': 'DossierReceived',
        detail: {
          schemaVersion: 1,
          dossierId: id,
          eventId: `${id}/r`,
          occurredAt: '2024-03-04T09:00:00+07:00',
          procedure: { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' },
          agency: { id: 'H21.65', name: 'UBND huyện Krông Pa', parentName: 'UBND tỉnh Gia Lai', place: 'Krông Pa' },
          receivedAt: '2024-03-04T09:00:00+07:00',
          channel: 'in_person',
          applicant: { kind: 'person', name: `Người nộp ${n}` },
          official: { id: `cb-${n % 50}`, name: `Cán bộ ${n % 50}`, email: `cb${n % 50}@example.vn` },
          appointmentAt: '2024-03-18T17:00:00+07:00',
        },
      });
    const calendar = book.calendar('vn-civil-service');
    const needing = Math.round(dossiers * share);
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < dossiers; i += 1) {
      const id = `H21.65-240304-${String(i).padStart(6, '0')}`;
      const e = event(id, i);
      const state = foldDossier(id, [e], { calendar: book.calendar, resolveRule: (q) => resolveRule(book.rules, q) });
      const record: DossierRecord = { ...nextRecord(undefined, state, calendar), version: 1 };
      // The first `needing` are due soon now; the others' next action is weeks ahead.
      const nextActionAt =
        i < needing ? (record.nextActionAt ?? '') : `2024-04-${String(1 + (i % 28)).padStart(2, '0')}T17:00:00+07:00`;
      const stored = { ...record, nextActionAt };
      items.push(
        eventItem(e, '2024-03-04T00:00:00Z'),
        dossierItem(stored, nextActionKeys(id, nextActionAt, '2024-03-04')),
      );
    }
    await bulkPut(runtime.clients.documents, runtime.tableName, items);
    const { due } = runtime.platform.table;
    for (const shard of due.shards) await due.setWatermark(shard, '2024-03-14');
    now = Date.parse('2024-03-15T10:00:00+07:00');
    // Count every item DynamoDB hands back from here on.
    let returned = 0;
    let otherReads = 0;
    let indexEntries = 0;
    // The heads' weekly QĐ 766 section (issue #19) reads the quarter's report rows on a week's first run.
    let reportRows = 0;
    runtime.clients.documents.middlewareStack.add(
      (nextHandler) => async (args) => {
        const result = await nextHandler(args);
        const output = result.output as {
          Items?: { pk?: string; entity?: string; report?: unknown }[];
          Item?: { pk?: string; entity?: string; report?: unknown };
          Responses?: Record<string, { pk?: string; entity?: string; report?: unknown }[]>;
        };
        // Dossier records only: the index's key entries (a few dozen bytes each) are counted apart, and so
        // are the rule book (cached for an hour in a warm container) and the watermarks.
        const items = [
          ...(output.Items ?? []),
          ...(output.Item ? [output.Item] : []),
          ...Object.values(output.Responses ?? {}).flat(),
        ];
        for (const item of items) {
          if (String(item.pk).startsWith('DOSSIER#') && item.entity === 'dossier') returned += 1;
          else if (item.report !== undefined) reportRows += 1;
          else if (String(item.pk).startsWith('DOSSIER#')) indexEntries += 1;
          else otherReads += 1;
        }
        return result;
      },
      { step: 'initialize', name: 'benchItemCounter' },
    );
    let scanned = 0;
    let found = 0;
    let start = performance.now();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await runtime.clients.documents.send(
        new ScanCommand({
          TableName: runtime.tableName,
          // The next action's instant leads the index sort key (UTC ISO, then `#<id>`): everything up to now.
          FilterExpression: 'entity = :d AND gsi1sk <= :now',
          ExpressionAttributeValues: {
            ':d': 'dossier',
            ':now': `${new Date('2024-03-15T10:00:00+07:00').toISOString()}~`,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      scanned += page.ScannedCount ?? 0;
      found += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const scanSeconds = (performance.now() - start) / 1000;
    if (found < needing) throw new Error(`the scan found ${found}, expected at least ${needing}`);
    returned = 0;
    otherReads = 0;
    indexEntries = 0;
    start = performance.now();
    const report = await runtime.detect();
    const detectorSeconds = (performance.now() - start) / 1000;
    const detectorItemsRead = returned;
    const configurationReads = otherReads;
    if ((report.moved.DUE_SOON ?? 0) !== needing)
      throw new Error(`expected ${needing} dossiers to move, got ${JSON.stringify(report.moved)}`);

    return {
      dossiers,
      needingAction: needing,
      detectorItemsRead,
      detectorRatio: detectorItemsRead / needing,
      scanItemsRead: scanned,
      scanRatio: scanned / needing,
      detectorSeconds,
      scanSeconds,
      emailsSent: report.emailsSent,
      configurationReads,
      indexEntriesRead: indexEntries,
      reportRowsRead: reportRows,
      movedPerSecond: needing / detectorSeconds,
    };
  } finally {
    await runtime.close();
  }
}

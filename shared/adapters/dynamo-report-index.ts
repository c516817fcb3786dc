import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReportRow } from '../domain/reports/report-row.ts';
import type { NotClosedDossier, OpenDossierIndex } from '../ports/open-dossier-index.ts';
import type { ReportIndex } from '../ports/report-index.ts';
import { closingMonths, localDay, REPORT, SHARD_IDS, unpack } from './dynamo-items.ts';
import { queryAll } from './dynamo-query.ts';

/**
 * The report index (`report-by-close`): one deflated report row per received dossier, closed ones by
 * closing month, the others by shard (`LIVE#<shard>`). Reports read the rows alive in a period;
 * administrators' previews read the live partitions (ADR 0010, 0013).
 */
export class DynamoReportIndex implements ReportIndex, OpenDossierIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The report rows of the dossiers alive in [start, end): the not-closed shards and the closing months
   * from start's to now's, each read only up to the end's receipt instant (the index's sort key).
   */
  async *reportRows(start: number, end: number, now: number): AsyncIterable<ReportRow> {
    const partitions = [
      ...SHARD_IDS.map((shard) => `LIVE#${shard}`),
      ...closingMonths(start, now).map((month) => `CLOSED#${month}`),
    ];
    const before = new Date(end).toISOString();
    for (const partition of partitions) {
      for await (const item of queryAll(this.client, this.tableName, {
        IndexName: REPORT.indexName,
        KeyConditionExpression: '#p = :p AND #s < :before',
        ExpressionAttributeNames: { '#p': REPORT.partitionKey, '#s': REPORT.sortKey },
        ExpressionAttributeValues: { ':p': partition, ':before': before },
      })) {
        yield unpack(item.report) as ReportRow;
      }
    }
  }

  /**
   * The dossiers not closed yet that `keep` accepts, from the report index's `LIVE` partitions (all
   * shards, in parallel): the row carries what a configuration change needs (ADR 0013).
   */
  async findNotClosed(keep: (dossier: NotClosedDossier) => boolean): Promise<NotClosedDossier[]> {
    const pages = await Promise.all(
      SHARD_IDS.map(async (shard) => {
        const out: NotClosedDossier[] = [];
        for await (const item of queryAll(this.client, this.tableName, {
          IndexName: REPORT.indexName,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': REPORT.partitionKey },
          ExpressionAttributeValues: { ':p': `LIVE#${shard}` },
        })) {
          const row = unpack(item.report) as ReportRow;
          if (!row.live) continue;
          const dossier: NotClosedDossier = {
            dossierId: row.id,
            status: row.status,
            calendarId: row.live.calendarId,
            procedureCode: row.procedureCode,
            field: row.field,
            receiptDate: localDay(Date.parse(row.receivedAt)),
            clockDay: localDay(Date.parse(row.live.clockStartedAt)),
            ...(row.dueAt ? { dueDay: row.dueAt.slice(0, 10) } : {}),
            unitIds: [...new Set([row.unitId, ...row.steps.map((s) => s.unitId)])],
            ...(row.live.apologyDraftedAt ? { apologyDraftedAt: row.live.apologyDraftedAt } : {}),
          };
          if (keep(dossier)) out.push(dossier);
        }
        return out;
      }),
    );
    return pages.flat().sort((a, b) => (a.dossierId < b.dossierId ? -1 : a.dossierId > b.dossierId ? 1 : 0));
  }
}

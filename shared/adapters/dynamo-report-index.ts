import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportRow } from '../domain/reports/report-row.ts';
import type { NotClosedDossier, OpenDossierIndex } from '../ports/open-dossier-index.ts';
import type { QueueIndex, QueuePage } from '../ports/queue-index.ts';
import type { ReportIndex } from '../ports/report-index.ts';
import { InvalidInputError } from '../support/errors.ts';
import { mapLimit } from '../support/map-limit.ts';
import {
  closingMonths,
  LEGACY_LIVE_PARTITIONS,
  LIVE_UNITS,
  livePartition,
  localDay,
  PK,
  REPORT,
  SK,
  unpack,
} from './dynamo-items.ts';
import { queryAll } from './dynamo-query.ts';

/** A cursor that is not one this index gave for this unit's queue. */
export class InvalidCursorError extends InvalidInputError {
  override name = 'InvalidCursorError';
}

/** Partitions read at once: a province's few hundred units in a handful of rounds. */
const PARTITIONS_AT_ONCE = 16;

/**
 * The report index (`report-by-close`): one deflated report row per received dossier, closed ones by
 * closing month, the others by the unit holding them in its queue's order (`LIVE#<unit>`, ADR 0027).
 * Reports read the rows alive in a period; administrators' previews read the live partitions; a desk's
 * queue reads its own partition in order (ADR 0010, 0013, 0027).
 */
export class DynamoReportIndex implements ReportIndex, OpenDossierIndex, QueueIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Every partition that may hold a row not closed: the units registered as holding one (known to the
   * directory or not), and the shards rows were kept by before ADR 0027 until they are rewritten.
   */
  private async livePartitions(): Promise<string[]> {
    const units: string[] = [];
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': LIVE_UNITS },
    }))
      units.push(String(item[SK]));
    return [...units.map(livePartition), ...LEGACY_LIVE_PARTITIONS];
  }

  private rowsOf(partition: string, before?: string): AsyncGenerator<Record<string, unknown>> {
    return queryAll(this.client, this.tableName, {
      IndexName: REPORT.indexName,
      KeyConditionExpression: before ? '#p = :p AND #s < :before' : '#p = :p',
      ExpressionAttributeNames: before
        ? { '#p': REPORT.partitionKey, '#s': REPORT.sortKey }
        : { '#p': REPORT.partitionKey },
      ExpressionAttributeValues: before ? { ':p': partition, ':before': before } : { ':p': partition },
    });
  }

  /**
   * The report rows of the dossiers alive in [start, end): the rows not closed received before the end,
   * and the closing months from start's to now's, each read only up to the end's receipt instant.
   */
  async *reportRows(start: number, end: number, now: number): AsyncIterable<ReportRow> {
    const before = new Date(end).toISOString();
    for (const partition of await this.livePartitions()) {
      for await (const item of this.rowsOf(partition)) {
        const row = unpack(item.report) as ReportRow;
        if (Date.parse(row.receivedAt) < end) yield row;
      }
    }
    for (const month of closingMonths(start, now)) {
      for await (const item of this.rowsOf(`CLOSED#${month}`, before)) yield unpack(item.report) as ReportRow;
    }
  }

  /**
   * The dossiers not closed yet that `keep` accepts, from the report index's `LIVE` partitions (several
   * at once): the row carries what a configuration change needs (ADR 0013).
   */
  async findNotClosed(keep: (dossier: NotClosedDossier) => boolean): Promise<NotClosedDossier[]> {
    const pages = await mapLimit(await this.livePartitions(), PARTITIONS_AT_ONCE, async (partition) => {
      const out: NotClosedDossier[] = [];
      for await (const item of this.rowsOf(partition)) {
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
    });
    return pages.flat().sort((a, b) => (a.dossierId < b.dossierId ? -1 : a.dossierId > b.dossierId ? 1 : 0));
  }

  /** The Query of a range of a unit's queue (the rows whose order lies in [from, to)). */
  private queueRange(unitId: string, range: { from: string; to: string }) {
    return {
      TableName: this.tableName,
      IndexName: REPORT.indexName,
      KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#p': REPORT.partitionKey, '#s': REPORT.sortKey },
      // BETWEEN includes its upper bound; every order is followed by `#<id>`, so `to` itself never matches.
      ExpressionAttributeValues: { ':p': livePartition(unitId), ':from': range.from, ':to': range.to },
    };
  }

  /** A page of a unit's queue: one Query of its partition in order, from the cursor. */
  async queuePage(
    unitId: string,
    range: { from: string; to: string },
    options: { limit: number; after?: string | undefined },
  ): Promise<QueuePage> {
    const partition = livePartition(unitId);
    const page = await this.client.send(
      new QueryCommand({
        ...this.queueRange(unitId, range),
        Limit: options.limit,
        ...(options.after ? { ExclusiveStartKey: readCursor(options.after, partition) } : {}),
      }),
    );
    return {
      rows: (page.Items ?? []).map((item) => unpack(item.report) as ReportRow),
      ...(page.LastEvaluatedKey ? { next: writeCursor(page.LastEvaluatedKey) } : {}),
    };
  }

  async countQueue(unitId: string, range: { from: string; to: string }): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...this.queueRange(unitId, range),
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }
}

/** The next page's start, as the page's address carries it (base64url of the key DynamoDB returned). */
function writeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify([key[PK], key[SK], key[REPORT.partitionKey], key[REPORT.sortKey]])).toString(
    'base64url',
  );
}

/** A cursor read back: four strings, of this unit's partition; anything else is refused by name. */
function readCursor(cursor: string, partition: string): Record<string, string> {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor.slice(0, 2000), 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 4 ||
    !parts.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 400) ||
    parts[2] !== partition
  )
    throw new InvalidCursorError('after: not a page of this queue', 'after');
  const [pk, sk, gpk, gsk] = parts as string[];
  return {
    [PK]: pk as string,
    [SK]: sk as string,
    [REPORT.partitionKey]: gpk as string,
    [REPORT.sortKey]: gsk as string,
  };
}

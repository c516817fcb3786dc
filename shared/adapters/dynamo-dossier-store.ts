import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_DESIGN } from '../config/table-design.ts';
import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { OutboundEvent } from '../contracts/outbound-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type ReportRow, reportRowOf } from '../domain/reports/report-row.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { DetectorStore, DueDossier } from '../ports/detector-store.ts';
import { type DossierStore, type LoadedDossier, VersionConflictError } from '../ports/dossier-store.ts';
import type { NotClosedDossier, OpenDossierIndex } from '../ports/open-dossier-index.ts';
import type { ReportIndex } from '../ports/report-index.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;
const GSI = TABLE_DESIGN.openByNextAction;
const NOT_CLOSED = TABLE_DESIGN.notClosed;
const REPORT = TABLE_DESIGN.reportByClose;
const CLOSED = new Set(['resolved', 'withdrawn', 'refused']);
/** Shards per day bucket of the open-dossier index, so one busy day never makes a hot partition. */
export const NEXT_ACTION_SHARDS = 16;
/** The shard suffixes, `00` … `15`. */
const SHARD_IDS = Array.from({ length: NEXT_ACTION_SHARDS }, (_, i) => String(i).padStart(2, '0'));

export function dossierKey(dossierId: string): string {
  return `DOSSIER#${dossierId}`;
}

/** Shard of a dossier in the open-dossier index (FNV-1a of its id). */
export function shardOf(dossierId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < dossierId.length; i += 1) {
    hash ^= dossierId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash % NEXT_ACTION_SHARDS).padStart(2, '0');
}

/**
 * Index keys of an open dossier: day bucket (local date of the next action, never before `today`, so a
 * past-due action lands where the detector still reads) + shard, then the instant.
 */
export function nextActionKeys(
  dossierId: string,
  nextActionAt: string,
  today: string,
): { gsi1pk: string; gsi1sk: string } {
  const day = nextActionAt.slice(0, 10) < today ? today : nextActionAt.slice(0, 10);
  return {
    gsi1pk: `DUE#${day}#${shardOf(dossierId)}`,
    gsi1sk: `${new Date(nextActionAt).toISOString()}#${dossierId}`,
  };
}

/** The local (Asia/Ho_Chi_Minh) date of an instant. */
export function localDay(epochMs: number): string {
  return new Date(epochMs + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * DynamoDB single-table store: `DOSSIER#<id>` / `META` holds the record (state as JSON, the events it
 * was folded from, the fields the index and reports need as attributes, the outbox as a map);
 * `DOSSIER#<id>` / `EVENT#<at>#<eventId>` is the audit trail. Only open, running dossiers carry the
 * sparse index keys. One conditional write per state change; no transactions.
 */
export class DynamoDossierStore implements DossierStore, DetectorStore, OpenDossierIndex, ReportIndex {
  private reads = 0;
  private lowMark: string | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  get itemsRead(): number {
    return this.reads;
  }

  async queryDue(day: string, shard: string, upTo: string): Promise<DueDossier[]> {
    const out: DueDossier[] = [];
    for await (const item of this.query({
      IndexName: GSI.indexName,
      KeyConditionExpression: '#b = :b AND #s <= :upTo',
      ExpressionAttributeNames: { '#b': GSI.partitionKey, '#s': GSI.sortKey },
      ExpressionAttributeValues: { ':b': `DUE#${day}#${shard}`, ':upTo': `${new Date(upTo).toISOString()}#\uffff` },
    })) {
      this.reads += 1;
      out.push({
        record: toRecord(item),
        events: JSON.parse((item.events as string | undefined) ?? '[]') as DossierEvent[],
      });
    }
    return out;
  }

  /** Every item a query returns, page after page. */
  private async *query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

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
      for await (const item of this.query({
        IndexName: REPORT.indexName,
        KeyConditionExpression: '#p = :p AND #s < :before',
        ExpressionAttributeNames: { '#p': REPORT.partitionKey, '#s': REPORT.sortKey },
        ExpressionAttributeValues: { ':p': partition, ':before': before },
      })) {
        this.reads += 1;
        yield JSON.parse(item.report as string) as ReportRow;
      }
    }
  }

  /** The dossiers not closed yet that `keep` accepts, as the not-closed index summarises them (all shards). */
  async findNotClosed(keep: (dossier: NotClosedDossier) => boolean): Promise<NotClosedDossier[]> {
    const pages = await Promise.all(
      SHARD_IDS.map(async (shard) => {
        const out: NotClosedDossier[] = [];
        for await (const item of this.query({
          IndexName: NOT_CLOSED.indexName,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': NOT_CLOSED.partitionKey },
          ExpressionAttributeValues: { ':p': `OPEN#${shard}` },
        })) {
          const dossier: NotClosedDossier = {
            dossierId: item[NOT_CLOSED.sortKey] as string,
            status: item.status as string,
            calendarId: item.calendarId as string,
            procedureCode: item.procedureCode as string | undefined,
            field: (item.field as string | undefined) ?? '',
            receiptDate: item.receiptDate as string,
            clockDay: item.clockDay as string,
            dueDay: item.dueDay as string | undefined,
          };
          if (keep(dossier)) out.push(dossier);
        }
        return out;
      }),
    );
    return pages.flat().sort((a, b) => (a.dossierId < b.dossierId ? -1 : a.dossierId > b.dossierId ? 1 : 0));
  }

  async getWatermark(): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: 'DETECTOR', [SK]: 'WATERMARK' }, ConsistentRead: true }),
    );
    if (Item?.day) return Item.day as string;
    // No run yet: start from the earliest bucket ever written.
    const { Item: low } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: 'DETECTOR', [SK]: 'LOWMARK' }, ConsistentRead: true }),
    );
    return low?.day as string | undefined;
  }

  /** Records the earliest bucket written (once per container, and whenever an earlier one appears). */
  private async lowerLowMark(day: string): Promise<void> {
    if (this.lowMark !== undefined && this.lowMark <= day) return;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: 'DETECTOR', [SK]: 'LOWMARK', day },
          ConditionExpression: 'attribute_not_exists(#pk) OR #day > :day',
          ExpressionAttributeNames: { '#pk': PK, '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    this.lowMark = day;
  }

  async setWatermark(day: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: 'DETECTOR', [SK]: 'WATERMARK', day, at: new Date(this.clock.now()).toISOString() },
          ConditionExpression: 'attribute_not_exists(#pk) OR #day < :day',
          ExpressionAttributeNames: { '#pk': PK, '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async load(dossierId: string): Promise<LoadedDossier> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: dossierKey(dossierId), [SK]: 'META' },
        ConsistentRead: true,
      }),
    );
    if (!Item) return { record: undefined, events: [] };
    this.reads += 1;
    return {
      record: toRecord(Item),
      events: JSON.parse((Item.events as string | undefined) ?? '[]') as DossierEvent[],
    };
  }

  async listEvents(dossierId: string): Promise<{ event: DossierEvent; storedAt: string }[]> {
    const out: { event: DossierEvent; storedAt: string }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :event)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': dossierKey(dossierId), ':event': 'EVENT#' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({
          event: { type: item.type, detail: JSON.parse(item.detail as string) } as DossierEvent,
          storedAt: item.storedAt as string,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async appendEvent(event: DossierEvent, storedAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: dossierKey(event.detail.dossierId),
            [SK]: `EVENT#${new Date(event.detail.occurredAt).toISOString()}#${event.detail.eventId}`,
            entity: 'event',
            type: event.type,
            eventId: event.detail.eventId,
            occurredAt: event.detail.occurredAt,
            storedAt,
            detail: JSON.stringify(event.detail),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async saveRecord(
    record: DossierRecord,
    events: readonly DossierEvent[],
    expectedVersion: number,
  ): Promise<DossierRecord> {
    const saved: DossierRecord = { ...record, version: expectedVersion + 1 };
    const { state } = saved;
    const keys = saved.nextActionAt
      ? nextActionKeys(state.dossierId, saved.nextActionAt, localDay(this.clock.now()))
      : undefined;
    if (keys) await this.lowerLowMark(keys.gsi1pk.slice(4, 14));
    const item = dossierItem(saved, events, keys);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk)' : '#version = :expected',
          ExpressionAttributeNames: expectedVersion === 0 ? { '#pk': PK } : { '#version': 'version' },
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new VersionConflictError(`dossier ${state.dossierId} changed since version ${expectedVersion}`, {
          cause: error,
        });
      }
      throw error;
    }
    return saved;
  }

  async clearOutbox(dossierId: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    // Bumping the version makes any copy read before this change (another writer, a cache) stale, so it
    // cannot write a published entry back.
    const names: Record<string, string> = { '#outbox': 'outbox', '#version': 'version' };
    const removals = eventIds.map((id, i) => {
      names[`#e${i}`] = id;
      return `#outbox.#e${i}`;
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: dossierKey(dossierId), [SK]: 'META' },
          UpdateExpression: `SET #version = #version + :one REMOVE ${removals.join(', ')}`,
          ConditionExpression: 'attribute_exists(#outbox)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * The META item of a record as `saveRecord` writes it: the record as JSON, the events it was folded
 * from, the outbox, the attributes reports read, and the keys of the two sparse indexes.
 */
export function dossierItem(
  saved: DossierRecord,
  events: readonly DossierEvent[],
  keys: { gsi1pk: string; gsi1sk: string } | undefined,
): Record<string, unknown> {
  const { state } = saved;
  const received = state.received;
  return {
    [PK]: dossierKey(state.dossierId),
    [SK]: 'META',
    entity: 'dossier',
    dossierId: state.dossierId,
    status: state.status,
    stage: saved.stage,
    version: saved.version,
    data: JSON.stringify({ ...saved, outbox: undefined }),
    events: JSON.stringify(events),
    outbox: Object.fromEntries(Object.entries(saved.outbox).map(([id, e]) => [id, JSON.stringify(e)])),
    ...(received
      ? { agencyId: received.agency.id, field: received.procedure.field, receivedAt: received.receivedAt }
      : {}),
    ...(state.dueAt ? { dueAt: state.dueAt } : {}),
    ...(saved.nextActionAt ? { nextActionAt: saved.nextActionAt } : {}),
    ...(keys ?? {}),
    ...reportAttributes(saved),
    ...(received && state.rule && !CLOSED.has(state.status)
      ? {
          [NOT_CLOSED.partitionKey]: `OPEN#${shardOf(state.dossierId)}`,
          [NOT_CLOSED.sortKey]: state.dossierId,
          calendarId: state.rule.calendarId,
          ...(received.procedure.code ? { procedureCode: received.procedure.code } : {}),
          receiptDate: localDay(Date.parse(received.receivedAt)),
          clockDay: localDay(Date.parse(state.clockStartedAt ?? received.receivedAt)),
          ...(state.dueAt ? { dueDay: state.dueAt.slice(0, 10) } : {}),
        }
      : {}),
  };
}

/** The report row and its index keys: closed dossiers by closing month, the others by shard. */
function reportAttributes(record: DossierRecord): Record<string, string> {
  const row = reportRowOf(record);
  if (!row) return {};
  const closed = CLOSED.has(row.status) && row.closedAt !== undefined;
  return {
    [REPORT.partitionKey]: closed
      ? `CLOSED#${localDay(Date.parse(row.closedAt as string)).slice(0, 7)}`
      : `LIVE#${shardOf(row.id)}`,
    [REPORT.sortKey]: `${new Date(row.receivedAt).toISOString()}#${row.id}`,
    report: JSON.stringify(row),
  };
}

/** The months (`YYYY-MM`, Vietnam time) from the one holding `start` to the one holding `now`. */
export function closingMonths(start: number, now: number): string[] {
  const months: string[] = [];
  let [y, m] = localDay(start).split('-').map(Number) as [number, number];
  const last = localDay(now).slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) return months;
    months.push(month);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/** A stored META item as a record. */
export function toRecord(item: Record<string, unknown>): DossierRecord {
  const data = JSON.parse(item.data as string) as DossierRecord;
  const outbox: Record<string, OutboundEvent> = {};
  for (const [id, json] of Object.entries((item.outbox as Record<string, string> | undefined) ?? {})) {
    outbox[id] = JSON.parse(json) as OutboundEvent;
  }
  return {
    ...data,
    notifications: data.notifications ?? {},
    stagesReached: data.stagesReached ?? [],
    outbox,
    version: Number(item.version),
  };
}

export { GSI as NEXT_ACTION_INDEX };

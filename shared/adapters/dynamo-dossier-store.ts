import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
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
import { parseDossierCode } from '../domain/dossier/dossier-code.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type DossierState, sortEvents } from '../domain/dossier/dossier-state.ts';
import { type ReportRow, reportRowOf } from '../domain/reports/report-row.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type {
  DetectorStore,
  DueDossier,
  QuarantineEntry,
  QuarantineStore,
  UnreadableDossier,
} from '../ports/detector-store.ts';
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
export class DynamoDossierStore implements DossierStore, DetectorStore, QuarantineStore, OpenDossierIndex, ReportIndex {
  readonly shards = SHARD_IDS;
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

  async queryDue(
    day: string,
    shard: string,
    upTo: string,
  ): Promise<{ due: DueDossier[]; unreadable: UnreadableDossier[] }> {
    const ids: string[] = [];
    for await (const item of this.query({
      IndexName: GSI.indexName,
      KeyConditionExpression: '#b = :b AND #s <= :upTo',
      ExpressionAttributeNames: { '#b': GSI.partitionKey, '#s': GSI.sortKey },
      ExpressionAttributeValues: { ':b': `DUE#${day}#${shard}`, ':upTo': `${new Date(upTo).toISOString()}#\uffff` },
    })) {
      ids.push((item[PK] as string).slice('DOSSIER#'.length));
    }
    // The index holds keys only (a write that does not move a dossier's next action costs it nothing):
    // the records come from the table, 100 a call, eventually consistent (every write the detector makes
    // is conditional on the version it read, so a stale copy only costs a conflict and a fresh read).
    const due: DueDossier[] = [];
    const unreadable: UnreadableDossier[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ [PK]: dossierKey(id), [SK]: 'META' }));
      for (let round = 0; keys.length > 0; round += 1) {
        const page = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          this.reads += 1;
          try {
            due.push({ record: toRecord(item) });
          } catch (error) {
            unreadable.push({
              dossierId: String(item.dossierId ?? (item[PK] as string).slice('DOSSIER#'.length)),
              reason: `unreadable record: ${(error as Error).message}`,
            });
          }
        }
        keys = (page.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** round)));
      }
    }
    return { due, unreadable };
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
        yield unpack(item.report) as ReportRow;
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

  async getWatermarks(): Promise<Map<string, string>> {
    const marks = new Map<string, string>();
    let low: string | undefined;
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': 'DETECTOR' },
      ConsistentRead: true,
    })) {
      const sk = item[SK] as string;
      if (sk === 'LOWMARK') low = item.day as string;
      else if (sk.startsWith('WATERMARK#')) marks.set(sk.slice('WATERMARK#'.length), item.day as string);
    }
    // A shard no run has completed yet starts from the earliest bucket ever written.
    if (low !== undefined) for (const shard of SHARD_IDS) if (!marks.has(shard)) marks.set(shard, low);
    return marks;
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

  async setWatermark(shard: string, day: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: 'DETECTOR', [SK]: `WATERMARK#${shard}`, day, at: new Date(this.clock.now()).toISOString() },
          ConditionExpression: 'attribute_not_exists(#pk) OR #day < :day',
          ExpressionAttributeNames: { '#pk': PK, '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listQuarantine(): Promise<QuarantineEntry[]> {
    const out: QuarantineEntry[] = [];
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': 'QUARANTINE' },
      ConsistentRead: true,
    })) {
      out.push(quarantineEntry(item));
    }
    return out;
  }

  async recordFailure(dossierId: string, reason: string, at: string, parkAfter: number): Promise<QuarantineEntry> {
    const key = { [PK]: 'QUARANTINE', [SK]: dossierId };
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET #entity = :entity, #reason = :reason, #lastAt = :at, #firstAt = if_not_exists(#firstAt, :at) ADD #failures :one',
        ExpressionAttributeNames: {
          '#entity': 'entity',
          '#reason': 'reason',
          '#lastAt': 'lastAt',
          '#firstAt': 'firstAt',
          '#failures': 'failures',
        },
        ExpressionAttributeValues: { ':entity': 'quarantine', ':reason': reason.slice(0, 1_000), ':at': at, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const entry = quarantineEntry(Attributes ?? {});
    if (entry.failures < parkAfter || entry.parkedAt) return entry;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #parkedAt = :at',
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#parkedAt)',
          ExpressionAttributeNames: { '#pk': PK, '#parkedAt': 'parkedAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return { ...entry, parkedAt: entry.parkedAt ?? at };
  }

  async clearFailure(dossierId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [PK]: 'QUARANTINE', [SK]: dossierId } }),
    );
  }

  async markNotified(dossierIds: readonly string[], at: string): Promise<void> {
    for (const dossierId of dossierIds) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [PK]: 'QUARANTINE', [SK]: dossierId },
            UpdateExpression: 'SET #notifiedAt = :at',
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK, '#notifiedAt': 'notifiedAt' },
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
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
    if (!Item) return { record: undefined };
    this.reads += 1;
    return { record: toRecord(Item) };
  }

  async listEvents(dossierId: string): Promise<{ event: DossierEvent; storedAt: string }[]> {
    const stored = new Map<DossierEvent, string>();
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :event)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': dossierKey(dossierId), ':event': 'EVENT#' },
      ConsistentRead: true,
    })) {
      stored.set({ type: item.type, detail: unpack(item.detail) } as DossierEvent, item.storedAt as string);
    }
    return sortEvents([...stored.keys()]).map((event) => ({ event, storedAt: stored.get(event) ?? '' }));
  }

  async appendEvent(event: DossierEvent, storedAt: string): Promise<boolean> {
    const item = eventItem(event, storedAt);
    checkItemSize(item, `event ${event.detail.eventId}`);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
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

  async saveRecord(record: DossierRecord, expectedVersion: number): Promise<DossierRecord> {
    const saved: DossierRecord = { ...record, version: expectedVersion + 1 };
    const { state } = saved;
    const keys = saved.nextActionAt
      ? nextActionKeys(state.dossierId, saved.nextActionAt, localDay(this.clock.now()))
      : undefined;
    if (keys) await this.lowerLowMark(keys.gsi1pk.slice(4, 14));
    const item = dossierItem(saved, keys);
    checkItemSize(item, `dossier ${state.dossierId}`);
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

/** The event log item of an event, as `appendEvent` writes it: keyed by the event's id, detail deflated. */
export function eventItem(event: DossierEvent, storedAt: string): Record<string, unknown> {
  return {
    [PK]: dossierKey(event.detail.dossierId),
    [SK]: `EVENT#${event.detail.eventId}`,
    entity: 'event',
    type: event.type,
    storedAt,
    detail: pack(event.detail),
  };
}

/**
 * The META item of a record as `saveRecord` writes it: the record (deflated JSON, without what the event
 * log holds), the outbox, the report row, and the keys of the sparse indexes.
 */
export function dossierItem(
  saved: DossierRecord,
  keys: { gsi1pk: string; gsi1sk: string } | undefined,
): Record<string, unknown> {
  const { state } = saved;
  const received = state.received;
  return {
    [PK]: dossierKey(state.dossierId),
    [SK]: 'META',
    entity: 'dossier',
    dossierId: state.dossierId,
    version: saved.version,
    // Every byte here is paid on every write (a write unit per KB): the record deflated, and beside it only
    // what an index projects or a conditional write reads.
    data: pack({ ...saved, state: storedState(saved.state), outbox: undefined }),
    outbox: Object.fromEntries(Object.entries(saved.outbox).map(([id, e]) => [id, JSON.stringify(e)])),
    ...(saved.nextActionAt ? { nextActionAt: saved.nextActionAt } : {}),
    ...(keys ?? {}),
    ...reportAttributes(saved),
    ...(received && state.rule && !CLOSED.has(state.status)
      ? {
          [NOT_CLOSED.partitionKey]: `OPEN#${shardOf(state.dossierId)}`,
          [NOT_CLOSED.sortKey]: state.dossierId,
          status: state.status,
          field: received.procedure.field,
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
function reportAttributes(record: DossierRecord): Record<string, string | Uint8Array> {
  const row = reportRowOf(record);
  if (!row) return {};
  const closed = CLOSED.has(row.status) && row.closedAt !== undefined;
  return {
    [REPORT.partitionKey]: closed
      ? `CLOSED#${localDay(Date.parse(row.closedAt as string)).slice(0, 7)}`
      : `LIVE#${shardOf(row.id)}`,
    [REPORT.sortKey]: `${new Date(row.receivedAt).toISOString()}#${row.id}`,
    report: pack(row),
  };
}

function quarantineEntry(item: Record<string, unknown>): QuarantineEntry {
  return {
    dossierId: item[SK] as string,
    failures: Number(item.failures ?? 0),
    firstAt: item.firstAt as string,
    lastAt: item.lastAt as string,
    reason: item.reason as string,
    ...(item.parkedAt ? { parkedAt: item.parkedAt as string } : {}),
    ...(item.notifiedAt ? { notifiedAt: item.notifiedAt as string } : {}),
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

/**
 * The state as stored: what the event log already holds is left out, so the item stays small whatever
 * the history (ADR 0011) — the history, the event ids, the hand-overs (all derived again from the log
 * when shown), the reasons of closed suspensions (the open one's reason stays) and the receipt's copy
 * of the steps (the state's steps carry them).
 */
function storedState(state: DossierState): DossierState {
  return {
    ...state,
    code: undefined as unknown as DossierState['code'],
    ...(state.received ? { received: { ...state.received, steps: undefined } } : {}),
    history: [],
    eventIds: [],
    handovers: [],
    suspensions: state.suspensions.map((s) => (s.to === undefined ? s : { from: s.from, to: s.to, reason: '' })),
  };
}

/** JSON, deflated: Vietnamese text and repeated ISO instants shrink to a third or less. */
export function pack(value: unknown): Uint8Array {
  return deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'), { level: 6 });
}

function unpack(value: unknown): unknown {
  if (typeof value === 'string') return JSON.parse(value);
  return JSON.parse(inflateRawSync(value as Uint8Array).toString('utf8'));
}

/** DynamoDB's item limit: 400 KB, attribute names and values, strings counted in UTF-8 bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Thrown before writing an item DynamoDB would refuse (dynalite counts UTF-16 units and would accept it). */
export class ItemTooLargeError extends Error {
  override name = 'ItemTooLargeError';
}

/** The size DynamoDB bills and limits an item by: attribute names plus values, UTF-8. */
export function dynamoItemBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + dynamoItemBytes(v), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce(
        (sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + dynamoItemBytes(v),
        0,
      )
    );
  }
  return 0;
}

function checkItemSize(item: Record<string, unknown>, what: string): void {
  const bytes = Object.entries(item).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + dynamoItemBytes(v),
    0,
  );
  if (bytes > MAX_ITEM_BYTES) {
    throw new ItemTooLargeError(`${what}: ${bytes} bytes, above DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`);
  }
}

/** A stored META item as a record. */
export function toRecord(item: Record<string, unknown>): DossierRecord {
  const data = unpack(item.data) as DossierRecord;
  // The parsed dossier code is derived from the id, not stored.
  data.state.code ??= parseDossierCode(data.state.dossierId);
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

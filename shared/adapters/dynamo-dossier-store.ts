import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DossierEvent } from '../contracts/dossier-events.ts';
import { auditEntry, stateHash } from '../domain/audit/audit-chain.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { sortEvents } from '../domain/dossier/dossier-state.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import {
  type DossierBulkStore,
  type DossierStore,
  type LoadedDossier,
  type LoggedEvent,
  VersionConflictError,
} from '../ports/dossier-store.ts';
import { AuditStamp } from './audit-stamp.ts';
import {
  AUDIT_LAST_MARK,
  AUDIT_MARK,
  auditItem,
  ChainHeads,
  checkItemSize,
  dossierItem,
  dossierKey,
  eventItem,
  liveUnitItem,
  liveUnitOf,
  localDay,
  nextActionKeys,
  PK,
  SK,
  toRecord,
  unpack,
} from './dynamo-items.ts';
import { batchGetAll, batchWriteAll, queryAll } from './dynamo-query.ts';
import type { EventSeal } from './event-seal.ts';

/**
 * The dossiers in the single table (ADR 0011): the event log (`EVENT#<eventId>`, written first, the
 * truth) and the record folded from it (`META`), saved with one conditional write per change (optimistic
 * locking, no transactions). The record's keys put an open dossier into the next-action index and every
 * received one into the report index (dynamo-items.ts).
 */
export class DynamoDossierStore implements DossierStore, DossierBulkStore {
  /** The earliest days this container has marked (one conditional write each per container). */
  private readonly marks: { lowMark?: string; firstAuditDay?: string; lastAuditDay?: string } = {};
  /** The units this container has registered as holding rows not closed (ADR 0027). */
  private readonly liveUnits = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    /** The event log's seal (issue #31): events are sealed when written and checked when read. */
    private readonly seal?: EventSeal | undefined,
    /** The chain heads this table's adapters have read or written (shared with the index and the trail). */
    private readonly heads: ChainHeads = new ChainHeads(),
  ) {
    this.stamps = new AuditStamp(client, tableName);
  }

  /** When each audit entry is stamped: never inside what is already sealed (ADR 0021). */
  private readonly stamps: AuditStamp;

  async load(dossierId: string): Promise<LoadedDossier> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: dossierKey(dossierId), [SK]: 'META' },
        ConsistentRead: true,
      }),
    );
    if (!Item) return { record: undefined };
    return { record: toRecord(Item, this.heads) };
  }

  /**
   * The chain head of the version a write replaces: known from the read that preceded it, else read
   * (keys and two attributes). A version already gone is a conflict at once: the write would fail on its
   * condition anyway, and its entry — written first — would be an orphan linking to nothing, which a
   * walk meeting it before the real entry of that version takes for a broken chain.
   */
  private async headOf(dossierId: string, version: number): Promise<{ head: string; at?: string }> {
    if (version === 0) return { head: '' };
    const known = this.heads.known(dossierId, version);
    if (known !== undefined) return known;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: dossierKey(dossierId), [SK]: 'META' },
        ProjectionExpression: '#v, chainHead, chainAt',
        ExpressionAttributeNames: { '#v': 'version' },
        ConsistentRead: true,
      }),
    );
    if (!Item || Number(Item.version) !== version)
      throw new VersionConflictError(`dossier ${dossierId} changed since version ${version}`);
    if (typeof Item.chainHead !== 'string') return { head: '' };
    return { head: Item.chainHead, ...(typeof Item.chainAt === 'string' ? { at: Item.chainAt } : {}) };
  }

  async listEvents(dossierId: string): Promise<LoggedEvent[]> {
    const stored = new Map<DossierEvent, { storedAt: string; forged: boolean }>();
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :event)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': dossierKey(dossierId), ':event': 'EVENT#' },
      ConsistentRead: true,
    })) {
      // With the seal's key, an event written behind Đúng Hạn's back is marked (issue #31).
      stored.set({ type: item.type, detail: unpack(item.detail) } as DossierEvent, {
        storedAt: item.storedAt as string,
        forged: this.seal ? !this.seal.check(item) : false,
      });
    }
    return sortEvents([...stored.keys()]).map((event) => {
      const { storedAt, forged } = stored.get(event) ?? { storedAt: '', forged: false };
      return forged ? { event, storedAt, forged } : { event, storedAt };
    });
  }

  async loadMany(
    dossierIds: readonly string[],
  ): Promise<{ records: Map<string, DossierRecord>; unreadable: Set<string> }> {
    const records = new Map<string, DossierRecord>();
    const unreadable = new Set<string>();
    const keys = dossierIds.map((id) => ({ [PK]: dossierKey(id), [SK]: 'META' }));
    for await (const item of batchGetAll(this.client, this.tableName, keys, { consistentRead: true })) {
      const id = (item[PK] as string).slice('DOSSIER#'.length);
      try {
        records.set(id, toRecord(item, this.heads));
      } catch {
        unreadable.add(id);
      }
    }
    return { records, unreadable };
  }

  /** An event item as written: sealed when this store holds the seal's key. */
  private sealedItem(event: DossierEvent, storedAt: string): Record<string, unknown> {
    const item = eventItem(event, storedAt);
    if (this.seal) item.seal = this.seal.sign(item);
    return item;
  }

  async appendEvents(events: readonly DossierEvent[], storedAt: string): Promise<void> {
    const items = events.map((event) => {
      const item = this.sealedItem(event, storedAt);
      checkItemSize(item, `event ${event.detail.eventId}`);
      return item;
    });
    await batchWriteAll(this.client, this.tableName, items, 'event log');
  }

  async listEventIds(dossierId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :event)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': dossierKey(dossierId), ':event': 'EVENT#' },
      ProjectionExpression: '#sk',
      ConsistentRead: true,
    }))
      ids.add((item[SK] as string).slice('EVENT#'.length));
    return ids;
  }

  async removeEvent(dossierId: string, eventId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [PK]: dossierKey(dossierId), [SK]: `EVENT#${eventId}` } }),
    );
  }

  async appendEvent(
    event: DossierEvent,
    storedAt: string,
    options: { replaceForged?: boolean } = {},
  ): Promise<boolean> {
    const item = this.sealedItem(event, storedAt);
    checkItemSize(item, `event ${event.detail.eventId}`);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // An item under this event's id that no writer of events sealed holds no event: it is replaced.
          ...(options.replaceForged
            ? {}
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }),
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
    if (keys) await this.lowerMark('lowMark', { pk: 'DETECTOR', sk: 'LOWMARK' }, keys.gsi1pk.slice(4, 14));
    const item = dossierItem(saved, keys);
    // Tamper evidence (ADR 0021): the entry of this change, chained to the one of the version replaced,
    // recording the hash of the exact bytes stored; written first, so a stored record always has its entry.
    const previous = await this.headOf(state.dossierId, expectedVersion);
    const entry = auditEntry({
      dossierId: state.dossierId,
      seq: saved.version,
      at: await this.stamps.stamp(this.clock.now(), previous.at),
      prev: previous.head,
      state: stateHash(item.data as Uint8Array),
      events: saved.folded?.count ?? 0,
      status: state.status,
    });
    item.chainHead = entry.hash;
    // When the head entry was written: verify tells a record ahead of its chain from one written later.
    item.chainAt = entry.at;
    checkItemSize(item, `dossier ${state.dossierId}`);
    const entryDay = localDay(Date.parse(entry.at));
    await this.lowerMark('firstAuditDay', AUDIT_MARK, entryDay);
    // And the latest: where a plain verify ends (a simulated world's trail may stop years before today).
    await this.moveMark('lastAuditDay', AUDIT_LAST_MARK, entryDay, 'raise');
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: auditItem(entry) }));
    await this.registerLiveUnit(liveUnitOf(item));
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
    this.heads.remember(state.dossierId, saved.version, entry.hash, entry.at);
    return saved;
  }

  /**
   * Registers the unit whose queue partition the row goes to (ADR 0027), once per container and unit,
   * before the row: reports and previews read the partitions of the units registered, known to the
   * directory or not. A put of the same item again changes nothing.
   */
  private async registerLiveUnit(unitId: string | undefined): Promise<void> {
    if (unitId === undefined || this.liveUnits.has(unitId)) return;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: liveUnitItem(unitId) }));
    this.liveUnits.add(unitId);
  }

  /**
   * Records the earliest day of something ever written (once per container, and whenever an earlier one
   * appears): the earliest next-action bucket, where a shard no detector run has completed starts
   * (dynamo-due-index.ts); the first day of an audit entry, where anchoring starts (ADR 0021).
   */
  private lowerMark(which: 'lowMark' | 'firstAuditDay', key: { pk: string; sk: string }, day: string) {
    return this.moveMark(which, key, day, 'lower');
  }

  /** The mark moved once per container and day: down to the earliest day, or up to the latest. */
  private async moveMark(
    which: keyof DynamoDossierStore['marks'],
    key: { pk: string; sk: string },
    day: string,
    direction: 'lower' | 'raise',
  ) {
    const known = this.marks[which];
    if (known !== undefined && (direction === 'lower' ? known <= day : known >= day)) return;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: key.pk, [SK]: key.sk, day },
          ConditionExpression: `attribute_not_exists(#pk) OR #day ${direction === 'lower' ? '>' : '<'} :day`,
          ExpressionAttributeNames: { '#pk': PK, '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    this.marks[which] = day;
  }
}

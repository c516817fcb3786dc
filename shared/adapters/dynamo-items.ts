import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { OutboundEvent } from '../contracts/outbound-events.ts';
import type { AuditEntry } from '../domain/audit/audit-chain.ts';
import { parseDossierCode } from '../domain/dossier/dossier-code.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { CLOSED_STATUSES, type DossierState } from '../domain/dossier/dossier-state.ts';
import { queueEntryOf } from '../domain/dossier/queue-entry.ts';
import { reportRowOf } from '../domain/reports/report-row.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { InvalidInputError } from '../support/errors.ts';
import { vietnamDay } from '../support/vietnam-time.ts';
import { PACK_DICTIONARIES, type PackDictionary, RECORD_DICTIONARY, REPORT_DICTIONARY } from './pack-dictionaries.ts';

/*
 * How dossiers are laid out in the single table (ADR 0004, 0011): `DOSSIER#<id>` / `META` holds the
 * record (deflated, with the attributes the indexes and conditions need), `DOSSIER#<id>` /
 * `EVENT#<eventId>` the event log. The one home of these keys and item shapes, for every adapter.
 */

export const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;
export const GSI = TABLE_DESIGN.openByNextAction;
export const REPORT = TABLE_DESIGN.reportByClose;
const CLOSED = CLOSED_STATUSES;
/** Shards per day bucket of the open-dossier index, so one busy day never makes a hot partition. */
export const NEXT_ACTION_SHARDS = 16;
/** The shard suffixes, `00` … `15`. */
export const SHARD_IDS = Array.from({ length: NEXT_ACTION_SHARDS }, (_, i) => String(i).padStart(2, '0'));

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
export const localDay = vietnamDay;

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
  return {
    [PK]: dossierKey(state.dossierId),
    [SK]: 'META',
    entity: 'dossier',
    version: saved.version,
    // Every byte here is paid on every write (a write unit per KB): the record deflated, and beside it only
    // what an index projects or a conditional write reads (the id is in the key, the next action in `data`).
    data: pack({ ...saved, state: storedState(saved.state), outbox: undefined }, RECORD_DICTIONARY),
    outbox: Object.fromEntries(Object.entries(saved.outbox).map(([id, e]) => [id, JSON.stringify(e)])),
    ...(keys ?? {}),
    ...reportAttributes(saved),
  };
}

/**
 * An audit entry (ADR 0021), in the partition of its Vietnamese day and its dossier's shard
 * (`AUDIT#2026-11-30#07`), sorted by dossier and version: a day is read (anchored, verified) shard by
 * shard, and a dossier's entries of a day lie together. The hash in the key keeps an orphan entry (a
 * writer that lost the race for a version) from overwriting the one that was stored.
 */
export function auditItem(entry: AuditEntry): Record<string, unknown> {
  return {
    [PK]: auditPartition(localDay(Date.parse(entry.at)), shardOf(entry.dossierId)),
    [SK]: `${entry.dossierId}#${String(entry.seq).padStart(10, '0')}#${entry.hash.slice(0, 16)}`,
    entity: 'audit',
    ...entry,
  };
}

/** The first day an audit entry was written (ADR 0021): kept by the dossier store, read by the anchoring. */
export const AUDIT_MARK = { pk: 'AUDITTRAIL', sk: 'FIRSTDAY' } as const;
/** The instant up to which the trail is sealed (anchored or checkpointed): no entry is stamped before it. */
export const AUDIT_SEALED_MARK = { pk: 'AUDITTRAIL', sk: 'SEALED' } as const;
/** The last day an audit entry was written: where a plain verify ends. */
export const AUDIT_LAST_MARK = { pk: 'AUDITTRAIL', sk: 'LASTDAY' } as const;

export function auditPartition(day: string, shard: string): string {
  return `AUDIT#${day}#${shard}`;
}

export function toAuditEntry(item: Record<string, unknown>): AuditEntry {
  return {
    dossierId: String(item.dossierId),
    seq: Number(item.seq),
    at: String(item.at),
    prev: String(item.prev ?? ''),
    state: String(item.state),
    events: Number(item.events),
    status: String(item.status),
    hash: String(item.hash),
  };
}

/**
 * The report row and its index keys: closed dossiers by closing month, sorted by receipt; the others by
 * the unit holding them, in that unit's queue order (issue #34, ADR 0027) — so a desk's queue is a read
 * of its partition, and the key moves only when the holder or the order does.
 */
function reportAttributes(record: DossierRecord): Record<string, string | Uint8Array> {
  const row = reportRowOf(record);
  const keys = reportKeys(record);
  if (!row || !keys) return {};
  return { ...keys, report: pack(row, REPORT_DICTIONARY) };
}

/** The report index's keys of a record (none before its receipt): see {@link reportAttributes}. */
export function reportKeys(record: DossierRecord): Record<string, string> | undefined {
  const row = reportRowOf(record);
  if (!row) return undefined;
  const closed = CLOSED.has(row.status) && row.closedAt !== undefined;
  const queue = closed ? undefined : (queueEntryOf(record) ?? { unitId: row.unitId, order: LAST_IN_QUEUE });
  return {
    [REPORT.partitionKey]: queue
      ? livePartition(queue.unitId)
      : `CLOSED#${localDay(Date.parse(row.closedAt as string)).slice(0, 7)}`,
    [REPORT.sortKey]: queue ? `${queue.order}#${row.id}` : `${new Date(row.receivedAt).toISOString()}#${row.id}`,
  };
}

/** Where a row without a place in the queue sorts (a closed status without its closing instant): last. */
const LAST_IN_QUEUE = '9';

/** The report index's partition of the rows a unit holds now (not closed). */
export function livePartition(unitId: string): string {
  return `LIVE#${unitId}`;
}

/**
 * The units that have held a row not closed (ADR 0027): the partitions a report or a preview reads, known
 * or not to the directory. Written once per container and unit by the dossier store, before the row.
 */
export const LIVE_UNITS = 'LIVEUNITS';

/** The registry's item of a unit holding rows not closed: the same put again changes nothing. */
export function liveUnitItem(unitId: string): Record<string, string> {
  return { [PK]: LIVE_UNITS, [SK]: unitId, entity: 'live-unit' };
}

/** The unit a dossier item's row is queued under, when it is not closed. */
export function liveUnitOf(item: Record<string, unknown>): string | undefined {
  const partition = item[REPORT.partitionKey];
  return typeof partition === 'string' && partition.startsWith('LIVE#') ? partition.slice('LIVE#'.length) : undefined;
}

/** The partitions of the rows not closed written before ADR 0027 (by shard), read until none is left. */
export const LEGACY_LIVE_PARTITIONS = SHARD_IDS.map((shard) => `LIVE#${shard}`);

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

/**
 * JSON, deflated: Vietnamese text and repeated ISO instants shrink to a third or less. With a preset
 * dictionary (ADR 0022) the value's first byte names it — `0b110` in the low bits, a block type raw deflate
 * never starts with — so values packed without one, or before dictionaries existed, read back unchanged.
 */
export function pack(value: unknown, dictionary?: PackDictionary): Uint8Array {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  if (!dictionary) return deflateRawSync(json, { level: 6 });
  const body = deflateRawSync(json, { level: 9, dictionary: dictionary.bytes });
  const packed = new Uint8Array(body.byteLength + 1);
  packed[0] = DICTIONARY_MARK | (dictionary.id << 3);
  packed.set(body, 1);
  return packed;
}

/** Low bits of a first byte naming a dictionary: block type 3, reserved, never written by deflate. */
const DICTIONARY_MARK = 0b110;

export function unpack(value: unknown): unknown {
  if (typeof value === 'string') return JSON.parse(value);
  const bytes = value as Uint8Array;
  if (bytes.byteLength > 0 && ((bytes[0] as number) & 0b111) === DICTIONARY_MARK) {
    const id = (bytes[0] as number) >> 3;
    const dictionary = PACK_DICTIONARIES.get(id);
    if (!dictionary) throw new Error(`stored value packed with dictionary ${id}, which this code does not know`);
    return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary: dictionary.bytes }).toString('utf8'));
  }
  return JSON.parse(inflateRawSync(bytes).toString('utf8'));
}

/** DynamoDB's item limit: 400 KB, attribute names and values, strings counted in UTF-8 bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Thrown before writing an item DynamoDB would refuse (dynalite counts UTF-16 units and would accept it). */
export class ItemTooLargeError extends InvalidInputError {
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

export function checkItemSize(item: Record<string, unknown>, what: string): void {
  const bytes = Object.entries(item).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + dynamoItemBytes(v),
    0,
  );
  if (bytes > MAX_ITEM_BYTES) {
    throw new ItemTooLargeError(`${what}: ${bytes} bytes, above DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`);
  }
}

/**
 * The audit chain head of each record version read or written through one table's adapters (ADR 0021):
 * what the next write of that version chains to, whichever adapter read it (the store, the detector's
 * index, the audit trail). One instance per platform, shared by its adapters; bounded: forgotten heads
 * are read again with one small GetItem.
 */
export class ChainHeads {
  private readonly heads = new Map<string, { version: number; head: string; at?: string | undefined }>();

  remember(dossierId: string, version: number, head: unknown, at?: unknown): void {
    if (this.heads.size >= 20_000) this.heads.clear();
    this.heads.set(dossierId, {
      version,
      head: typeof head === 'string' ? head : '',
      at: typeof at === 'string' ? at : undefined,
    });
  }

  /** The chain head of that version of the record (and when it was written), if read or written here. */
  known(dossierId: string, version: number): { head: string; at?: string } | undefined {
    const known = this.heads.get(dossierId);
    return known?.version === version ? { head: known.head, ...(known.at ? { at: known.at } : {}) } : undefined;
  }
}

/** A stored META item as a record. */
export function toRecord(item: Record<string, unknown>, heads?: ChainHeads): DossierRecord {
  const data = unpack(item.data) as DossierRecord;
  heads?.remember(data.state.dossierId, Number(item.version), item.chainHead, item.chainAt);
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

/**
 * Measures the DynamoDB capacity the project's calls would consume on AWS, the way AWS bills it, from
 * the calls themselves: dynalite reports no index writes and counts strings in UTF-16 units, so the meter
 * keeps a shadow of every item and prices each write by the item sizes before and after (UTF-8, names
 * and values) and each global secondary index by the entries it adds, changes or removes — a key change
 * being a delete plus a put. Reads: GetItem, Query and BatchGetItem by the bytes returned, 4 KB units,
 * half for eventually consistent reads.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoItemBytes } from '../shared/adapters/dynamo-items.ts';
import { TABLE_DESIGN, TABLE_INDEXES } from '../shared/settings/table-design.ts';

type Item = Record<string, unknown>;

/** An index as the table defines it: its keys and what it projects. */
interface IndexShape {
  name: string;
  keys: [string, string];
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;
/**
 * Partitions of the detector's bookkeeping, priced apart (see {@link CapacityMeter.bookkeepingWriteUnits}):
 * watermarks, quarantine, and the once-a-week or once-a-year notices (their claims).
 */
const BOOKKEEPING = new Set(['DETECTOR', 'QUARANTINE', 'NOTICE']);

export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + dynamoItemBytes(v), 0);
}

export class CapacityMeter {
  /** Write units of the dossiers' items (the record, its log, its index entries): what scales with dossiers. */
  writeUnits = 0;
  /**
   * Write units of the detector's own bookkeeping (shard watermarks, quarantine): a few per run whatever
   * the number of dossiers — a fixed cost of the schedule, not a cost per dossier.
   */
  bookkeepingWriteUnits = 0;
  readUnits = 0;
  /** Write units by what was written (table, or the index name). */
  readonly writesBy = new Map<string, number>();
  /** Failed conditional writes by command and kind of item (what they were, for the cost notes). */
  readonly failedConditions = new Map<string, number>();
  private readonly shadow = new Map<string, Item>();

  constructor(private readonly indexes: readonly IndexShape[]) {}

  /** Attaches the meter to a document client: every call made through it is priced. */
  attach(client: DynamoDBDocumentClient, tableName: string): void {
    const original = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
    (client as unknown as { send: typeof original }).send = async (command: unknown, ...rest: unknown[]) => {
      const input = (command as { input: Record<string, unknown> }).input;
      const before =
        command instanceof PutCommand || command instanceof UpdateCommand || command instanceof DeleteCommand
          ? this.shadow.get(keyOf((input.Item ?? input.Key) as Item))
          : undefined;
      let output: unknown;
      try {
        output = await original(command, ...rest);
      } catch (error) {
        // A failed conditional write is billed too, by the item's size.
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          this.add('table (failed conditions)', units(Math.max(size(before), size(input.Item as Item)), 1024));
          const key = (input.Item ?? input.Key) as Item | undefined;
          const what = `${(command as object).constructor.name} ${String(key?.[SK] ?? '').split('#')[0]} ${String(input.ConditionExpression)}`;
          this.failedConditions.set(what, (this.failedConditions.get(what) ?? 0) + 1);
        }
        throw error;
      }
      if (command instanceof PutCommand) this.write(before, input.Item as Item);
      else if (command instanceof UpdateCommand || command instanceof DeleteCommand) {
        const { Item: after } = (await original(
          new GetCommand({ TableName: tableName, Key: input.Key as Item, ConsistentRead: true }),
        )) as { Item?: Item };
        this.write(before, after);
      } else if (command instanceof BatchWriteCommand) {
        for (const request of Object.values(
          input.RequestItems as Record<string, { PutRequest?: { Item: Item } }[]>,
        ).flat()) {
          if (request.PutRequest) this.write(this.shadow.get(keyOf(request.PutRequest.Item)), request.PutRequest.Item);
        }
      } else if (command instanceof GetCommand) {
        const item = (output as { Item?: Item }).Item;
        this.readUnits += units(size(item), 4096) / (input.ConsistentRead ? 1 : 2) || 0.5;
      } else if (command instanceof QueryCommand) {
        const items = ((output as { Items?: Item[] }).Items ?? []) as Item[];
        const bytes = items.reduce((sum, i) => sum + itemSize(i), 0);
        this.readUnits += Math.max(1, units(bytes, 4096)) / (input.ConsistentRead ? 1 : 2);
      } else if (command instanceof BatchGetCommand) {
        for (const items of Object.values((output as { Responses?: Record<string, Item[]> }).Responses ?? {}))
          for (const item of items) this.readUnits += units(itemSize(item), 4096) / 2;
      }
      return output;
    };
  }

  private write(before: Item | undefined, after: Item | undefined): void {
    const key = keyOf((after ?? before) as Item);
    if (after) this.shadow.set(key, after);
    else this.shadow.delete(key);
    if (BOOKKEEPING.has(String((after ?? before)?.[PK]))) {
      this.bookkeepingWriteUnits += units(Math.max(size(before), size(after)), 1024);
      return;
    }
    // Tamper evidence's audit entries (ADR 0021), priced apart so the cost of the chain is visible.
    const audit = String((after ?? before)?.[PK]).startsWith('AUDIT#');
    this.add(audit ? 'audit entries' : 'table', units(Math.max(size(before), size(after)), 1024));
    for (const index of this.indexes) {
      const old = before && entry(before, index);
      const next = after && entry(after, index);
      if (!old && !next) continue;
      const sameKeys = old && next && index.keys.every((k) => old[k] === next[k]);
      if (old && next && sameKeys) {
        if (JSON.stringify(old) !== JSON.stringify(next))
          this.add(index.name, units(Math.max(size(old), size(next)), 1024));
      } else {
        if (old) this.add(index.name, units(size(old), 1024));
        if (next) this.add(index.name, units(size(next), 1024));
      }
    }
  }

  private add(what: string, n: number): void {
    this.writeUnits += n;
    this.writesBy.set(what, (this.writesBy.get(what) ?? 0) + n);
  }
}

/** The indexes of the project's table, as `ensureTable` and the CDK stack define them. */
export function tableIndexes(): IndexShape[] {
  return TABLE_INDEXES.map((i) => ({ name: i.indexName, keys: [i.partitionKey, i.sortKey], projection: i.projection }));
}

function entry(item: Item, index: IndexShape): Item | undefined {
  if (item[index.keys[0]] === undefined || item[index.keys[1]] === undefined) return undefined;
  const keys = [PK, SK, ...index.keys];
  const names =
    index.projection === 'ALL'
      ? Object.keys(item)
      : index.projection === 'KEYS_ONLY'
        ? keys
        : [...keys, ...index.projection];
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

function keyOf(item: Item): string {
  return `${String(item[PK])}\u0000${String(item[SK])}`;
}

function size(item: Item | undefined): number {
  return item ? itemSize(item) : 0;
}

function units(bytes: number, unit: number): number {
  return bytes === 0 ? 0 : Math.ceil(bytes / unit);
}

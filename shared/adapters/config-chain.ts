import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, auditEntry, CONFIG_CHAIN_ID } from '../domain/audit/audit-chain.ts';
import { AuditStamp } from './audit-stamp.ts';
import { auditItem, auditPartition, PK, SK, shardOf, toAuditEntry } from './dynamo-items.ts';
import { queryAll } from './dynamo-query.ts';

/*
 * The configuration's chain (issue #31): rules, calendars, the directory of units and the people are
 * configuration that decides results; after every change the whole configuration is hashed and the hash
 * written as an entry of its own chain — `~config`, in the audit partitions the days are anchored and
 * checkpointed from — and a pointer to that entry kept (`CONFIG` / `CHAIN`). An item edited in the table
 * changes the configuration's hash without an entry: verify names it.
 */

const CONFIG_PARTITION = 'CONFIG';
const CHAIN_KEY = 'CHAIN';

/** A value in a fixed form: keys sorted, bytes as base64. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The chain's pointer: the version, the head entry's hash, and when it was written (its day's partition). */
export interface ConfigChainHead {
  version: number;
  head: string;
  at: string;
}

export class ConfigChain {
  private readonly stamps: AuditStamp;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.stamps = new AuditStamp(client, tableName);
  }

  /** The hash of every configuration item but the chain's pointer, and how many there are. */
  async snapshot(): Promise<{ hash: string; items: number }> {
    const hash = createHash('sha256').update('dunghan-config-1');
    let items = 0;
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': CONFIG_PARTITION },
      ConsistentRead: true,
    })) {
      if (item[SK] === CHAIN_KEY) continue;
      hash.update(`\n${canonical(item)}`);
      items += 1;
    }
    return { hash: hash.digest('base64url'), items };
  }

  async head(): Promise<ConfigChainHead | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: CONFIG_PARTITION, [SK]: CHAIN_KEY },
        ConsistentRead: true,
      }),
    );
    return Item ? { version: Number(Item.version), head: String(Item.head), at: String(Item.at) } : undefined;
  }

  /** The entry the pointer names, read from its day's partition. */
  async headEntry(head: ConfigChainHead, dayOf: (instant: number) => string): Promise<AuditEntry | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: {
          ':pk': auditPartition(dayOf(Date.parse(head.at)), shardOf(CONFIG_CHAIN_ID)),
          ':sk': `${CONFIG_CHAIN_ID}#${String(head.version).padStart(10, '0')}#`,
        },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map(toAuditEntry).find((e) => e.hash === head.head);
  }

  /**
   * Chains the configuration as it now stands: an entry with its hash, linked to the previous one, then
   * the pointer moved (conditional on the version it replaces; a concurrent change is chained again).
   * Nothing is written when the configuration is the one the head already records.
   */
  async seal(now: number, dayOf: (instant: number) => string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await this.head();
      const { hash, items } = await this.snapshot();
      if (current) {
        const entry = await this.headEntry(current, dayOf);
        if (entry?.state === hash) return;
      }
      const at = await this.stamps.stamp(now, current?.at);
      const entry = auditEntry({
        dossierId: CONFIG_CHAIN_ID,
        seq: (current?.version ?? 0) + 1,
        at,
        prev: current?.head ?? '',
        state: hash,
        events: items,
        status: 'config',
      });
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: auditItem(entry) }));
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { [PK]: CONFIG_PARTITION, [SK]: CHAIN_KEY, version: entry.seq, head: entry.hash, at },
            ...(current
              ? {
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': current.version },
                }
              : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error('the configuration chain kept changing under this change: put it again');
  }
}

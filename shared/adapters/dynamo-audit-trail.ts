import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { stateHash } from '../domain/audit/audit-chain.ts';
import type { ReportRow } from '../domain/reports/report-row.ts';
import type { AuditedRecord, AuditTrail } from '../ports/audit-trail.ts';
import { vietnamDay } from '../support/vietnam-time.ts';
import { rememberSealed } from './audit-stamp.ts';
import { ConfigChain } from './config-chain.ts';
import {
  AUDIT_LAST_MARK,
  AUDIT_MARK,
  AUDIT_SEALED_MARK,
  auditPartition,
  type ChainHeads,
  dossierKey,
  PK,
  SHARD_IDS,
  SK,
  toAuditEntry,
  toRecord,
  unpack,
} from './dynamo-items.ts';
import { batchGetAll, queryAll } from './dynamo-query.ts';

/** The audit entries and the stored records in the single table (dynamo-items.ts holds the layout). */
export class DynamoAuditTrail implements AuditTrail {
  readonly shards = SHARD_IDS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly heads?: ChainHeads,
  ) {}

  async *entries(day: string, shard: string) {
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': auditPartition(day, shard) },
      ConsistentRead: true,
    }))
      yield toAuditEntry(item);
  }

  async configChain() {
    const chain = new ConfigChain(this.client, this.tableName);
    const head = await chain.head();
    if (!head) return undefined;
    return {
      version: head.version,
      entry: await chain.headEntry(head, vietnamDay),
      snapshot: await chain.snapshot(),
    };
  }

  async markSealed(upTo: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: AUDIT_SEALED_MARK.pk, [SK]: AUDIT_SEALED_MARK.sk, at: upTo },
          ConditionExpression: 'attribute_not_exists(#pk) OR #at < :at',
          ExpressionAttributeNames: { '#pk': PK, '#at': 'at' },
          ExpressionAttributeValues: { ':at': upTo },
        }),
      );
    } catch (error) {
      // Already sealed as far or further: that is the mark's whole point.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    rememberSealed(this.client, this.tableName, upTo);
  }

  firstDay(): Promise<string | undefined> {
    return this.mark(AUDIT_MARK);
  }

  lastDay(): Promise<string | undefined> {
    return this.mark(AUDIT_LAST_MARK);
  }

  /** A day kept by the dossier store's marks (`AUDITTRAIL` / `FIRSTDAY`, `LASTDAY`). */
  private async mark(key: { pk: string; sk: string }): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: key.pk, [SK]: key.sk }, ConsistentRead: true }),
    );
    return typeof Item?.day === 'string' ? Item.day : undefined;
  }

  async auditedRecords(dossierIds: readonly string[]): Promise<Map<string, AuditedRecord>> {
    const found = new Map<string, AuditedRecord>();
    const keys = dossierIds.map((id) => ({ [PK]: dossierKey(id), [SK]: 'META' }));
    for await (const item of batchGetAll(this.client, this.tableName, keys, { consistentRead: true })) {
      const record = toRecord(item, this.heads);
      found.set(record.state.dossierId, {
        record,
        facts: {
          // The version the stored bytes say; the item's attribute beside them is checked against it.
          version: Number((unpack(item.data) as { version?: unknown }).version ?? record.version),
          chainHead: typeof item.chainHead === 'string' ? item.chainHead : undefined,
          chainAt: typeof item.chainAt === 'string' ? item.chainAt : undefined,
          attributeVersion: Number(item.version),
          state: stateHash(item.data as Uint8Array),
        },
        reportRow: item.report === undefined ? undefined : (unpack(item.report) as ReportRow),
      });
    }
    return found;
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { QuarantineEntry, QuarantineStore } from '../ports/quarantine-store.ts';
import { PK, SK } from './dynamo-items.ts';
import { queryAll } from './dynamo-query.ts';

/** The detector's quarantine (ADR 0012): `QUARANTINE` / `<dossier id>`, one item per failing dossier. */
export class DynamoQuarantineStore implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listQuarantine(): Promise<QuarantineEntry[]> {
    const out: QuarantineEntry[] = [];
    for await (const item of queryAll(this.client, this.tableName, {
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

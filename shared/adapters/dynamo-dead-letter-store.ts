import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DESIGN } from '../config/table-design.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;

/** A rejected event: what came in, when, and why. */
export interface DeadLetter {
  at: string;
  detailType?: string | undefined;
  eventId?: string | undefined;
  dossierId?: string | undefined;
  reason: string;
  payload: string;
}

/**
 * The local stand-in for the ingest target's SQS dead-letter queue: rejected events kept in the table
 * (`DEADLETTER` / `<at>#<payload hash>`), listable with `dunghan dead-letters`. The same payload
 * rejected twice is one dead letter.
 */
export class DynamoDeadLetterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(letter: DeadLetter): Promise<void> {
    const hash = createHash('sha256').update(letter.payload).digest('hex').slice(0, 24);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [PK]: 'DEADLETTER', [SK]: hash, entity: 'dead-letter', ...letter },
      }),
    );
  }

  async list(): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': 'DEADLETTER' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({
          at: item.at,
          detailType: item.detailType,
          eventId: item.eventId,
          dossierId: item.dossierId,
          reason: item.reason,
          payload: item.payload,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}

export { SK as DEAD_LETTER_SORT_KEY };

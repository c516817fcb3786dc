import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetter, DeadLetterSink } from '../ports/inbound-events.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { queryAll } from './dynamo-query.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;

export type { DeadLetter } from '../ports/inbound-events.ts';

/**
 * The local stand-in for the ingest target's SQS dead-letter queue: rejected events kept in the table
 * (`DEADLETTER` / `<at>#<payload hash>`), listable with `dunghan dead-letters`. The same payload
 * rejected twice is one dead letter.
 */
export class DynamoDeadLetterStore implements DeadLetterSink {
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
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': 'DEADLETTER' },
    })) {
      out.push({
        at: item.at as string,
        detailType: item.detailType as string | undefined,
        eventId: item.eventId as string | undefined,
        dossierId: item.dossierId as string | undefined,
        reason: item.reason as string,
        payload: item.payload as string,
      });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}

export { SK as DEAD_LETTER_SORT_KEY };

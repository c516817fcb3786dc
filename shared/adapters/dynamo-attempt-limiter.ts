import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptLimiter } from '../ports/attempt-limiter.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { PK, SK } from './dynamo-items.ts';

/**
 * Attempt counters in the single table: one item per key and window (`LIMIT#<key>` / `W#<window start>`),
 * counted by one conditional update that refuses the attempt past the limit (no read first, no race);
 * DynamoDB deletes the item a window after it ends (TTL). Keys are hashes: no code or address is stored.
 */
export class DynamoAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async attempt(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const start = Math.floor(now / windowMs) * windowMs;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: `LIMIT#${key}`, [SK]: `W#${start}` },
          UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, #ttl = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'attempts', '#ttl': TABLE_DESIGN.timeToLive },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':limit': limit,
            ':expires': Math.ceil((start + 2 * windowMs) / 1000),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

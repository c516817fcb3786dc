import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptLimiter, OneTimeCodes } from '../ports/attempt-limiter.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { timingSafeEqualText } from '../support/timing-safe.ts';
import { PK, SK } from './dynamo-items.ts';

/**
 * Attempt counters in the single table: one item per key and window (`LIMIT#<key>` / `W#<window start>`),
 * counted by one conditional update that refuses the attempt past the limit (no race). The window slides
 * (issue #32): the previous window's count, weighted by how much of it still lies within `windowMs` of
 * now, is carried over — twenty guesses no longer fit into a second across a window's boundary.
 * DynamoDB deletes an item two windows after it began (TTL). Keys are hashes: no code or address is stored.
 */
export class DynamoAttemptLimiter implements AttemptLimiter, OneTimeCodes {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async attempt(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const start = Math.floor(now / windowMs) * windowMs;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: `LIMIT#${key}`, [SK]: `W#${start - windowMs}` },
        ProjectionExpression: 'attempts',
      }),
    );
    const carried = Math.ceil(Number(Item?.attempts ?? 0) * (1 - (now - start) / windowMs));
    if (carried >= limit) return false;
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
            ':limit': limit - carried,
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

  async putCode(key: string, digest: string, expiresAt: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: `LIMIT#${key}`, [SK]: 'OTP' },
        UpdateExpression: 'SET #digest = :digest, #expires = :expires, #tries = :zero, #ttl = :ttl REMOVE #used',
        ExpressionAttributeNames: {
          '#digest': 'digest',
          '#expires': 'validUntil',
          '#tries': 'tries',
          '#ttl': TABLE_DESIGN.timeToLive,
          '#used': 'used',
        },
        ExpressionAttributeValues: {
          ':digest': digest,
          ':expires': expiresAt,
          ':zero': 0,
          ':ttl': Math.ceil(expiresAt / 1000) + 3600,
        },
      }),
    );
  }

  async checkCode(key: string, digest: string, now: number, maxTries: number): Promise<boolean> {
    let stored: Record<string, unknown> | undefined;
    try {
      // One try counted, whatever the digest: only while the code is alive, unused and has tries left.
      ({ Attributes: stored } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: `LIMIT#${key}`, [SK]: 'OTP' },
          UpdateExpression: 'SET #tries = #tries + :one',
          ConditionExpression:
            'attribute_exists(#digest) AND #expires > :now AND #tries < :max AND attribute_not_exists(#used)',
          ExpressionAttributeNames: {
            '#digest': 'digest',
            '#expires': 'validUntil',
            '#tries': 'tries',
            '#used': 'used',
          },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':max': maxTries },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    if (!timingSafeEqualText(String(stored?.digest ?? ''), digest)) return false;
    try {
      // Used once: a second use of the same code fails (the condition above).
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: `LIMIT#${key}`, [SK]: 'OTP' },
          UpdateExpression: 'SET #used = :yes',
          ConditionExpression: 'attribute_not_exists(#used)',
          ExpressionAttributeNames: { '#used': 'used' },
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

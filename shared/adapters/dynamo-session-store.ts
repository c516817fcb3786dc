import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PendingSignIn, SessionStore, WebSession } from '../ports/session-store.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { PK, SK } from './dynamo-items.ts';

/**
 * Web sessions and pending sign-ins in the single table (`SESSION#<hash>` / `SIGNIN#<hash>`, one item
 * each): the key is a hash of the cookie's random value, so the table never holds a usable cookie;
 * DynamoDB deletes an item after its expiry (TTL), and a read checks the expiry itself (dynalite has no TTL).
 */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  private async get(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: pk, [SK]: 'S' }, ConsistentRead: true }),
    );
    if (!Item || Number(Item[TABLE_DESIGN.timeToLive]) * 1000 <= this.now()) return undefined;
    return Item;
  }

  private async put(pk: string, data: unknown, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [PK]: pk,
          [SK]: 'S',
          entity: pk.slice(0, pk.indexOf('#')).toLowerCase(),
          data: JSON.stringify(data),
          [TABLE_DESIGN.timeToLive]: Math.ceil(expiresAt / 1000),
        },
      }),
    );
  }

  async getSession(key: string): Promise<WebSession | undefined> {
    const item = await this.get(`SESSION#${key}`);
    return item ? (JSON.parse(String(item.data)) as WebSession) : undefined;
  }

  putSession(key: string, session: WebSession, expiresAt: number): Promise<void> {
    return this.put(`SESSION#${key}`, session, expiresAt);
  }

  async deleteSession(key: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [PK]: `SESSION#${key}`, [SK]: 'S' } }),
    );
  }

  putPendingSignIn(key: string, pending: PendingSignIn, expiresAt: number): Promise<void> {
    return this.put(`SIGNIN#${key}`, pending, expiresAt);
  }

  /** Read and deleted in one call: a callback replayed with the same cookie finds nothing. */
  async takePendingSignIn(key: string): Promise<PendingSignIn | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { [PK]: `SIGNIN#${key}`, [SK]: 'S' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!Attributes || Number(Attributes[TABLE_DESIGN.timeToLive]) * 1000 <= this.now()) return undefined;
    return JSON.parse(String(Attributes.data)) as PendingSignIn;
  }
}

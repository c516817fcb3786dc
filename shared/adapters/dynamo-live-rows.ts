import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  LEGACY_LIVE_PARTITIONS,
  liveUnitItem,
  liveUnitOf,
  PK,
  REPORT,
  reportKeys,
  SK,
  toRecord,
} from './dynamo-items.ts';
import { queryAll } from './dynamo-query.ts';

/**
 * Moves the rows not closed that were kept by shard before ADR 0027 to the queue of the unit holding each
 * (`dunghan reindex`): only the report index's two keys of each record change — not its data, its
 * version or its chain — each write conditional on the version read and on the row still being where
 * it was, so a dossier written meanwhile (and so moved by its writer) is left alone. Run once after
 * upgrading a table with dossiers open; running it again finds nothing to move.
 */
export class DynamoLiveRowMover {
  private readonly registered = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async moveLegacyRows(): Promise<{ moved: number; skipped: number }> {
    let moved = 0;
    let skipped = 0;
    for (const partition of LEGACY_LIVE_PARTITIONS) {
      for await (const entry of queryAll(this.client, this.tableName, {
        IndexName: REPORT.indexName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': REPORT.partitionKey },
        ExpressionAttributeValues: { ':p': partition },
      })) {
        if ((await this.move(entry[PK], partition)) === 'moved') moved += 1;
        else skipped += 1;
      }
    }
    return { moved, skipped };
  }

  private async move(pk: unknown, partition: string): Promise<'moved' | 'skipped'> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: pk, [SK]: 'META' }, ConsistentRead: true }),
    );
    if (!Item || Item[REPORT.partitionKey] !== partition) return 'skipped';
    const keys = reportKeys(toRecord(Item));
    if (!keys) return 'skipped';
    const unitId = liveUnitOf(keys);
    if (unitId !== undefined && !this.registered.has(unitId)) {
      // Registered before the row moves, as the dossier store does: reports never lose it.
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: liveUnitItem(unitId) }));
      this.registered.add(unitId);
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: pk, [SK]: 'META' },
          UpdateExpression: 'SET #p = :p, #s = :s',
          ConditionExpression: '#version = :version AND #p = :old',
          ExpressionAttributeNames: { '#p': REPORT.partitionKey, '#s': REPORT.sortKey, '#version': 'version' },
          ExpressionAttributeValues: {
            ':p': keys[REPORT.partitionKey],
            ':s': keys[REPORT.sortKey],
            ':version': Item.version,
            ':old': partition,
          },
        }),
      );
      return 'moved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'skipped';
      throw error;
    }
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { DueIndex, DueWalk, UnreadableDossier } from '../ports/due-index.ts';
import { describeError } from '../support/describe-error.ts';
import { mapLimit } from '../support/map-limit.ts';
import { READ_RETRY, withRetry } from '../support/retry-policy.ts';
import { type ChainHeads, dossierKey, GSI, localDay, PK, SHARD_IDS, SK, toRecord } from './dynamo-items.ts';
import { batchGetAll, queryAll } from './dynamo-query.ts';

const DAY = 86_400_000;

/**
 * The sparse next-action index, walked the way ADR 0012 describes: each of its 16 shards from its own
 * watermark (`DETECTOR` / `WATERMARK#<shard>`, the last day bucket read completely) to today, newest
 * bucket first, several shards at once; a shard's watermark moves only past buckets nobody held back,
 * and is written only when it moves. A shard no run has completed starts from the earliest bucket ever
 * written (`DETECTOR` / `LOWMARK`, kept by the dossier store).
 */
export class DynamoDueIndex implements DueIndex {
  private reads = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { clock?: Clock; shardConcurrency?: number; heads?: ChainHeads } = {},
  ) {}

  get itemsRead(): number {
    return this.reads;
  }

  /** The index shards (`00` … `15`). */
  get shards(): readonly string[] {
    return SHARD_IDS;
  }

  async openWalk(now: number): Promise<DueWalk> {
    const today = localDay(now);
    const upTo = new Date(now).toISOString();
    const watermarks = await withRetry(READ_RETRY, () => this.watermarks());
    const holdBack = new Map<string, string>();
    const hold = (shard: string, bucket: string) => {
      const current = holdBack.get(shard);
      if (!current || bucket < current) holdBack.set(shard, bucket);
    };
    const problems: { where: string; reason: string }[] = [];
    let batchesRead = 0;
    return {
      get batchesRead() {
        return batchesRead;
      },
      problems,
      visit: async (visitor) => {
        await mapLimit(SHARD_IDS, this.options.shardConcurrency ?? 4, async (shard) => {
          const watermark = watermarks.get(shard) ?? today;
          // Newest bucket first: a write moving a dossier's next action puts it into a newer bucket, which
          // this walk has then already read — each dossier is read once per walk.
          for (let day = Date.parse(`${today}T00:00:00Z`); day >= Date.parse(`${watermark}T00:00:00Z`); day -= DAY) {
            const bucket = new Date(day).toISOString().slice(0, 10);
            batchesRead += 1;
            let found: { due: DossierRecord[]; unreadable: UnreadableDossier[] };
            try {
              found = await withRetry(READ_RETRY, () => this.readBucket(bucket, shard, upTo));
            } catch (error) {
              // Throttled beyond the retries: this bucket alone waits for the next walk.
              problems.push({ where: `bucket ${bucket}#${shard}`, reason: describeError(error) });
              hold(shard, bucket);
              continue;
            }
            await visitor({ ...found, holdBack: () => hold(shard, bucket) });
          }
        });
      },
      finish: async () => {
        await mapLimit(SHARD_IDS, 4, async (shard) => {
          const next = holdBack.get(shard) ?? today;
          const current = watermarks.get(shard);
          if (current !== undefined && next <= current) return;
          try {
            await withRetry(READ_RETRY, () => this.setWatermark(shard, next));
          } catch (error) {
            // Only makes the next walk read a bucket again.
            problems.push({ where: `watermark ${shard}`, reason: describeError(error) });
          }
        });
      },
    };
  }

  /** Moves a shard's watermark forward (never back). */
  async setWatermark(shard: string, day: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: 'DETECTOR',
            [SK]: `WATERMARK#${shard}`,
            day,
            at: new Date((this.options.clock ?? systemClock).now()).toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #day < :day',
          ExpressionAttributeNames: { '#pk': PK, '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Each shard's watermark (one Query for all), a shard without one starting from the low mark. */
  private async watermarks(): Promise<Map<string, string>> {
    const marks = new Map<string, string>();
    let low: string | undefined;
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': 'DETECTOR' },
      ConsistentRead: true,
    })) {
      const sk = item[SK] as string;
      if (sk === 'LOWMARK') low = item.day as string;
      else if (sk.startsWith('WATERMARK#')) marks.set(sk.slice('WATERMARK#'.length), item.day as string);
    }
    if (low !== undefined) for (const shard of SHARD_IDS) if (!marks.has(shard)) marks.set(shard, low);
    return marks;
  }

  /** The dossiers of one day bucket and shard whose next action is at or before `upTo`. */
  private async readBucket(
    day: string,
    shard: string,
    upTo: string,
  ): Promise<{ due: DossierRecord[]; unreadable: UnreadableDossier[] }> {
    const ids: string[] = [];
    for await (const item of queryAll(this.client, this.tableName, {
      IndexName: GSI.indexName,
      KeyConditionExpression: '#b = :b AND #s <= :upTo',
      ExpressionAttributeNames: { '#b': GSI.partitionKey, '#s': GSI.sortKey },
      ExpressionAttributeValues: { ':b': `DUE#${day}#${shard}`, ':upTo': `${upTo}#\uffff` },
    })) {
      ids.push((item[PK] as string).slice('DOSSIER#'.length));
    }
    // The index holds keys only (a write that does not move a dossier's next action costs it nothing):
    // the records come from the table, 100 a call, eventually consistent (every write the detector makes
    // is conditional on the version it read, so a stale copy only costs a conflict and a fresh read).
    const due: DossierRecord[] = [];
    const unreadable: UnreadableDossier[] = [];
    const keys = ids.map((id) => ({ [PK]: dossierKey(id), [SK]: 'META' }));
    for await (const item of batchGetAll(this.client, this.tableName, keys)) {
      this.reads += 1;
      try {
        due.push(toRecord(item, this.options.heads));
      } catch (error) {
        unreadable.push({
          dossierId: String(item.dossierId ?? (item[PK] as string).slice('DOSSIER#'.length)),
          reason: `unreadable record: ${(error as Error).message}`,
        });
      }
    }
    return { due, unreadable };
  }
}

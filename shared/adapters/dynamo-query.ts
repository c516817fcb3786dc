import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** The one paginated Query of the adapters: every item a query returns, page after page. */
export async function* queryAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: startKey }));
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** round)));

/**
 * The one BatchGetItem of the adapters: the items of `keys`, 100 a call, the keys DynamoDB leaves
 * unprocessed (throttling, the 16 MB answer) asked again after a growing pause. Absent keys yield nothing.
 */
export async function* batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { consistentRead?: boolean } = {},
): AsyncGenerator<Record<string, unknown>> {
  for (let i = 0; i < keys.length; i += 100) {
    let pending = keys.slice(i, i + 100);
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 0) await pause(round);
      const page = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistentRead ?? false } },
        }),
      );
      yield* page.Responses?.[tableName] ?? [];
      pending = (page.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
}

/**
 * The one BatchWriteItem of the adapters: puts `items`, 25 a call, putting again what DynamoDB leaves
 * unprocessed after a growing pause; gives up (throws, naming `what`) after nine rounds. Unconditional:
 * only for items whose content is a function of their key.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  what: string,
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 8) throw new Error(`${what}: the write kept being throttled`);
      if (round > 0) await pause(round);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] as typeof pending | undefined) ?? [];
    }
  }
}

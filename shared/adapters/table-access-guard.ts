import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type TableAccess, TableAccessDeniedError, type TableAction } from '../settings/table-access.ts';
import { PK } from './dynamo-items.ts';

/** One call as IAM sees it: the action, and the partition keys it touches (none for a Scan). */
export interface TableCall {
  action: TableAction;
  keys: string[];
  index?: string | undefined;
}

const ACTIONS: Record<string, TableAction> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};

type Input = Record<string, unknown>;
const pkOf = (item: unknown) => String((item as Record<string, unknown> | undefined)?.[PK] ?? '');

/** What a document-client command asks of the table, read from its input (issue #32). */
export function tableCallOf(command: { constructor: { name: string }; input: unknown }): TableCall | undefined {
  const action = ACTIONS[command.constructor.name];
  if (!action) return undefined;
  const input = command.input as Input;
  switch (action) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return { action, keys: [pkOf(input.Key)] };
    case 'PutItem':
      return { action, keys: [pkOf(input.Item)] };
    case 'Query': {
      if (typeof input.IndexName === 'string') return { action, keys: [], index: input.IndexName };
      const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      const pairs = [...String(input.KeyConditionExpression ?? '').matchAll(/(#?\w+)\s*=\s*(:\w+)/g)];
      const pk = pairs.find(([, attribute = '']) => (names[attribute] ?? attribute) === PK);
      return { action, keys: [String(values[pk?.[2] ?? ''] ?? '')] };
    }
    case 'BatchGetItem':
      return {
        action,
        keys: Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap((r) =>
          (r.Keys ?? []).map(pkOf),
        ),
      };
    case 'BatchWriteItem':
      return {
        action,
        keys: Object.values((input.RequestItems ?? {}) as Record<string, Input[]>).flatMap((requests) =>
          requests.map((r) =>
            pkOf((r.PutRequest as Input | undefined)?.Item ?? (r.DeleteRequest as Input | undefined)?.Key),
          ),
        ),
      };
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return {
        action,
        keys: ((input.TransactItems ?? []) as Record<string, Input>[]).map((t) => {
          const op = Object.values(t)[0] as Input | undefined;
          return pkOf(op?.Item ?? op?.Key);
        }),
      };
    default:
      return { action, keys: [] };
  }
}

/** Whether a partition key matches an IAM `StringLike` pattern (`*` any run of characters). */
function matches(pattern: string, key: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(key);
}

/** Why a call is outside a function's declared access, or undefined. */
export function deniedCall(access: TableAccess, call: TableCall): string | undefined {
  if (access.actions && !access.actions.includes(call.action)) return `may not ${call.action}`;
  if (call.index !== undefined)
    return access.indexes?.includes(call.index) ? undefined : `may not query the index ${call.index}`;
  const read = ['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems'].includes(call.action);
  const patterns = read ? [...access.reads, ...access.writes] : access.writes;
  if (call.action === 'Scan') return 'may not Scan the table';
  const outside = call.keys.filter((key) => !patterns.some((p) => matches(p, key)));
  return outside.length > 0 ? `may not ${call.action} in the partition ${outside[0]}` : undefined;
}

/**
 * The document client a function gets locally: every call checked against the access declared for it
 * (shared/settings/table-access.ts) — the same declaration its IAM policy is made from on AWS — so a call
 * the policy would deny fails here, in the tests, with the function and the partition named.
 */
export function guardedDocuments(
  documents: DynamoDBDocumentClient,
  fn: string,
  access: TableAccess | undefined,
  /** Each call as `{fn, action, partition, index}` (an inventory, `DUNGHAN_TABLE_ACCESS_LOG`). */
  record?: (line: string) => void,
): DynamoDBDocumentClient {
  return new Proxy(documents, {
    get(target, property) {
      if (property !== 'send') return Reflect.get(target, property, target);
      return (command: { constructor: { name: string }; input: unknown }, ...rest: unknown[]) => {
        const call = tableCallOf(command);
        if (call && record)
          for (const key of call.keys.length > 0 ? call.keys : [''])
            record(JSON.stringify({ fn, action: call.action, partition: key.replace(/#.*/, '#*'), index: call.index }));
        const denied = call && access ? deniedCall(access, call) : undefined;
        if (denied)
          return Promise.reject(new TableAccessDeniedError(`${fn} ${denied} (shared/settings/table-access.ts)`));
        return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      };
    },
  });
}

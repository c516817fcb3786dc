import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deniedCall, tableCallOf } from '../../shared/adapters/table-access-guard.ts';
import { TABLE_ACCESS } from '../../shared/settings/table-access.ts';

/** Issue #32: the local check of a function's calls, from the access its IAM policy is made of. */
describe('a function’s declared access', () => {
  const page = TABLE_ACCESS['citizen-page'];
  const sync = TABLE_ACCESS['portal-sync'];
  const call = (command: { constructor: { name: string }; input: unknown }) => {
    const parsed = tableCallOf(command);
    if (!parsed) throw new Error('not a table call');
    return parsed;
  };

  it('lets a function read and write where it declares, and nothing else', () => {
    expect(
      deniedCall(page, call(new GetCommand({ TableName: 't', Key: { pk: 'DOSSIER#H21.65-1', sk: 'META' } }))),
    ).toBeUndefined();
    expect(
      deniedCall(
        page,
        call(
          new UpdateCommand({ TableName: 't', Key: { pk: 'LIMIT#abc', sk: 'W#0' }, UpdateExpression: 'SET a = :a' }),
        ),
      ),
    ).toBeUndefined();
    expect(deniedCall(page, call(new PutCommand({ TableName: 't', Item: { pk: 'DOSSIER#X', sk: 'META' } })))).toBe(
      'may not PutItem',
    );
    expect(deniedCall(sync, call(new PutCommand({ TableName: 't', Item: { pk: 'DOSSIER#X', sk: 'META' } })))).toBe(
      'may not PutItem in the partition DOSSIER#X',
    );
    expect(deniedCall(sync, call(new ScanCommand({ TableName: 't' })))).toBe('may not Scan the table');
  });

  it('reads a query’s partition from its key condition, and its index when it names one', () => {
    const query = new QueryCommand({
      TableName: 't',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': 'SESSION#x', ':p': 'A' },
    });
    expect(call(query)).toEqual({ action: 'Query', keys: ['SESSION#x'] });
    expect(deniedCall(sync, call(query))).toBe('may not Query in the partition SESSION#x');
    const index = new QueryCommand({
      TableName: 't',
      IndexName: 'open-by-next-action',
      KeyConditionExpression: 'g = :g',
    });
    expect(deniedCall(TABLE_ACCESS['detect-deadlines'], call(index))).toBeUndefined();
    expect(deniedCall(sync, call(index))).toBe('may not query the index open-by-next-action');
  });
});

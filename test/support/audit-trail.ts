import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/local-runtime.ts';
import { auditPartition, shardOf } from '../../shared/adapters/dynamo-items.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { type VerifyReport, verifyDossiers } from '../../shared/use-cases/verify-dossiers.ts';

/** `dunghan verify` over a local runtime's table and anchors, for the days given (begun at `now`). */
export function verifyOn(
  runtime: LocalRuntime,
  range: { from: string; to: string },
  now?: number,
): Promise<VerifyReport> {
  return verifyDossiers(
    {
      trail: runtime.platform.table.audit,
      anchors: runtime.anchors,
      store: runtime.store,
      rules: new RuleBook(runtime.config, runtime.platform.clock),
    },
    range,
    now === undefined ? {} : { now },
  );
}

/** The stored audit items of one chain across the days given, in the chain's order. */
export async function chainItems(
  runtime: LocalRuntime,
  id: string,
  days: string[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const day of days) {
    const { Items } = await runtime.clients.documents.send(
      new QueryCommand({
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :id)',
        ExpressionAttributeValues: { ':pk': auditPartition(day, shardOf(id)), ':id': `${id}#` },
      }),
    );
    items.push(...(Items ?? []));
  }
  return items.sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** What a configuration change needs, from a local runtime. */
export function configDepsOf(runtime: LocalRuntime) {
  return {
    config: runtime.config,
    dossiers: runtime.store,
    openDossiers: runtime.platform.table.reports,
    clock: runtime.platform.clock,
  };
}

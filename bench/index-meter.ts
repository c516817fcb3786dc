import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPORT } from '../shared/adapters/dynamo-items.ts';

/**
 * Counts what the report index hands back through this client: rows read out, and the entries a COUNT
 * went through (counted by the store, none read out). The benches' honest measure of what a page or a
 * report reads, whatever the code does with the rows afterwards.
 */
export function meterReportIndex(client: DynamoDBDocumentClient): { rows: number; counted: number } {
  const seen = { rows: 0, counted: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const input = args.input as { Select?: string; IndexName?: string };
      if (input.IndexName !== REPORT.indexName) return result;
      const output = (result.output ?? {}) as { Items?: unknown[]; ScannedCount?: number };
      if (input.Select === 'COUNT') seen.counted += output.ScannedCount ?? 0;
      else seen.rows += output.Items?.length ?? 0;
      return result;
    },
    { step: 'initialize', name: 'reportIndexMeter' },
  );
  return seen;
}

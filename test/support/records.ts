import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/local-runtime.ts';
import { toRecord } from '../../shared/adapters/dynamo-items.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';

/** Every dossier record in the table (a Scan: a test's independent recount, never a production path). */
export async function allDossierRecords(runtime: LocalRuntime): Promise<DossierRecord[]> {
  const records: DossierRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await runtime.clients.documents.send(
      new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) if (item.entity === 'dossier') records.push(toRecord(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DossierOwners } from '../ports/dossier-owners.ts';
import { mapLimit } from '../support/map-limit.ts';
import { PK, SK } from './dynamo-items.ts';

/**
 * The sync feed's owners (ADR 0023): one item per dossier a system sent (`OWNER#<dossier>` / `O`), put
 * if absent — the first system to send a dossier owns it, whatever the order of concurrent requests;
 * read back when the put finds one. One write per dossier, once.
 */
export class DynamoDossierOwners implements DossierOwners {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(
    claims: readonly { dossierId: string; system: string; procedureCode?: string | undefined }[],
    at: string,
  ) {
    const owners = new Map<string, { owner: string; procedureCode?: string | undefined }>();
    const first = new Map(claims.map((c) => [c.dossierId, c]));
    await mapLimit([...first.values()], 8, async (claim) => {
      const key = { [PK]: `OWNER#${claim.dossierId}`, [SK]: 'O' };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              entity: 'owner',
              owner: claim.system,
              at,
              ...(claim.procedureCode ? { procedureCode: claim.procedureCode } : {}),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
        owners.set(claim.dossierId, { owner: claim.system, procedureCode: claim.procedureCode });
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        owners.set(claim.dossierId, {
          owner: String(Item?.owner ?? ''),
          procedureCode: Item?.procedureCode as string | undefined,
        });
      }
    });
    return owners;
  }
}

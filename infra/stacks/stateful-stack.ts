import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../shared/config/table-design.ts';

/** What outlives deployments: the single table of dossiers, events, rules and calendars. */
export class StatefulStack extends Stack {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Dossiers are legal records: the table survives stack deletion and accidental deletes, and can be
    // restored to any second of the last 35 days.
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: TABLE_DESIGN.openByNextAction.indexName,
          partitionKey: { name: TABLE_DESIGN.openByNextAction.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE_DESIGN.openByNextAction.sortKey, type: AttributeType.STRING },
        },
      ],
    });
  }
}

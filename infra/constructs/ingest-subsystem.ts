import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOUND_SOURCE } from '../../shared/contracts/outbound-events.ts';
import { TABLE_ACCESS } from '../../shared/settings/table-access.ts';
import { DungHanFunction } from './dunghan-function.ts';
import { alarmOnFunction, deadLetterQueue, type Operations } from './operations.ts';

export interface IngestSubsystemProps {
  table: ITableV2;
  bus: IEventBus;
  /** The event log's seal key (issue #31). */
  eventSealKey: ISecret;
  operations: Operations;
}

/** Dossier events from the bus into the table: the function, the bus rule, the dead letters, the alarms. */
export class IngestSubsystem extends Construct {
  readonly function: DungHanFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: IngestSubsystemProps) {
    super(scope, id);
    const { operations } = props;
    this.deadLetters = deadLetterQueue(this, operations, {
      logicalId: 'IngestDeadLetters30EF41F6',
      alarm: 'Events were rejected: read the dead-letter queue',
    });
    // 'Default': the function keeps the CloudFormation ids it had at the stack's top level (its log
    // group is retained).
    this.function = new DungHanFunction(this, 'Default', {
      name: 'ingest-dossier-event',
      description: 'Đúng Hạn: dossier events into DynamoDB',
    });
    this.function
      .useTableAccess(props.table, TABLE_ACCESS['ingest-dossier-event'])
      .useBus(props.bus)
      .useEventSeal(props.eventSealKey);
    // A failing event is retried by Lambda, then kept in the dead-letter queue with its payload.
    this.function.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });
    new Rule(this, 'DossierEvents', {
      eventBus: props.bus,
      description: 'Dossier lifecycle events from the one-stop systems',
      // Every event but AWS's own and Đúng Hạn's: an unknown detail-type reaches the function, which
      // dead-letters it with its reason instead of the bus dropping it unseen.
      eventPattern: { source: Match.anythingButWildcard('aws.*', OUTBOUND_SOURCE) },
      targets: [
        new LambdaFunction(this.function.fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });
    alarmOnFunction(this, this.function, 'Ingest', operations);
  }
}

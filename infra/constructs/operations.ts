import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type CfnQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DungHanFunction } from './dunghan-function.ts';

/** What every subsystem needs to be operated: the alarm topic and the dead letters' key. */
export interface Operations {
  alarms: ITopic;
  deadLetterKey: IKey;
}

export const minutes = (m: number) => ({ period: Duration.minutes(m) });

/** An alarm that fires on any non-zero value of the metric, emailed through the alarm topic. */
export function alarmAboveZero(
  scope: Construct,
  id: string,
  operations: Operations,
  metric: IMetric,
  description: string,
): void {
  new Alarm(scope, id, {
    metric,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  }).addAlarmAction(new SnsAction(operations.alarms));
}

/** A function's errors and throttles, alarmed. */
export function alarmOnFunction(scope: Construct, fn: DungHanFunction, label: string, operations: Operations): void {
  alarmAboveZero(scope, 'ErrorsAlarm', operations, fn.fn.metricErrors(minutes(5)), `${label} function errors`);
  alarmAboveZero(scope, 'ThrottlesAlarm', operations, fn.fn.metricThrottles(minutes(5)), `${label} function throttled`);
}

/**
 * A dead-letter queue: encrypted with the project's key (rejected events hold personal data), kept
 * 14 days, retained, and alarmed when anything lands in it. `logicalId` pins the CloudFormation id it
 * had before the subsystems were constructs of their own (ADR 0014): a retained queue whose id changed
 * would be orphaned with its messages and a new, empty one created.
 */
export function deadLetterQueue(
  scope: Construct,
  operations: Operations,
  props: { logicalId: string; alarm: string },
): Queue {
  const queue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: operations.deadLetterKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  (queue.node.defaultChild as CfnQueue).overrideLogicalId(props.logicalId);
  alarmAboveZero(
    scope,
    'DeadLettersAlarm',
    operations,
    queue.metricApproximateNumberOfMessagesVisible(minutes(5)),
    props.alarm,
  );
  return queue;
}

import { Duration, TimeZone } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/settings/env.ts';
import { DungHanFunction } from './dunghan-function.ts';
import { alarmAboveZero, alarmOnFunction, deadLetterQueue, type Operations } from './operations.ts';

export interface AuditSubsystemProps {
  table: ITableV2;
  anchors: IBucket;
  operations: Operations;
}

/**
 * Tamper evidence (ADR 0021): after midnight Vietnam time, the anchoring function hashes each whole day's
 * audit entries and writes the day's head to the Object Lock bucket. It reads the table and may only put
 * and read anchors — no delete, no write to the table. Alarmed on errors, and when no day was anchored
 * for two days (anchoring that stopped is itself a sign).
 */
export class AuditSubsystem extends Construct {
  readonly function: DungHanFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: AuditSubsystemProps) {
    super(scope, id);
    const { operations } = props;
    this.deadLetters = deadLetterQueue(this, operations, {
      logicalId: 'AuditAnchorDeadLetters',
      alarm: 'The schedule could not invoke the audit anchoring',
    });
    this.function = new DungHanFunction(this, 'Anchor', {
      name: 'anchor-audit',
      description: "Đúng Hạn: anchors each day's audit head where no operator can rewrite it",
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 1,
    });
    const fn = this.function.fn;
    // Only what anchoring needs: Query the audit partitions of the table; read, list and put anchors.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      }),
    );
    // The trail's marks: the first day an entry was written (where the first anchor starts) read, and how
    // far the trail is sealed raised (no writer stamps an entry inside an anchored day).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['AUDITTRAIL'] } },
      }),
    );
    fn.addEnvironment(ENV.table, props.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.anchors.arnForObjects('anchors/*'), props.anchors.arnForObjects('checkpoints/*')],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.anchors.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['anchors/*', 'checkpoints/*'] } },
      }),
    );
    fn.addEnvironment(ENV.anchorBucket, props.anchors.bucketName);
    new Schedule(this, 'Schedule', {
      // Whole days after midnight, and a checkpoint of the day under way every quarter of an hour: at most
      // a quarter of an hour of the trail is ever unanchored (issue #31).
      description: 'Every 15 minutes: anchor the days that ended, checkpoint the day under way',
      schedule: ScheduleExpression.cron({ minute: '0/15', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      target: new LambdaInvoke(fn, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    });
    alarmOnFunction(this, this.function, 'Audit anchoring', operations);
    alarmAboveZero(
      this,
      'AnchorConflictsAlarm',
      operations,
      new Metric({
        namespace: 'DungHan',
        metricName: 'AnchorConflicts',
        dimensionsMap: { service: 'dunghan' },
        statistic: 'Sum',
        period: Duration.days(1),
      }),
      'A day was found anchored with another head than its entries give: its entries changed after anchoring, or someone else wrote the anchor (ADR 0021). Run dunghan verify --aws for that day.',
    );
    new Alarm(this, 'NotAnchoredAlarm', {
      metric: new Metric({
        namespace: 'DungHan',
        metricName: 'AnchoredDays',
        dimensionsMap: { service: 'dunghan' },
        statistic: 'Sum',
        period: Duration.days(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription:
        'No audit day anchored for two days: the trail of those days is not protected until anchoring runs again (ADR 0021)',
    }).addAlarmAction(new SnsAction(operations.alarms));
  }
}

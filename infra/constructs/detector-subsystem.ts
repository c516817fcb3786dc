import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOUND_SOURCE } from '../../shared/contracts/outbound-events.ts';
import { ENV } from '../../shared/settings/env.ts';
import { TABLE_ACCESS } from '../../shared/settings/table-access.ts';
import { DungHanFunction } from './dunghan-function.ts';
import { alarmAboveZero, alarmOnFunction, deadLetterQueue, minutes, type Operations } from './operations.ts';

export interface DetectorSubsystemProps {
  table: ITableV2;
  bus: IEventBus;
  linkSecret: ISecret;
  /** The verified sender: identity, address, configuration set. */
  mail: { identity: IEmailIdentity; sender: string; configurationSetName: string };
  /** Where the approval page is served (the base of the links in digests). */
  approvalBaseUrl: string;
  /** Administrators told when a calendar year is still provisional (comma-separated); none when absent. */
  adminEmails?: string | undefined;
  /**
   * Citizens' phones (issue #18, ADR 0019): Zalo ZNS once the province's template is approved (its id),
   * with the OA's credentials secret; SMS through End User Messaging from a registered sender.
   */
  phone?: {
    zaloCredentials: ISecret;
    znsTemplateId?: string | undefined;
    sms?: { originationIdentity?: string | undefined; configurationSet?: string | undefined } | undefined;
    smsTemplate?: string | undefined;
  };
  operations: Operations;
}

/** The scheduled detector: the function, its schedule, its dead letters, its mail grants, its alarms. */
export class DetectorSubsystem extends Construct {
  readonly function: DungHanFunction;
  /** Sends an approved apology at once, reacting to the approval page's event (issue #16). */
  readonly delivery: DungHanFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DetectorSubsystemProps) {
    super(scope, id);
    const { operations } = props;
    this.deadLetters = deadLetterQueue(this, operations, {
      logicalId: 'DetectorDeadLetters27E19400',
      alarm: 'The schedule could not invoke the detector',
    });
    // One run at a time: overlapping runs are safe (leases), but pointless. 'Default': the function
    // keeps the CloudFormation ids it had at the stack's top level (its log group is retained).
    this.function = new DungHanFunction(this, 'Default', {
      name: 'detect-deadlines',
      description: 'Đúng Hạn: deadline stages, digests and apologies',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
    });
    const fn = this.function.fn;
    // The delivery function shares the detector's composition root, permissions and settings.
    this.delivery = new DungHanFunction(this, 'Delivery', {
      name: 'deliver-apology',
      description: 'Đúng Hạn: an approved apology sent at once',
      timeout: Duration.seconds(60),
    });
    for (const sender of [this.function, this.delivery]) {
      this.useMail(sender, props);
      if (props.phone) this.usePhones(sender, props.phone);
    }
    if (props.adminEmails) fn.addEnvironment(ENV.adminEmails, props.adminEmails);
    new Rule(this, 'ApologyApproved', {
      eventBus: props.bus,
      description: 'An official approved an apology: send it now, not at the next scheduled run',
      eventPattern: { source: [OUTBOUND_SOURCE], detailType: ['ApologyApproved'] },
      targets: [
        new LambdaFunction(this.delivery.fn, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });
    new Schedule(this, 'Schedule', {
      description: 'Every 15 minutes in office hours, Monday to Saturday (make-up Saturdays), Vietnam time',
      schedule: ScheduleExpression.cron({
        minute: '0/15',
        hour: '7-17',
        weekDay: 'MON-SAT',
        timeZone: TimeZone.ASIA_HO_CHI_MINH,
      }),
      target: new LambdaInvoke(fn, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
        deadLetterQueue: this.deadLetters,
      }),
    });

    alarmOnFunction(this, this.function, 'Detector', operations);
    alarmOnFunction(new Construct(this, 'DeliveryAlarms'), this.delivery, 'Apology delivery', operations);
    const runMetric = (metricName: string) =>
      new Metric({
        namespace: 'DungHan',
        metricName,
        dimensionsMap: { service: 'dunghan' },
        statistic: 'Sum',
        ...minutes(15),
      });
    alarmAboveZero(
      this,
      'DossierFailuresAlarm',
      operations,
      runMetric('DossierFailures'),
      'Some dossiers failed in a detector run (bad address, SES rejection): see the run log',
    );
    alarmAboveZero(
      this,
      'DossiersParkedAlarm',
      operations,
      runMetric('DossiersParked'),
      'The detector parked a dossier after 3 failing runs: its deadlines are not watched until `dunghan quarantine retry` (ADR 0012)',
    );
  }

  /**
   * Sends the citizen's apology to their phone: reads and rewrites the Zalo credentials (a refreshed
   * token pair), and `sms-voice:SendTextMessage` from the province's sender when SMS is on.
   */
  private usePhones(sender: DungHanFunction, phone: NonNullable<DetectorSubsystemProps['phone']>): void {
    const fn = sender.fn;
    if (phone.znsTemplateId) {
      phone.zaloCredentials.grantRead(fn);
      phone.zaloCredentials.grantWrite(fn);
      fn.addEnvironment(ENV.zaloSecretArn, phone.zaloCredentials.secretArn);
      fn.addEnvironment(ENV.znsTemplateId, phone.znsTemplateId);
    }
    if (phone.sms) {
      fn.addEnvironment(ENV.smsEnabled, 'true');
      if (phone.sms.originationIdentity) fn.addEnvironment(ENV.smsOrigination, phone.sms.originationIdentity);
      if (phone.sms.configurationSet) fn.addEnvironment(ENV.smsConfigurationSet, phone.sms.configurationSet);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['sms-voice:SendTextMessage'],
          resources: [Stack.of(this).formatArn({ service: 'sms-voice', resource: '*' })],
        }),
      );
    }
    if (phone.smsTemplate) fn.addEnvironment(ENV.smsTemplate, phone.smsTemplate);
  }

  /**
   * Sends with the SES API v2 SendEmail (simple content, SES builds the MIME): only ses:SendEmail, on
   * the identity and on the configuration set it sends through (grantSendEmail would add
   * ses:SendRawEmail, which nothing uses); the table as its access declares (table-access.ts), the bus
   * and the link secret.
   */
  private useMail(sender: DungHanFunction, props: DetectorSubsystemProps): void {
    const fn = sender.fn;
    sender
      .useTableAccess(props.table, TABLE_ACCESS['detect-deadlines'])
      .useBus(props.bus)
      .useLinkSecret(props.linkSecret);
    props.mail.identity.grant(fn, 'ses:SendEmail');
    fn.addEnvironment(ENV.sender, props.mail.sender);
    fn.addEnvironment(ENV.sesConfigurationSet, props.mail.configurationSetName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: props.mail.configurationSetName,
          }),
        ],
      }),
    );
    fn.addEnvironment(ENV.approvalBaseUrl, props.approvalBaseUrl);
  }
}

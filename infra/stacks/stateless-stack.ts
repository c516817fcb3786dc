import { Duration, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { OUTBOUND_SOURCE } from '../../shared/contracts/outbound-events.ts';
import { ENV } from '../../shared/settings/env.ts';
import { DungHanFunction } from '../constructs/dunghan-function.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  stateful: StatefulStack;
  /** A custom event bus to create; the account's default bus when absent. */
  eventBusName?: string | undefined;
  /** Where alarms are emailed; no subscription when absent. */
  alarmEmail?: string | undefined;
  /** Administrators told when a calendar year is still provisional (comma-separated); none when absent. */
  adminEmails?: string | undefined;
}

/** The functions, the bus rule, the schedule, the approval API and the alarms. */
export class StatelessStack extends Stack {
  readonly ingest: DungHanFunction;
  readonly detector: DungHanFunction;
  readonly api: DungHanFunction;
  readonly httpApi: HttpApi;
  readonly alarms: Topic;
  readonly ingestDeadLetters: Queue;
  readonly detectorDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    // The dead-letter queues live here, beside the rule and the schedule that feed them: their resource
    // policies name those, and a queue in the stateful stack would make the two stacks depend on each
    // other. They are retained all the same. Rejected events hold personal data: encrypted with our key.
    const key = new Key(this, 'DeadLetterKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const deadLetters = (name: string) =>
      new Queue(this, name, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.ingestDeadLetters = deadLetters('IngestDeadLetters');
    this.detectorDeadLetters = deadLetters('DetectorDeadLetters');
    const bus: IEventBus = props.eventBusName
      ? new EventBus(this, 'Bus', { eventBusName: props.eventBusName })
      : EventBus.fromEventBusName(this, 'Bus', 'default');

    this.ingest = new DungHanFunction(this, 'Ingest', {
      name: 'ingest-dossier-event',
      description: 'Đúng Hạn: dossier events into DynamoDB',
    });
    this.ingest.useTable(stateful.table).useBus(bus);
    // A failing event is retried by Lambda, then kept in the dead-letter queue with its payload.
    this.ingest.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.ingestDeadLetters),
    });
    new Rule(this, 'DossierEvents', {
      eventBus: bus,
      description: 'Dossier lifecycle events from the one-stop systems',
      // Every event but AWS's own and Đúng Hạn's: an unknown detail-type reaches the function, which
      // dead-letters it with its reason instead of the bus dropping it unseen.
      eventPattern: { source: Match.anythingButWildcard('aws.*', OUTBOUND_SOURCE) },
      targets: [
        new LambdaFunction(this.ingest.fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.ingestDeadLetters,
        }),
      ],
    });

    this.api = new DungHanFunction(this, 'Api', {
      name: 'api',
      description: 'Đúng Hạn: apology approval page and administration',
      // A calendar or rule change recomputes the open dossiers it touches within the request.
      timeout: Duration.seconds(29),
    });
    // A recompute can owe the bus a violation event.
    this.api.useTable(stateful.table).useLinkSecret(stateful.linkSecret).useBus(bus);
    this.httpApi = new HttpApi(this, 'HttpApi', { description: 'Đúng Hạn approval page', createDefaultStage: false });
    new HttpStage(this, 'HttpStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.THREE_MONTHS }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration('Approval', this.api.fn);
    this.httpApi.addRoutes({ path: '/approve/{dossierId}', methods: [HttpMethod.GET, HttpMethod.POST], integration });
    // Administration (rules, calendars, audit): IAM only. The caller's ARN is the author in the audit.
    this.httpApi.addRoutes({
      path: '/admin/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT],
      integration: new HttpLambdaIntegration('Admin', this.api.fn),
      authorizer: new HttpIamAuthorizer(),
    });

    // One run at a time: overlapping runs are safe (leases), but pointless.
    this.detector = new DungHanFunction(this, 'Detector', {
      name: 'detect-deadlines',
      description: 'Đúng Hạn: deadline stages, digests and apologies',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
    });
    this.detector.useTable(stateful.table).useBus(bus).useLinkSecret(stateful.linkSecret);
    // The detector sends with the SES API v2 SendEmail (simple content, SES builds the MIME): only
    // ses:SendEmail, on the identity and on the configuration set it sends through. grantSendEmail
    // would add ses:SendRawEmail, which nothing uses.
    stateful.identity.grant(this.detector.fn, 'ses:SendEmail');
    this.detector.fn.addEnvironment(ENV.sender, stateful.senderEmail);
    this.detector.fn.addEnvironment(ENV.sesConfigurationSet, stateful.configurationSet.configurationSetName);
    this.detector.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: stateful.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
    this.detector.fn.addEnvironment(ENV.approvalBaseUrl, this.httpApi.apiEndpoint);
    if (props.adminEmails) this.detector.fn.addEnvironment(ENV.adminEmails, props.adminEmails);
    new Schedule(this, 'DetectorSchedule', {
      description: 'Every 15 minutes in office hours, Monday to Saturday (make-up Saturdays), Vietnam time',
      schedule: ScheduleExpression.cron({
        minute: '0/15',
        hour: '7-17',
        weekDay: 'MON-SAT',
        timeZone: TimeZone.ASIA_HO_CHI_MINH,
      }),
      target: new LambdaInvoke(this.detector.fn, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
        deadLetterQueue: this.detectorDeadLetters,
      }),
    });

    this.alarms = new Topic(this, 'Alarms', { enforceSSL: true, displayName: 'Đúng Hạn alarms' });
    if (props.alarmEmail) this.alarms.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (name: string, metric: Metric, description: string) =>
      new Alarm(this, name, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(this.alarms));
    const minutes = (m: number) => ({ period: Duration.minutes(m) });
    alarm(
      'IngestDeadLettersAlarm',
      this.ingestDeadLetters.metricApproximateNumberOfMessagesVisible(minutes(5)),
      'Events were rejected: read the dead-letter queue',
    );
    alarm(
      'DetectorDeadLettersAlarm',
      this.detectorDeadLetters.metricApproximateNumberOfMessagesVisible(minutes(5)),
      'The schedule could not invoke the detector',
    );
    for (const [name, fn] of [
      ['Ingest', this.ingest],
      ['Detector', this.detector],
      ['Api', this.api],
    ] as const) {
      alarm(`${name}ErrorsAlarm`, fn.fn.metricErrors(minutes(5)), `${name} function errors`);
      alarm(`${name}ThrottlesAlarm`, fn.fn.metricThrottles(minutes(5)), `${name} function throttled`);
    }
    const detectorMetric = (metricName: string) =>
      new Metric({
        namespace: 'DungHan',
        metricName,
        dimensionsMap: { service: 'dunghan' },
        statistic: 'Sum',
        ...minutes(15),
      });
    alarm(
      'DetectorDossierFailuresAlarm',
      detectorMetric('DossierFailures'),
      'Some dossiers failed in a detector run (bad address, SES rejection): see the run log',
    );
    alarm(
      'DetectorDossiersParkedAlarm',
      detectorMetric('DossiersParked'),
      'The detector parked a dossier after 3 failing runs: its deadlines are not watched until `dunghan quarantine retry` (ADR 0012)',
    );
  }
}

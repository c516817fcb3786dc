import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ApiSubsystem } from '../constructs/api-subsystem.ts';
import { AuditSubsystem } from '../constructs/audit-subsystem.ts';
import { DetectorSubsystem } from '../constructs/detector-subsystem.ts';
import { IngestSubsystem } from '../constructs/ingest-subsystem.ts';
import type { Operations } from '../constructs/operations.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  stateful: StatefulStack;
  /** A custom event bus to create; the account's default bus when absent. */
  eventBusName?: string | undefined;
  /** Where alarms are emailed; no subscription when absent. */
  alarmEmail?: string | undefined;
  /** Administrators told when a calendar year is still provisional (comma-separated); none when absent. */
  adminEmails?: string | undefined;
  /** The approved ZNS template's id: Zalo ZNS is used once given (ADR 0019). */
  znsTemplateId?: string | undefined;
  /** SMS through AWS End User Messaging SMS: on when true, from this registered sender (brandname). */
  smsEnabled?: boolean | undefined;
  smsOriginationIdentity?: string | undefined;
}

/**
 * The subsystems, each a construct with its functions, queues and alarms beside them (ADR 0014):
 * ingest, the HTTP API (approval page; administration and reports), the detector. The stack holds
 * only what they share: the bus, the alarm topic, the dead letters' key.
 */
export class StatelessStack extends Stack {
  readonly ingest: IngestSubsystem;
  readonly api: ApiSubsystem;
  readonly detector: DetectorSubsystem;
  readonly audit: AuditSubsystem;
  readonly alarms: Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    // The dead-letter queues live here, beside the rule and the schedule that feed them: their resource
    // policies name those, and a queue in the stateful stack would make the two stacks depend on each
    // other. They are retained all the same. Rejected events hold personal data: encrypted with our key.
    const deadLetterKey = new Key(this, 'DeadLetterKey', {
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.alarms = new Topic(this, 'Alarms', { enforceSSL: true, displayName: 'Đúng Hạn alarms' });
    if (props.alarmEmail) this.alarms.addSubscription(new EmailSubscription(props.alarmEmail));
    const operations: Operations = { alarms: this.alarms, deadLetterKey };
    const bus: IEventBus = props.eventBusName
      ? new EventBus(this, 'Bus', { eventBusName: props.eventBusName })
      : EventBus.fromEventBusName(this, 'Bus', 'default');

    this.ingest = new IngestSubsystem(this, 'Ingest', {
      table: stateful.table,
      bus,
      eventSealKey: stateful.eventSealKey,
      operations,
    });
    this.api = new ApiSubsystem(this, 'Api', {
      table: stateful.table,
      bus,
      linkSecret: stateful.linkSecret,
      syncSecrets: stateful.syncSecrets,
      identity: stateful.identityPools,
      eventSealKey: stateful.eventSealKey,
      anchors: stateful.auditAnchors,
      operations,
      sms: props.smsEnabled ? { originationIdentity: props.smsOriginationIdentity } : undefined,
    });
    this.detector = new DetectorSubsystem(this, 'Detector', {
      table: stateful.table,
      bus,
      linkSecret: stateful.linkSecret,
      mail: {
        identity: stateful.identity,
        sender: stateful.senderEmail,
        configurationSetName: stateful.configurationSet.configurationSetName,
      },
      approvalBaseUrl: this.api.publicBaseUrl,
      adminEmails: props.adminEmails,
      phone: {
        zaloCredentials: stateful.zaloCredentials,
        znsTemplateId: props.znsTemplateId,
        sms: props.smsEnabled ? { originationIdentity: props.smsOriginationIdentity } : undefined,
      },
      operations,
    });
    this.audit = new AuditSubsystem(this, 'Audit', {
      table: stateful.table,
      anchors: stateful.auditAnchors,
      operations,
    });
    // Where people go: the staff's console (issue #34) and the citizens' status page.
    new CfnOutput(this, 'ConsoleUrl', { value: Fn.join('', [this.api.publicBaseUrl, '/console']) });
    new CfnOutput(this, 'CitizenPageUrl', { value: Fn.join('', [this.api.publicBaseUrl, '/tra-cuu']) });
  }
}

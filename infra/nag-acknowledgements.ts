import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { StatefulStack } from './stacks/stateful-stack.ts';
import type { StatelessStack } from './stacks/stateless-stack.ts';

const BASIC_EXECUTION =
  'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** Every cdk-nag finding Đúng Hạn accepts, each on the narrowest construct and with its reason. */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a table of accepted findings, one entry each with its reason
export function acknowledgeNagFindings(stateful: StatefulStack, stateless: StatelessStack): void {
  acknowledge(
    stateful.linkSecret,
    'AwsSolutions::AwsSolutions-SMG4',
    'Rotating the approval-link key would invalidate the links in digests already sent; it is rotated by hand (see README) between detector runs.',
  );
  acknowledge(
    stateful.eventSealKey,
    'AwsSolutions::AwsSolutions-SMG4',
    'Every event item of the log carries a seal made with this key, checked at every fold and verify: rotating it is a re-sealing of the log (a maintenance run), not an automatic rotation.',
  );
  acknowledge(
    stateful.syncSecrets,
    'AwsSolutions::AwsSolutions-SMG4',
    'A sending system holds its key in its own configuration: a key is replaced by adding the system under a new id, switching the sender, then removing the old id (README), not by automatic rotation.',
  );
  acknowledge(
    stateful.zaloCredentials,
    'AwsSolutions::AwsSolutions-SMG4',
    'The Zalo OA tokens rotate themselves: the functions refresh the access token through Zalo and write the new single-use refresh token back; Secrets Manager rotation cannot mint Zalo tokens.',
  );
  for (const fn of [stateless.detector.function, stateless.detector.delivery, stateless.api.citizenPage]) {
    acknowledge(
      fn,
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:${Stack.of(stateless).region}:<AWS::AccountId>:*]`,
      "SendTextMessage names the sender (phone number, pool or sender id) chosen at deployment and the configuration set; the grant covers the account's End User Messaging SMS resources in this region, nothing else.",
    );
  }
  for (const queue of [stateless.ingest.deadLetters, stateless.detector.deadLetters, stateless.audit.deadLetters]) {
    acknowledge(
      queue,
      'AwsSolutions::AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue (of the ingest rule and function, of the detector schedule, or of the anchoring schedule).',
    );
  }
  acknowledge(
    stateless.audit.function,
    'AwsSolutions::AwsSolutions-IAM5[Resource::<AuditAnchors1A79D4A3.Arn>/anchors/*]',
    "The anchoring function reads and writes one object per day under anchors/ (the day is the key); the bucket's Object Lock keeps each version whatever is put.",
  );
  for (const id of [
    'AwsSolutions::AwsSolutions-IAM5[Resource::<AuditAnchors1A79D4A3.Arn>/checkpoints/*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::DungHanStateful:ExportsOutputFnGetAttAuditAnchors1A79D4A3Arn416F6F7C/checkpoints/*]',
  ]) {
    acknowledge(
      stateless.audit.function,
      id,
      "The anchoring function reads and writes the day under way's checkpoints under checkpoints/<day>/ (the instant is the key); Object Lock keeps each version whatever is put.",
    );
  }
  acknowledge(
    stateless.audit.function,
    'AwsSolutions::AwsSolutions-IAM5[Resource::DungHanStateful:ExportsOutputFnGetAttAuditAnchors1A79D4A3Arn416F6F7C/anchors/*]',
    "The anchoring function reads and writes one object per day under anchors/ (the day is the key); the bucket's Object Lock keeps each version whatever is put.",
  );
  for (const prefix of ['anchors', 'verifications']) {
    acknowledge(
      stateless.api.console.fn,
      `AwsSolutions::AwsSolutions-IAM5[Resource::DungHanStateful:ExportsOutputFnGetAttAuditAnchors1A79D4A3Arn416F6F7C/${prefix}/*]`,
      "The console reads (never writes) the audit's daily anchors and clean verification marks, one object per day, to show the administrators the audit's status.",
    );
  }
  acknowledge(
    stateless,
    'AwsSolutions::AwsSolutions-IAM5[Resource::<AuditAnchorFunction2AD476FC.Arn>:*]',
    'The scheduler role may invoke the anchoring function and its versions; nothing else.',
  );
  for (const fn of [
    stateless.ingest.function,
    stateless.detector.function,
    stateless.detector.delivery,
    stateless.api.approvalPage,
    stateless.api.admin,
    stateless.api.sync,
    stateless.api.citizenPage,
    stateless.api.console,
    stateless.audit.function,
  ]) {
    acknowledge(
      fn,
      BASIC_EXECUTION,
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; the log group is created and retained by the construct.',
    );
    acknowledge(
      fn,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) do not support resource-level permissions.',
    );
    for (const id of [
      'AwsSolutions::AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::DungHanStateful:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204/index/*]',
    ]) {
      acknowledge(fn, id, 'The table grant covers its indexes: the detector reads the sparse open-dossier index.');
    }
  }
  for (const id of [
    'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
  ]) {
    acknowledge(
      stateless.ingest.function,
      id,
      'The KMS grant to send failed events to the encrypted dead-letter queue (SqsDestination); scoped to that one key.',
    );
  }
  acknowledge(
    stateless,
    'AwsSolutions::AwsSolutions-IAM5[Resource::<DetectorFunctionDD6A428A.Arn>:*]',
    'The scheduler role may invoke the detector function and its versions; nothing else.',
  );
  acknowledge(
    stateless.api.httpApi,
    'AwsSolutions::AwsSolutions-APIG4',
    "Public routes by design (docs/security.md): the old approval route (a signed link and the head's session, checked in the function) and the sync feed (each request HMAC-signed by its sending system, checked in the function). /admin and /api have Cognito authorizers.",
  );
  acknowledge(
    stateless.api.webClientSecret,
    'AwsSolutions::AwsSolutions-SMG4',
    "The pages' sign-in client secret is the user pool client's own: it is replaced in Cognito (a new client) and pasted here, not minted by Secrets Manager rotation.",
  );
  acknowledge(
    stateful.identityPools.staff,
    'AwsSolutions::AwsSolutions-COG2',
    "Officials, heads and supervisors may enrol TOTP (MFA optional); threat protection (Plus) asks risky sign-ins for more. Administrators sign in to their own pool, where MFA is required, and only that pool's tokens carry the admin grant.",
  );
  acknowledge(
    // The singleton provider of CDK's AwsCustomResource, at the stack's top.
    stateless.node.findChild('AWS679f53fac002430cb0da5b7982bd2287'),
    BASIC_EXECUTION,
    "CDK's AwsCustomResource reads the pages' client secret from Cognito once at deployment; AWSLambdaBasicExecutionRole only lets it write its logs.",
  );
  for (const id of ['AwsSolutions::AwsSolutions-APIG4', 'AwsSolutions::AwsSolutions-COG4']) {
    acknowledge(
      stateless.api.publicApi,
      id,
      "Public pages by design (ADR 0018): the approval page authorises each request by its signed, expiring, single-dossier link and the head's session; the console (issue #34) by the pages' session (a person signed in at the user pool, checked in the function, and the authority module per dossier); the citizens' page by the dossier code and the last four digits, with attempts counted per code and per client. All sit behind stage throttling and a WAF web ACL with a rate-based rule.",
    );
  }
  acknowledge(
    stateless.api.publicApi,
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "The account-level role API Gateway uses to write the stage's execution logs (APIG6); AWS's managed policy is the documented one.",
  );
}

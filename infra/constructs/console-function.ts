import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/settings/env.ts';
import { IDENTITY_ENV } from '../../shared/settings/identity-env.ts';
import { TABLE_ACCESS } from '../../shared/settings/table-access.ts';
import { DungHanFunction } from './dunghan-function.ts';
import type { IdentityPools } from './identity-pools.ts';

/**
 * The console's function (issue #34, ADR 0026): the staff's pages on the pages' sessions. It reads
 * reports and approves, changes configuration and recomputes (sealed events, the bus), reads the audit's
 * anchors and verification marks (never writes them), and mirrors the user directory into both pools.
 */
/** What the console's function is given: the table, the bus, the seal key, the anchors, the pools. */
export interface ConsoleFunctionProps {
  table: ITableV2;
  bus: IEventBus;
  eventSealKey: ISecret;
  anchors: IBucket;
  identity: Pick<IdentityPools, 'staff' | 'admins'>;
}

export function consoleFunction(scope: Construct, props: ConsoleFunctionProps): DungHanFunction {
  const fn = new DungHanFunction(scope, 'Console', {
    name: 'console',
    description: "Đúng Hạn: the staff's console (officials, heads, supervisors, administrators)",
    timeout: Duration.seconds(29),
    memorySize: 1024,
  });
  // Approvals and recomputes announce on the bus and refold sealed events; the administrators' page shows
  // the audit's last anchor and clean verification (read only: no put, no delete).
  fn.useTableAccess(props.table, TABLE_ACCESS.console).useBus(props.bus).useEventSeal(props.eventSealKey);
  fn.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [props.anchors.arnForObjects('anchors/*'), props.anchors.arnForObjects('verifications/*')],
    }),
  );
  fn.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [props.anchors.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['anchors/*', 'verifications/*'] } },
    }),
  );
  fn.fn.addEnvironment(ENV.anchorBucket, props.anchors.bucketName);
  // People added, disabled or given roles in the console are mirrored into both pools (as `users --aws`).
  const { staff, admins } = props.identity;
  fn.fn.addEnvironment(IDENTITY_ENV.staffPool, staff.userPoolId);
  fn.fn.addEnvironment(IDENTITY_ENV.adminPool, admins.userPoolId);
  fn.fn.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminUpdateUserAttributes',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminEnableUser',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:AdminListGroupsForUser',
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminRemoveUserFromGroup',
        'cognito-idp:CreateGroup',
      ],
      resources: [staff.userPoolArn, admins.userPoolArn],
    }),
  );
  return fn;
}

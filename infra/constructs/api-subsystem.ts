import { Duration } from 'aws-cdk-lib';
import { type CfnApi, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type CfnLogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DungHanFunction } from './dunghan-function.ts';
import { alarmOnFunction, type Operations } from './operations.ts';

export interface ApiSubsystemProps {
  table: ITableV2;
  bus: IEventBus;
  linkSecret: ISecret;
  syncSecrets: ISecret;
  operations: Operations;
}

/**
 * The HTTP API and its three functions, apart because their exposure and permissions differ (ADR 0014):
 * the public approval page (signed links; reads the link secret, announces approvals), the administration
 * routes with the supervisors' reports (IAM; writes configuration, may publish, never reads the link
 * secret) and the portal sync feed (signed per sending system; ADR 0017).
 */
export class ApiSubsystem extends Construct {
  readonly httpApi: HttpApi;
  readonly approvalPage: DungHanFunction;
  readonly admin: DungHanFunction;
  readonly sync: DungHanFunction;

  constructor(scope: Construct, id: string, props: ApiSubsystemProps) {
    super(scope, id);
    const { operations } = props;
    this.httpApi = new HttpApi(this, 'HttpApi', { description: 'Đúng Hạn approval page', createDefaultStage: false });
    // The API keeps the id it had at the stack's top level: its URL is in the approval links already sent.
    (this.httpApi.node.defaultChild as CfnApi).overrideLogicalId('HttpApiF5A9A8A7');
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    (accessLogs.node.defaultChild as CfnLogGroup).overrideLogicalId('ApiAccessLogsE9DF007D');
    new HttpStage(this, 'HttpStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    this.approvalPage = new DungHanFunction(this, 'ApprovalPage', {
      name: 'approval-page',
      description: 'Đúng Hạn: apology approval page (public, signed links)',
    });
    // It announces an approval on the bus, so the delivery function sends the letter at once (issue #16).
    this.approvalPage.useTable(props.table).useLinkSecret(props.linkSecret).useBus(props.bus);
    this.httpApi.addRoutes({
      path: '/approve/{dossierId}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Approval', this.approvalPage.fn),
    });

    // 'Default': the administration function keeps the ids of the single API function it was split from.
    this.admin = new DungHanFunction(this, 'Default', {
      name: 'admin-api',
      description: 'Đúng Hạn: administration (rules, calendars, audit) and reports, IAM only',
      // A calendar or rule change recomputes the open dossiers it touches within the request.
      timeout: Duration.seconds(29),
    });
    // A recompute can owe the bus a violation event.
    this.admin.useTable(props.table).useBus(props.bus);
    // The caller's ARN is the author in the audit.
    this.httpApi.addRoutes({
      path: '/admin/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT],
      integration: new HttpLambdaIntegration('Admin', this.admin.fn),
      authorizer: new HttpIamAuthorizer(),
    });

    // The portal sync feed (issue #17, ADR 0017): each sending system signs its requests (HMAC, its own key
    // in the secret), checked in the function; it reads the directory of units, puts events on the bus for
    // the ingest function and keeps the items it cannot use as dead letters in the table.
    this.sync = new DungHanFunction(this, 'PortalSync', {
      name: 'portal-sync',
      description: 'Đúng Hạn: the national portal sync feed (DongBoHoSoMC, CapNhatTienDoHoSoMC), signed per system',
      // API Gateway waits 30 s at most: a 10,000-item request is mapped and put on the bus within it.
      timeout: Duration.seconds(29),
    });
    this.sync.useTable(props.table).useBus(props.bus).useSyncSecrets(props.syncSecrets);
    this.httpApi.addRoutes({
      path: '/sync',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Sync', this.sync.fn),
    });

    const approval = new Construct(this, 'ApprovalPageAlarms');
    alarmOnFunction(approval, this.approvalPage, 'Approval page', operations);
    alarmOnFunction(this, this.admin, 'Admin API', operations);
    alarmOnFunction(new Construct(this, 'PortalSyncAlarms'), this.sync, 'Portal sync feed', operations);
  }
}

import { Duration, Fn, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
  LogGroupLogDestination as RestLogDestination,
} from 'aws-cdk-lib/aws-apigateway';
import { type CfnApi, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { OAuthScope, type UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnLogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WebClientSettings } from '../../shared/adapters/openid-relying-party.ts';
import { ENV } from '../../shared/settings/env.ts';
import type { IssuerSettings } from '../../shared/settings/identity-env.ts';
import { TABLE_ACCESS } from '../../shared/settings/table-access.ts';
import { consoleFunction } from './console-function.ts';
import { DungHanFunction } from './dunghan-function.ts';
import type { IdentityPools } from './identity-pools.ts';
import { alarmOnFunction, type Operations } from './operations.ts';

export interface ApiSubsystemProps {
  table: ITableV2;
  bus: IEventBus;
  linkSecret: ISecret;
  syncSecrets: ISecret;
  /** The user pools people sign in to (ADR 0023). */
  identity: IdentityPools;
  /** The event log's seal key (issue #31): the admin API's recompute refolds only sealed events. */
  eventSealKey: ISecret;
  /** The audit anchors' bucket (ADR 0021): the console shows the last anchor and verification. */
  anchors: IBucket;
  operations: Operations;
  /** SMS from the province's sender: the citizens' page then sends one-time codes to a dossier's phone (issue #32). */
  sms?: { originationIdentity?: string | undefined } | undefined;
}

/** Where the command's public clients return after sign-in (a loopback listener of `dunghan login`). */
export const CLI_CALLBACK = 'http://localhost:8976/callback';

/** The public pages' stage: the last part of their base URL. */
const PUBLIC_STAGE = 'p';

/** Where Cognito's tokens carry the person and their grants (the groups). */
const COGNITO_CLAIMS: IssuerSettings['claims'] = {
  subject: 'sub',
  name: 'name',
  email: 'email',
  username: 'cognito:username',
  grants: 'cognito:groups',
};

/** Requests one client address may send the public pages in five minutes (the WAF rate-based rule). */
export const PUBLIC_RATE_LIMIT_PER_5_MIN = 300;

/**
 * The APIs and their four functions, apart because their exposure and permissions differ (ADR 0014):
 * the public pages — the approval page (signed links; reads the link secret, announces approvals) and the
 * citizens' status page (reads dossiers, counts attempts) — behind a REST API with stage throttling and
 * an AWS WAF web ACL (ADR 0018: WAF does not protect HTTP APIs); on the HTTP API, the administration
 * routes with the supervisors' reports (IAM; writes configuration, may publish, never reads the link
 * secret) and the portal sync feed (signed per sending system; ADR 0017).
 */
export class ApiSubsystem extends Construct {
  readonly httpApi: HttpApi;
  readonly approvalPage: DungHanFunction;
  readonly admin: DungHanFunction;
  readonly sync: DungHanFunction;
  readonly citizenPage: DungHanFunction;
  readonly console: DungHanFunction;
  readonly publicApi: RestApi;
  readonly webAcl: CfnWebACL;
  /** The public pages' base URL (no trailing slash): approval links and the citizens' QR codes. */
  readonly publicBaseUrl: string;
  /** The issuers whose tokens the functions accept: the staff pool and the administrators' pool. */
  readonly issuers: IssuerSettings[];
  readonly staffAuthorizer: HttpUserPoolAuthorizer;
  readonly adminAuthorizer: HttpUserPoolAuthorizer;
  readonly webClientSecret: Secret;

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
      // The sync feed's senders are a few systems; the approval route answers links sent before the move.
      throttle: { rateLimit: 50, burstLimit: 100 },
    });

    this.approvalPage = new DungHanFunction(this, 'ApprovalPage', {
      name: 'approval-page',
      description: 'Đúng Hạn: apology approval page (public, signed links)',
    });
    // It announces an approval on the bus, so the delivery function sends the letter at once (issue #16).
    this.approvalPage
      .useTableAccess(props.table, TABLE_ACCESS['approval-page'])
      .useLinkSecret(props.linkSecret)
      .useBus(props.bus);
    // Approval links sent before the public pages moved behind WAF (ADR 0018) name this API; they expire
    // within 14 days of sending (run-detector.ts), after which this route is removed.
    this.httpApi.addRoutes({
      path: '/approve/{dossierId}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Approval', this.approvalPage.fn),
    });

    // The console (issue #34, ADR 0026): reports, approvals and configuration changes, on the pages' sessions.
    this.console = consoleFunction(this, props);

    // The citizens' status page (issue #18): public, by dossier code and the last four digits.
    this.citizenPage = new DungHanFunction(this, 'CitizenPage', {
      name: 'citizen-page',
      description: "Đúng Hạn: citizens' status page (public, code and last four digits, attempts counted)",
      timeout: Duration.seconds(10),
    });
    this.citizenPage.useTableAccess(props.table, TABLE_ACCESS['citizen-page']);
    if (props.sms) this.useSms(props.sms);

    this.publicApi = this.publicPages();
    const stage = this.publicApi.deploymentStage;
    this.publicBaseUrl = this.baseUrlOf();
    const signIn = this.signIn(props);
    this.issuers = signIn.issuers;
    this.webClientSecret = signIn.webClientSecret;
    this.staffAuthorizer = signIn.staffAuthorizer;
    this.adminAuthorizer = signIn.adminAuthorizer;

    this.webAcl = this.firewall(stage.stageArn);

    this.admin = this.adminFunction(props);
    this.sync = this.syncFunction(props);

    alarmOnFunction(new Construct(this, 'ApprovalPageAlarms'), this.approvalPage, 'Approval page', operations);
    alarmOnFunction(new Construct(this, 'CitizenPageAlarms'), this.citizenPage, "Citizens' page", operations);
    alarmOnFunction(new Construct(this, 'ConsoleAlarms'), this.console, 'Console', operations);
    alarmOnFunction(this, this.admin, 'Admin API', operations);
    alarmOnFunction(new Construct(this, 'PortalSyncAlarms'), this.sync, 'Portal sync feed', operations);
  }

  /** A one-time code by SMS for a citizen shut out by others' guesses (issue #32): SendTextMessage only. */
  private useSms(sms: NonNullable<ApiSubsystemProps['sms']>): void {
    // A one-time code by SMS for a citizen shut out by others' guesses (issue #32): SendTextMessage only.
    this.citizenPage.fn.addEnvironment(ENV.smsEnabled, 'true');
    if (sms.originationIdentity) this.citizenPage.fn.addEnvironment(ENV.smsOrigination, sms.originationIdentity);
    this.citizenPage.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [Stack.of(this).formatArn({ service: 'sms-voice', resource: '*' })],
      }),
    );
  }

  /** The public pages (ADR 0018): approval (signed links), sign-in and the citizens' status page, behind WAF. */
  private publicPages(): RestApi {
    const publicLogs = new LogGroup(this, 'PublicAccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const api = new RestApi(this, 'PublicPages', {
      description: "Đúng Hạn public pages: approval (signed links) and citizens' status",
      endpointTypes: [EndpointType.REGIONAL],
      // Browsers download the console's workbooks and letters: with Lambda proxy, API Gateway returns a
      // base64 answer as bytes only when the request's first Accept type is binary — for browsers, `*/*`.
      // Request bodies then reach the functions base64-encoded, which their form reader decodes.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: true,
      deployOptions: {
        stageName: PUBLIC_STAGE,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        accessLogDestination: new RestLogDestination(publicLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const validator = new RequestValidator(this, 'PublicPagesValidator', {
      restApi: api,
      validateRequestParameters: true,
      // No model: a form's body is the function's to validate (it names the field); this only requires one.
      validateRequestBody: true,
    });
    const approval = new LambdaIntegration(this.approvalPage.fn);
    const citizen = new LambdaIntegration(this.citizenPage.fn);
    const approve = api.root.addResource('approve').addResource('{dossierId}');
    // The pages' sign-in (login, the pool's callback, sign-out): the approval page's function.
    const auth = api.root.addResource('auth').addResource('{action}');
    const lookup = api.root.addResource('tra-cuu');
    const lookupCode = lookup.addResource('{code}');
    for (const method of ['GET', 'POST']) {
      approve.addMethod(method, approval, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.dossierId': true },
      });
      auth.addMethod(method, approval, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.action': true },
      });
      lookup.addMethod(method, citizen, { requestValidator: validator });
      lookupCode.addMethod(method, citizen, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.code': true },
      });
    }
    // The console (issue #34): its own function, on the pages' sessions; pages and their forms.
    const consolePages = new LambdaIntegration(this.console.fn);
    const console = api.root.addResource('console');
    const consoleProxy = console.addResource('{proxy+}');
    for (const method of ['GET', 'POST']) {
      console.addMethod(method, consolePages, { requestValidator: validator });
      consoleProxy.addMethod(method, consolePages, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.proxy': true },
      });
    }
    return api;
  }

  /** The public pages' base URL (no trailing slash): approval links and the citizens' QR codes. */
  private baseUrlOf(): string {
    return Fn.join('', [
      'https://',
      this.publicApi.restApiId,
      '.execute-api.',
      Stack.of(this).region,
      '.',
      Stack.of(this).urlSuffix,
      '/',
      // The stage's name as written, not its token: the sign-in client names these URLs, and the stage
      // depends (through the functions) on that client.
      PUBLIC_STAGE,
    ]);
  }

  /** Sign-in (ADR 0023): the clients of both pools, the issuers the functions accept, the API's authorizers. */
  private signIn(props: ApiSubsystemProps) {
    // Sign-in (ADR 0023): the pages' client of the staff pool (confidential: its secret in Secrets Manager),
    // the command's public clients of both pools; ID tokens live 10 minutes, refreshed for up to 8 hours.
    const { staff, admins } = props.identity;
    const tokenLife = {
      idTokenValidity: Duration.minutes(10),
      accessTokenValidity: Duration.minutes(10),
      refreshTokenValidity: Duration.hours(8),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    };
    const scopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];
    // The clients are this stack's (they name its URLs); the pools are the stateful stack's.
    // The pages' own Vietnamese form signs people in (Cognito's managed login has no Vietnamese): the
    // password flow with the client's secret hash, and refresh; no OAuth redirect to the pool. One client
    // in each pool: the form finds a person in the staff's, else in the administrators'.
    const pagesClient = (pool: UserPool, id: string) =>
      new UserPoolClient(this, id, {
        userPool: pool,
        generateSecret: true,
        ...tokenLife,
        authFlows: { userPassword: true },
        disableOAuth: true,
      });
    const webClient = pagesClient(staff, 'PagesClient');
    const adminWebClient = pagesClient(admins, 'AdminPagesClient');
    const cliClient = (pool: UserPool, id: string) =>
      new UserPoolClient(this, id, {
        userPool: pool,
        generateSecret: false,
        ...tokenLife,
        oAuth: { flows: { authorizationCodeGrant: true }, scopes, callbackUrls: [CLI_CALLBACK] },
      });
    const staffCli = cliClient(staff, 'StaffCommandClient');
    const adminCli = cliClient(admins, 'AdminCommandClient');
    const region = Stack.of(this).region;
    const issuerOf = (pool: UserPool) => `https://cognito-idp.${region}.amazonaws.com/${pool.userPoolId}`;
    const issuers: IssuerSettings[] = [
      {
        issuer: issuerOf(staff),
        audience: [webClient.userPoolClientId, staffCli.userPoolClientId],
        claims: COGNITO_CLAIMS,
        roles: ['official', 'head', 'supervisor'],
      },
      {
        issuer: issuerOf(admins),
        audience: [adminWebClient.userPoolClientId, adminCli.userPoolClientId],
        claims: COGNITO_CLAIMS,
        roles: ['admin'],
      },
    ];
    const webClientSecret = new Secret(this, 'PagesClientSecret', {
      description: "Đúng Hạn pages' sign-in client secrets: {staff, admins}",
      secretObjectValue: { staff: webClient.userPoolClientSecret, admins: adminWebClient.userPoolClientSecret },
    });
    const pagesSignIn: Omit<WebClientSettings, 'clientSecret'> = {
      mode: 'cognito',
      region,
      issuer: issuerOf(staff),
      clientId: webClient.userPoolClientId,
      redirectUri: Fn.join('', [this.publicBaseUrl, '/auth/callback']),
      signedOutUri: Fn.join('', [this.publicBaseUrl, '/auth/signed-out']),
      logoutUrl: `https://${props.identity.staffDomainPrefix}.auth.${region}.amazoncognito.com/logout`,
      pools: [
        { issuer: issuerOf(staff), clientId: webClient.userPoolClientId, secretKey: 'staff' },
        { issuer: issuerOf(admins), clientId: adminWebClient.userPoolClientId, secretKey: 'admins' },
      ],
    };
    // The console (issue #34) resumes and refreshes the same sessions with the same client.
    for (const fn of [this.approvalPage, this.console])
      fn.useIdentityIssuers(issuers).useWebClient(pagesSignIn, webClientSecret);
    const staffAuthorizer = new HttpUserPoolAuthorizer('StaffPool', staff, {
      userPoolClients: [webClient, staffCli],
    });
    const adminAuthorizer = new HttpUserPoolAuthorizer('AdminPool', admins, {
      userPoolClients: [adminWebClient, adminCli],
    });
    return { issuers, webClientSecret, staffAuthorizer, adminAuthorizer };
  }

  /** The public pages' firewall: a rate per client address, and AWS's rules against malformed and hostile input. */
  private firewall(stageArn: string): CfnWebACL {
    // A client address sending more than the limit in five minutes is blocked for a while; AWS's common
    // and known-bad-input rules drop malformed and hostile requests before they reach a function.
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
    });
    const webAcl = new CfnWebACL(this, 'PublicPagesWebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'dunghan-public' },
      rules: [
        {
          name: 'rate-per-address',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: PUBLIC_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            sampledRequestsEnabled: true,
            metricName: 'dunghan-public-rate',
          },
        },
        managed('AWSManagedRulesCommonRuleSet', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new CfnWebACLAssociation(this, 'PublicPagesWebAclAssociation', {
      resourceArn: stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }

  /** The administration and staff API (`/admin/…`, `/api/…`), behind the two pools' authorizers. */
  private adminFunction(props: ApiSubsystemProps): DungHanFunction {
    // 'Default': the administration function keeps the ids of the single API function it was split from.
    const admin = new DungHanFunction(this, 'Default', {
      name: 'admin-api',
      description: 'Đúng Hạn: administration (rules, calendars, audit) and reports, IAM only',
      // A calendar or rule change recomputes the open dossiers it touches within the request.
      timeout: Duration.seconds(29),
    });
    // A recompute can owe the bus a violation event.
    admin.useTableAccess(props.table, TABLE_ACCESS['admin-api']).useBus(props.bus).useEventSeal(props.eventSealKey);
    // Signed-in people only (ADR 0023): administration behind the administrators' pool (MFA), the staff's
    // reads behind the staff pool; the function verifies the token again and asks the authority module.
    admin.useIdentityIssuers(this.issuers);
    const adminIntegration = new HttpLambdaIntegration('Admin', admin.fn);
    this.httpApi.addRoutes({
      path: '/admin/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT],
      integration: adminIntegration,
      authorizer: this.adminAuthorizer,
    });
    this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: adminIntegration,
      authorizer: this.staffAuthorizer,
    });
    return admin;
  }

  private syncFunction(props: ApiSubsystemProps): DungHanFunction {
    // The portal sync feed (issue #17, ADR 0017): each sending system signs its requests (HMAC, its own key
    // in the secret), checked in the function; it reads the directory of units, puts events on the bus for
    // the ingest function and keeps the items it cannot use as dead letters in the table.
    const sync = new DungHanFunction(this, 'PortalSync', {
      name: 'portal-sync',
      description: 'Đúng Hạn: the national portal sync feed (DongBoHoSoMC, CapNhatTienDoHoSoMC), signed per system',
      // API Gateway waits 30 s at most: a 10,000-item request is mapped and put on the bus within it.
      timeout: Duration.seconds(29),
    });
    sync.useTableAccess(props.table, TABLE_ACCESS['portal-sync']).useBus(props.bus).useSyncSecrets(props.syncSecrets);
    this.httpApi.addRoutes({
      path: '/sync',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Sync', sync.fn),
    });
    return sync;
  }
}

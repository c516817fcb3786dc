import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { PUBLIC_RATE_LIMIT_PER_5_MIN } from '../../infra/constructs/api-subsystem.ts';
import { TABLE_ACCESS, type TableAccess } from '../../shared/settings/table-access.ts';

let stateless: Template;
let stateful: Template;
let built: ReturnType<typeof buildApp>;

beforeAll(() => {
  built = buildApp({
    context: {
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      senderEmail: 'noreply@krongpa.gialai.gov.vn',
      alarmEmail: 'ops@krongpa.gialai.gov.vn',
      adminEmails: 'quantri@sonv.gialai.gov.vn',
    },
  });
  stateless = Template.fromStack(built.stateless);
  stateful = Template.fromStack(built.stateful);
}, 120_000);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function statementsOf(roleLogicalIdPrefix: string): Statement[] {
  const policies = stateless.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(roleLogicalIdPrefix))
    .flatMap(
      ([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
}

const actions = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('the CDK app', () => {
  it('synthesises with cdk-nag AwsSolutions and no unacknowledged finding', () => {
    const assembly = built.app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['DungHanStateful', 'DungHanStateless']);
  });

  it('gives each function exactly the permissions it needs, with no "*" resource beyond X-Ray', () => {
    const ingest = statementsOf('IngestFunctionServiceRoleDefaultPolicy');
    const detector = statementsOf('DetectorFunctionServiceRoleDefaultPolicy');
    // Issue #14: the public approval page and the IAM administration routes are two functions.
    const approvalPage = statementsOf('ApiApprovalPageFunctionServiceRoleDefaultPolicy');
    const admin = statementsOf('ApiFunctionServiceRoleDefaultPolicy');
    for (const statements of [ingest, detector, approvalPage, admin]) {
      for (const s of statements) {
        if (s.Resource === '*')
          expect(
            actions([s]).every((a) => a.startsWith('xray:')),
            JSON.stringify(s),
          ).toBe(true);
      }
    }
    expect(actions(ingest)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'events:PutEvents', 'sqs:SendMessage']),
    );
    expect(actions(ingest).some((a) => a.startsWith('ses:'))).toBe(false);
    // The one secret the ingest reads: the event log's seal key (issue #31), nothing else.
    const secretReads = ingest.filter((st) => actions([st]).some((a) => a.startsWith('secretsmanager:')));
    expect(JSON.stringify(secretReads)).toContain('EventSealKey');
    expect(JSON.stringify(secretReads)).not.toMatch(/LinkSecret|SyncSecrets|Zalo/);
    // The approval page reads the link secret, saves the approval and announces it (issue #16); it never mails.
    expect(actions(approvalPage)).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'dynamodb:PutItem', 'events:PutEvents']),
    );
    expect(actions(approvalPage).some((a) => a.startsWith('ses:'))).toBe(false);
    // The delivery function sends the approved letter as the detector would: the same grants.
    const delivery = statementsOf('DetectorDeliveryFunctionServiceRoleDefaultPolicy');
    expect(actions(delivery)).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'secretsmanager:GetSecretValue', 'dynamodb:PutItem']),
    );
    expect(actions(delivery)).not.toContain('ses:SendRawEmail');
    // The admin API recomputes dossiers for administrators and may owe the bus a violation event; it never
    // mails and never reads the link secret.
    expect(actions(admin)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'events:PutEvents']));
    expect(actions(admin).some((a) => a.startsWith('ses:'))).toBe(false);
    // Its one secret: the event log's seal key, for the recompute's refold (issue #31) — never the link secret.
    const adminSecrets = admin.filter((st) => actions([st]).some((a) => a.startsWith('secretsmanager:')));
    expect(JSON.stringify(adminSecrets)).toContain('EventSealKey');
    expect(JSON.stringify(adminSecrets)).not.toMatch(/LinkSecret|SyncSecrets|Zalo/);
    expect(actions(detector)).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'secretsmanager:GetSecretValue', 'events:PutEvents', 'dynamodb:Query']),
    );
    // SES API v2 SendEmail, simple content: no raw MIME, so no ses:SendRawEmail anywhere.
    expect(actions(detector)).not.toContain('ses:SendRawEmail');
    const sesResources = detector
      .filter((s) => actions([s]).includes('ses:SendEmail'))
      .map((s) => JSON.stringify(s.Resource));
    expect(sesResources).toHaveLength(2);
    expect(sesResources.some((r) => r.includes(':identity/') && r.includes('Sender'))).toBe(true);
    expect(sesResources.some((r) => r.includes(':configuration-set/'))).toBe(true);
  });

  it('routes every dossier event type to ingest with retries and a dead-letter queue, and the function too', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      // Issue #13: every detail-type but from AWS and Đúng Hạn itself, so an unknown type is dead-lettered.
      EventPattern: { source: [{ 'anything-but': { wildcard: ['aws.*', 'vn.dunghan'] } }] },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    stateless.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 1209600,
    });
    // Issue #19 adds the anchoring schedule's.
    expect(Object.values(stateless.findResources('AWS::SQS::Queue')).map((q) => q.DeletionPolicy)).toEqual([
      'Retain',
      'Retain',
      'Retain',
    ]);
  });

  it('runs the detector on EventBridge Scheduler every 15 minutes in office hours, Vietnam time, with retries and a DLQ', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0/15 7-17 ? * MON-SAT *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          SENDER_EMAIL: 'noreply@krongpa.gialai.gov.vn',
          LINK_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    // The secret is referenced, never inlined.
    expect(JSON.stringify(stateless.toJSON())).not.toMatch(/"LINK_SECRET"/);
  });

  it('alarms on dead letters, errors, throttles and detector failures, to an SNS topic with the given subscription', () => {
    const alarms = Object.keys(stateless.findResources('AWS::CloudWatch::Alarm'));
    // Issue #13 adds the alarm on parked dossiers (ADR 0012); #14 splits the API into two functions; #16
    // adds the function that sends an approved apology at once; #17 the portal sync feed's function; #19
    // the anchoring function (errors, throttles, dead letters, a day not anchored, a conflicting anchor).
    // #34 the console's function (errors, throttles).
    expect(alarms.length).toBe(25);
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DossierFailures', Namespace: 'DungHan' });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DossiersParked', Namespace: 'DungHan' });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@krongpa.gialai.gov.vn',
    });
  });

  it('puts a Cognito authorizer on every route but the public ones (issue #30)', () => {
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown };
    }[];
    const publicRoutes = ['GET /approve/{dossierId}', 'POST /approve/{dossierId}', 'POST /sync'];
    for (const route of routes) {
      const { RouteKey, AuthorizationType } = route.Properties;
      if (publicRoutes.includes(RouteKey)) expect(AuthorizationType ?? 'NONE', RouteKey).toBe('NONE');
      else expect(AuthorizationType, RouteKey).toBe('JWT');
    }
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      [
        ...publicRoutes,
        'GET /admin/{proxy+}',
        'POST /admin/{proxy+}',
        'PUT /admin/{proxy+}',
        'GET /api/{proxy+}',
        'POST /api/{proxy+}',
      ].sort(),
    );
    // Two authorizers: the administrators' pool on /admin, the staff pool on /api.
    const authorizers = Object.values(stateless.findResources('AWS::ApiGatewayV2::Authorizer')) as {
      Properties: { AuthorizerType: string; JwtConfiguration: { Issuer: unknown; Audience: unknown[] } };
    }[];
    expect(authorizers.map((a) => a.Properties.AuthorizerType)).toEqual(['JWT', 'JWT']);
    const adminRoute = routes.find((r) => r.Properties.RouteKey === 'GET /admin/{proxy+}');
    const apiRoute = routes.find((r) => r.Properties.RouteKey === 'GET /api/{proxy+}');
    expect(JSON.stringify(adminRoute?.Properties.AuthorizerId)).not.toBe(
      JSON.stringify(apiRoute?.Properties.AuthorizerId),
    );
    // The functions verify the tokens again: both issuers, the administrators' pool alone granting admin.
    const admin = Object.values(stateless.findResources('AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f).includes('administration'),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    const issuers = JSON.stringify(admin.Properties.Environment.Variables.IDENTITY_ISSUERS);
    expect(issuers).toContain('\\"roles\\":[\\"official\\",\\"head\\",\\"supervisor\\"]');
    expect(issuers).toContain('\\"roles\\":[\\"admin\\"]');
  });

  it('keeps the people in two user pools: no self sign-up, threat protection, MFA required for administrators (issue #30)', () => {
    const pools = stateful.findResources('AWS::Cognito::UserPool') as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    const byName = Object.fromEntries(
      Object.values(pools).map((p) => [p.Properties.UserPoolName as string, p.Properties] as const),
    );
    expect(Object.keys(byName).sort()).toEqual(['dunghan-admins', 'dunghan-staff']);
    for (const pool of Object.values(byName)) {
      expect(pool.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
      expect(pool.UserPoolTier).toBe('PLUS');
      expect(pool.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
      expect(pool.DeletionProtection).toBe('ACTIVE');
    }
    expect(byName['dunghan-admins']?.MfaConfiguration).toBe('ON');
    expect(byName['dunghan-staff']?.MfaConfiguration).toBe('OPTIONAL');
    stateful.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
    // The pages' client: their own Vietnamese form (the password flow with a secret), short-lived tokens.
    stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      IdTokenValidity: 10,
      RefreshTokenValidity: 480,
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('puts the public pages behind a REST API with stage throttling and a WAF web ACL with a rate-based rule (issue #18)', () => {
    const methods = Object.values(stateless.findResources('AWS::ApiGateway::Method')) as {
      Properties: { HttpMethod: string; AuthorizationType: string };
    }[];
    // The approval page, the pages' sign-in (/auth/{action}) and the citizens' page, each GET and POST;
    // the console's pages and forms (/console, /console/{proxy+}: issue #34), each GET and POST.
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual([
      ...['GET', 'GET', 'GET', 'GET', 'GET', 'GET'],
      ...['POST', 'POST', 'POST', 'POST', 'POST', 'POST'],
    ]);
    // Browsers download the console's workbooks: a base64 answer reaches them as bytes.
    stateless.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
    stateless.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'tra-cuu' });
    stateless.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'console' });
    stateless.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'approve' });
    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'p',
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR' }),
      ]),
    });
    stateless.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: PUBLIC_RATE_LIMIT_PER_5_MIN, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
    const association = Object.values(stateless.findResources('AWS::WAFv2::WebACLAssociation'))[0] as {
      Properties: { ResourceArn: unknown };
    };
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('/stages/');
    // The HTTP API (sync feed, administration, approval links sent before the move) is throttled too.
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    // Links and QR codes name the public API's stage.
    const detector = Object.values(stateless.findResources('AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f).includes('APPROVAL_BASE_URL'),
    );
    expect(JSON.stringify(detector)).toMatch(/PublicPages.*execute-api/);
  });

  it("sends citizens' phone notices once a ZNS template and SMS are configured, with nothing more (issue #18)", () => {
    const phoneApp = buildApp({
      context: { znsTemplateId: '300001', sms: 'true', smsSender: 'UBND-GIALAI' },
    });
    // cdk-nag runs at synthesis: an unacknowledged finding fails it.
    phoneApp.app.synth();
    const template = Template.fromStack(phoneApp.stateless);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }[];
    const phoneFns = functions.filter((f) => f.Properties.Environment?.Variables?.ZNS_TEMPLATE_ID === '300001');
    expect(phoneFns).toHaveLength(2);
    for (const f of phoneFns)
      expect(f.Properties.Environment?.Variables).toMatchObject({
        SMS_ENABLED: 'true',
        SMS_ORIGINATION_IDENTITY: 'UBND-GIALAI',
        ZALO_SECRET_ARN: expect.anything(),
      });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('sms-voice:SendTextMessage');
    expect(policies).toContain('secretsmanager:PutSecretValue');
    // Without the context, no function can send to phones.
    expect(JSON.stringify(stateless.findResources('AWS::IAM::Policy'))).not.toContain('sms-voice:');
  });

  it('gives each function only the access it declares: its partitions by key, its indexes, no Scan (issue #32)', () => {
    const roles: Record<keyof typeof TABLE_ACCESS, string[]> = {
      'citizen-page': ['ApiCitizenPageFunctionServiceRoleDefaultPolicy'],
      'ingest-dossier-event': ['IngestFunctionServiceRoleDefaultPolicy'],
      'portal-sync': ['ApiPortalSyncFunctionServiceRoleDefaultPolicy'],
      'approval-page': ['ApiApprovalPageFunctionServiceRoleDefaultPolicy'],
      'detect-deadlines': [
        'DetectorFunctionServiceRoleDefaultPolicy',
        'DetectorDeliveryFunctionServiceRoleDefaultPolicy',
      ],
      'admin-api': ['ApiFunctionServiceRoleDefaultPolicy'],
      console: ['ApiConsoleFunctionServiceRoleDefaultPolicy'],
    };
    for (const [fn, prefixes] of Object.entries(roles) as [keyof typeof TABLE_ACCESS, string[]][]) {
      const access: TableAccess = TABLE_ACCESS[fn];
      for (const prefix of prefixes) {
        const dynamo = statementsOf(prefix).filter((st) => actions([st]).some((a) => a.startsWith('dynamodb:')));
        const granted = actions(dynamo);
        expect(granted, `${prefix}: no Scan, no wildcard`).not.toContain('dynamodb:Scan');
        expect(granted.some((a) => a.includes('*'))).toBe(false);
        const leading = (st: Statement) =>
          (st as { Condition?: Record<string, Record<string, string[]>> }).Condition?.['ForAllValues:StringLike']?.[
            'dynamodb:LeadingKeys'
          ];
        const onTable = dynamo.filter((st) => !JSON.stringify(st.Resource).includes('/index/'));
        // Every statement on the table is bound to partitions: reads to the declared ones, writes to its own.
        for (const st of onTable) expect(leading(st), `${prefix} ${JSON.stringify(st.Action)}`).toBeDefined();
        const writes = onTable.find((st) => actions([st]).some((a) => /Put|Update|Delete|BatchWrite/.test(a)));
        expect([...(leading(writes as Statement) ?? [])].sort()).toEqual([...access.writes].sort());
        const reads = onTable.find((st) => actions([st]).some((a) => /GetItem|Query/.test(a)));
        expect([...(leading(reads as Statement) ?? [])].sort()).toEqual(
          [...new Set([...access.reads, ...access.writes])].sort(),
        );
        const indexes = dynamo.filter((st) => JSON.stringify(st.Resource).includes('/index/'));
        expect(indexes.length > 0).toBe((access.indexes?.length ?? 0) > 0);
      }
    }
    // The citizens' page: only what it uses.
    expect(
      actions(statementsOf('ApiCitizenPageFunctionServiceRoleDefaultPolicy')).filter((a) => a.startsWith('dynamodb:')),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('takes the portal sync feed at POST /sync, signed per sending system with keys from Secrets Manager (issue #17)', () => {
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; AuthorizationType?: string };
    }[];
    // The function checks each system's HMAC signature (ADR 0017): API Gateway lets the request through.
    expect(
      routes.filter((r) => r.Properties.RouteKey === 'POST /sync').map((r) => r.Properties.AuthorizationType),
    ).toEqual(['NONE']);
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('portal sync feed'),
      Timeout: 29,
      Environment: {
        Variables: Match.objectLike({ SYNC_SECRETS_ARN: Match.anyValue(), EVENT_BUS_NAME: Match.anyValue() }),
      },
    });
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'one-stop' }),
    });
    expect(JSON.stringify(stateless.toJSON())).not.toMatch(/"SYNC_SECRETS"/);
  });

  it('tells the detector whom to email about provisional calendar years', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('deadline stages'),
      Environment: { Variables: Match.objectLike({ ADMIN_EMAILS: 'quantri@sonv.gialai.gov.vn' }) },
    });
  });

  it('keeps two indexes: the next action (keys only) and the report row, whose live partitions previews read', () => {
    const table = Object.values(stateful.findResources('AWS::DynamoDB::GlobalTable'))[0] as {
      Properties: { GlobalSecondaryIndexes: { IndexName: string; Projection: unknown }[] };
    };
    expect(table.Properties.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.Projection])).toEqual([
      ['open-by-next-action', { ProjectionType: 'KEYS_ONLY' }],
      ['report-by-close', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['report'] }],
    ]);
  });

  it('keeps the table (on demand, PITR, deletion protection, retained) and the link secret generated, not written', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
    stateful.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    stateful.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'noreply@krongpa.gialai.gov.vn' });
  });

  it('anchors the audit trail in an Object Lock bucket (compliance mode) the anchoring function may only read and put (issue #19, #31)', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'anchors/' }),
    });
    const anchorBucket = Object.entries(stateful.findResources('AWS::S3::Bucket')).find(
      ([, b]) => (b as { Properties: { ObjectLockEnabled?: boolean } }).Properties.ObjectLockEnabled,
    );
    expect(anchorBucket?.[1]).toMatchObject({ DeletionPolicy: 'Retain' });
    // Every quarter of an hour (issue #31): whole days after midnight, and a checkpoint of the day under way.
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0/15 * * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
    });
    const anchor = statementsOf('AuditAnchorFunctionServiceRoleDefaultPolicy');
    expect(actions(anchor).filter((a) => !a.startsWith('xray:'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    const query = anchor.find((st) => actions([st]).includes('dynamodb:Query'));
    expect(JSON.stringify(query)).toContain('"dynamodb:LeadingKeys":["AUDIT#*"]');
    // Its one write: how far the trail is sealed, in the trail's own mark partition and nowhere else.
    const marks = anchor.find((st) => actions([st]).includes('dynamodb:PutItem'));
    expect(actions([marks as never])).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(JSON.stringify(marks)).toContain('"dynamodb:LeadingKeys":["AUDITTRAIL"]');
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ANCHOR_BUCKET: Match.anyValue() }) },
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AnchorConflicts', Threshold: 0 });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AnchoredDays',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('matches the template snapshot (asset hashes masked)', () => {
    const masked = JSON.stringify({ stateful: stateful.toJSON(), stateless: stateless.toJSON() }, null, 1).replace(
      /[0-9a-f]{64}/g,
      '<hash>',
    );
    expect(masked).toMatchSnapshot();
  });
});

describe('an approval delivered at once (issue #16)', () => {
  it('routes the approval page’s ApologyApproved event to the delivery function, with retries and a DLQ', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['vn.dunghan'], 'detail-type': ['ApologyApproved'] },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });
});

describe('the subsystem constructs (issue #14)', () => {
  it('keep the CloudFormation ids of what outlives a deployment: dead letters, their key, log groups, the API URL', () => {
    const ids = Object.keys(stateless.toJSON().Resources as Record<string, unknown>);
    expect(ids).toEqual(
      expect.arrayContaining([
        'DeadLetterKey972EF902',
        'IngestDeadLetters30EF41F6',
        'DetectorDeadLetters27E19400',
        'IngestLogs41B5EF21',
        'DetectorLogs1FFA9796',
        'ApiLogsCD139AD4',
        'ApiAccessLogsE9DF007D',
        'HttpApiF5A9A8A7',
        'Alarms04B5A0BF',
      ]),
    );
  });
});

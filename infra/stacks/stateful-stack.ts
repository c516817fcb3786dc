import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE_DESIGN, TABLE_INDEXES } from '../../shared/settings/table-design.ts';
import { IdentityPools } from '../constructs/identity-pools.ts';

export interface StatefulStackProps extends StackProps {
  /** The verified sender address of the emails (`noreply@…gov.vn`). */
  senderEmail: string;
  /** How long each day's audit anchor is locked against deletion and change (ADR 0021); default 10 years. */
  anchorRetentionYears?: number | undefined;
}

/** What outlives deployments: the table, the SES identity and the link secret. */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly linkSecret: Secret;
  /** The sync feed's senders: `{"<system id>": "<HMAC secret>"}` (ADR 0017). */
  readonly syncSecrets: Secret;
  /** The Zalo Official Account's credentials for ZNS (ADR 0019), filled in by the province; rewritten on each token refresh. */
  readonly zaloCredentials: Secret;
  readonly senderEmail: string;
  /** Each day's audit head (ADR 0021), under Object Lock in compliance mode: no one can rewrite it. */
  readonly auditAnchors: Bucket;
  /** The anchor bucket's server access log (who read or tried to write an anchor). */
  readonly auditAnchorLogs: Bucket;
  /** Who signs in: the staff's and the administrators' user pools (ADR 0023). */
  readonly identityPools: IdentityPools;
  /** The event log's seal key (issue #31): only the writers of events read it. */
  readonly eventSealKey: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.senderEmail = props.senderEmail;
    // Dossiers are legal records: the table survives stack deletion and accidental deletes, and can be
    // restored to any second of the last 35 days.
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Short-lived items (the status page's attempt counters) say when DynamoDB may delete them.
      timeToLiveAttribute: TABLE_DESIGN.timeToLive,
      // The indexes as the table design defines them (keys and projections), the same as `ensureTable`.
      globalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection === 'KEYS_ONLY'
          ? { projectionType: ProjectionType.KEYS_ONLY }
          : index.projection === 'ALL'
            ? {}
            : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      })),
    });
    // Tamper evidence (ADR 0021): the daily anchors of the audit trail. Object Lock in compliance mode with
    // a default retention: every version of every anchor is kept unchanged until it expires, whatever the
    // credentials (the account's root included); versioning is what Object Lock requires.
    this.auditAnchorLogs = new Bucket(this, 'AuditAnchorLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.auditAnchors = new Bucket(this, 'AuditAnchors', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(
        Duration.days(365 * (props.anchorRetentionYears ?? 10)),
      ),
      serverAccessLogsBucket: this.auditAnchorLogs,
      serverAccessLogsPrefix: 'anchors/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.identityPools = new IdentityPools(this, 'Identity');
    // What `dunghan users --aws` needs (STAFF_USER_POOL_ID, ADMIN_USER_POOL_ID).
    new CfnOutput(this, 'StaffUserPoolId', { value: this.identityPools.staff.userPoolId });
    new CfnOutput(this, 'AdminUserPoolId', { value: this.identityPools.admins.userPoolId });
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {});
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
    // The event log's seal (issue #31): an event written into the table without it is never folded.
    this.eventSealKey = new Secret(this, 'EventSealKey', {
      description: 'Đúng Hạn event log seal key (HMAC-SHA256 over each event item)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The approval-link signing key is generated by Secrets Manager; it never appears in the template.
    this.linkSecret = new Secret(this, 'LinkSecret', {
      description: 'Đúng Hạn approval-link signing key (HMAC-SHA256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Each one-stop system that sends the portal feed signs with its own key; a first one is generated
    // (its id `one-stop`), the province adds others by editing the secret (README: connecting a system).
    this.syncSecrets = new Secret(this, 'SyncSecrets', {
      description: 'Đúng Hạn sync feed: each sending system\'s HMAC-SHA256 key, {"<system id>": "<key>"}',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'one-stop',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Zalo ZNS (issue #18): the province pastes its OA's app id, secret key and refresh token (README); the
    // functions write the refreshed pair back (Zalo's refresh token works once). Unused until the stack
    // is given the approved template's id (context `znsTemplateId`).
    this.zaloCredentials = new Secret(this, 'ZaloCredentials', {
      description:
        'Đúng Hạn Zalo ZNS: {"appId","secretKey","accessToken","refreshToken","expiresAt"} of the province\'s Official Account',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          appId: '',
          secretKey: '',
          accessToken: '',
          refreshToken: '',
          expiresAt: 0,
        }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

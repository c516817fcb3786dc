import { Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { WebClientSettings } from '../../shared/adapters/openid-relying-party.ts';
import { ENV } from '../../shared/settings/env.ts';
import { IDENTITY_ENV, type IssuerSettings } from '../../shared/settings/identity-env.ts';
import type { TableAccess, TableAction } from '../../shared/settings/table-access.ts';
import { BUNDLE } from './bundle-settings.ts';

export interface DungHanFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  name: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  /** Set where two invocations must not overlap (the detector). */
  reservedConcurrentExecutions?: number;
}

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * One Lambda function with the project's defaults: Node.js 24 on arm64, an ESM bundle built by the
 * local esbuild (no Docker), source maps, X-Ray tracing, a log group kept three months. Environment
 * variables are added by the constructs that grant the resources they name.
 */
export class DungHanFunction extends Construct {
  readonly fn: NodejsFunction;

  /** Reads and writes the table, named in the variable the function reads it from. */
  useTable(table: ITableV2): this {
    table.grantReadWriteData(this.fn);
    this.fn.addEnvironment(ENV.table, table.tableName);
    return this;
  }

  /**
   * Only what the function's declared access allows (shared/settings/table-access.ts, issue #32): reads
   * by key in its partitions (`dynamodb:LeadingKeys`), writes in its own, queries of the indexes named,
   * no Scan. Locally the same declaration checks each call (table-access-guard.ts).
   */
  useTableAccess(table: ITableV2, access: TableAccess): this {
    const allowed = (actions: readonly TableAction[]) => actions.filter((a) => access.actions?.includes(a) ?? true);
    const reads = allowed(['GetItem', 'Query', 'BatchGetItem']);
    if (reads.length > 0)
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: reads.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...new Set([...access.reads, ...access.writes])] },
          },
        }),
      );
    const writes = allowed(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
    if (access.writes.length > 0 && writes.length > 0)
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: writes.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.writes] } },
        }),
      );
    if (access.indexes && access.indexes.length > 0)
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    this.fn.addEnvironment(ENV.table, table.tableName);
    return this;
  }

  /** Publishes to the bus, named in the variable the function reads it from. */
  useBus(bus: IEventBus): this {
    bus.grantPutEventsTo(this.fn);
    this.fn.addEnvironment(ENV.bus, bus.eventBusName);
    return this;
  }

  /** Reads the approval-link signing key, named by its ARN (never its value) in the environment. */
  useLinkSecret(secret: ISecret): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(ENV.linkSecretArn, secret.secretArn);
    return this;
  }

  /** Seals and checks the event log (issue #31): the key's secret named by its ARN, never its value. */
  useEventSeal(secret: ISecret): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(ENV.eventSealKeyArn, secret.secretArn);
    return this;
  }

  /** Reads the sync feed senders' keys, named by the secret's ARN (never its value) in the environment. */
  useSyncSecrets(secret: ISecret): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(ENV.syncSecretsArn, secret.secretArn);
    return this;
  }

  /**
   * Verifies the tokens of these issuers (ADR 0023): their settings as JSON in the environment (ids and
   * URLs, no secret), read by the one verifier.
   */
  useIdentityIssuers(issuers: readonly IssuerSettings[]): this {
    this.fn.addEnvironment(IDENTITY_ENV.issuers, Stack.of(this).toJsonString(issuers));
    return this;
  }

  /** Signs people in on the pages with this client (its secret named by ARN, never its value). */
  useWebClient(client: Omit<WebClientSettings, 'clientSecret'>, secret: ISecret): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(IDENTITY_ENV.webClient, Stack.of(this).toJsonString(client));
    this.fn.addEnvironment(IDENTITY_ENV.webClientSecretArn, secret.secretArn);
    return this;
  }

  constructor(scope: Construct, id: string, props: DungHanFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'dunghan',
        POWERTOOLS_METRICS_NAMESPACE: 'DungHan',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        sourceMap: true,
        minify: true,
        externalModules: BUNDLE.external,
        mainFields: BUNDLE.mainFields,
        banner: BUNDLE.banner,
      },
    });
  }
}

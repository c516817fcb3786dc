import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
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

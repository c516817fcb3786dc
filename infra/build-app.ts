import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

/**
 * The app: both stacks, cdk-nag AwsSolutions checks and the acknowledged findings. Parameters come as
 * context: `senderEmail`, `alarmEmail`, `adminEmails` (comma-separated), `region`, `eventBusName`, and
 * for citizens' phones `znsTemplateId`, `sms` (`true`) and `smsSender` (ADR 0019); `anchorRetentionYears` for the
 * audit anchors' Object Lock (ADR 0021, default 10).
 */
export function buildApp(props: AppProps = {}): { app: App; stateful: StatefulStack; stateless: StatelessStack } {
  const app = new App(props);
  const context = (key: string) => app.node.tryGetContext(key) as string | undefined;
  // Region defaults to Singapore, the nearest AWS region.
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: context('region') ?? process.env.CDK_DEFAULT_REGION ?? 'ap-southeast-1',
  };
  const stateful = new StatefulStack(app, 'DungHanStateful', {
    env,
    description: 'Đúng Hạn — stateful resources (retained)',
    senderEmail: context('senderEmail') ?? 'dunghan@example.gov.vn',
    anchorRetentionYears: context('anchorRetentionYears') ? Number(context('anchorRetentionYears')) : undefined,
  });
  const stateless = new StatelessStack(app, 'DungHanStateless', {
    env,
    description: 'Đúng Hạn — functions, schedule, API, alarms',
    stateful,
    eventBusName: context('eventBusName'),
    alarmEmail: context('alarmEmail'),
    adminEmails: context('adminEmails'),
    znsTemplateId: context('znsTemplateId'),
    smsEnabled: String(context('sms') ?? 'false') === 'true',
    smsOriginationIdentity: context('smsSender'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stateful, stateless);
  return { app, stateful, stateless };
}

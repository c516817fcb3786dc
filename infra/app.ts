import { App } from 'aws-cdk-lib';
import { StatefulStack } from './stacks/stateful-stack.ts';

// Creates the app and its stacks; no logic here. Region defaults to Singapore, the nearest AWS region.
const app = new App();
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region:
    (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION ?? 'ap-southeast-1',
};
new StatefulStack(app, 'DungHanStateful', { env, description: 'Đúng Hạn — stateful resources (retained)' });
app.synth();

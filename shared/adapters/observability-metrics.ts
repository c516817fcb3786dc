import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch metrics (EMF) of the functions, namespace DungHan. */
export const metrics = new Metrics({ namespace: 'DungHan', serviceName: 'dunghan' });
export { MetricUnit };

import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger of the functions. Log ids, types, counts and reasons — never names, identity
 * numbers, phones, emails, addresses or letter bodies.
 */
export const logger = new Logger({ serviceName: 'dunghan' });

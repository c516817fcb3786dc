import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { readApiConfig } from '../../shared/settings/detector-env.ts';
import type { AdminDeps } from '../../shared/use-cases/administer-config.ts';
import { adminDeps } from './deps.ts';
import { type AdminEvent, routeAdmin } from './routes.ts';

/**
 * The administration endpoints under /admin/ (rules, calendars, audit, reports), IAM-authorised by the
 * HTTP API. Its own function (ADR 0014): it writes configuration and may owe the bus a violation event,
 * and never reads the link secret.
 */
export function createAdminApiHandler(deps: AdminDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const response = await routeAdmin(deps, event as AdminEvent);
      logger.info('admin request', {
        method: event.requestContext?.http?.method,
        path: event.rawPath,
        statusCode: response.statusCode,
      });
      return response;
    });
}

let wired: ReturnType<typeof createAdminApiHandler> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createAdminApiHandler>>[1],
) => {
  wired ??= createAdminApiHandler(adminDeps(platformFromEnvironment(readApiConfig())));
  return wired(event, context);
};

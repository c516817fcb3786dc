import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requireEventSealKey } from '../../shared/adapters/event-seal.ts';
import { verifierFromEnvironment } from '../../shared/adapters/identity.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import type { TokenVerifier } from '../../shared/ports/token-verifier.ts';
import { readApiConfig } from '../../shared/settings/detector-env.ts';
import type { AdminDeps } from '../../shared/use-cases/administer-config.ts';
import { adminDeps } from './deps.ts';
import { routeAdmin } from './routes.ts';

/**
 * The staff API: administration under /admin/ (rules, calendars, units, users, audit) and the staff's
 * reads under /api/ (reports, dossiers, approvals), each request with a bearer token of a trusted issuer
 * (a JWT authorizer in front on AWS, the one verifier and the authority module here). Its own function
 * (ADR 0014): it writes configuration and may owe the bus a violation event, and never reads the link secret.
 */
export function createAdminApiHandler(deps: AdminDeps, verifier: TokenVerifier) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const response = await routeAdmin(deps, event, verifier);
      logger.info('admin request', {
        method: event.requestContext?.http?.method,
        path: event.rawPath,
        statusCode: response.statusCode,
      });
      return response;
    });
}

let wired: Promise<ReturnType<typeof createAdminApiHandler>> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createAdminApiHandler>>[1],
) => {
  // A recompute refolds logs: only sealed events (issue #31), so the seal's key is read once per container.
  wired ??= requireEventSealKey().then((key) =>
    createAdminApiHandler(adminDeps(platformFromEnvironment(readApiConfig(), key)), verifierFromEnvironment()),
  );
  return (await wired)(event, context);
};

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CognitoIdentityMirror } from '../../shared/adapters/cognito-identity-mirror.ts';
import { htmlResponse } from '../../shared/adapters/html-responses.ts';
import { basePathOf } from '../../shared/adapters/http-identity.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { acceptRestApiEvents } from '../../shared/adapters/rest-api-events.ts';
import { readApiConfig } from '../../shared/settings/detector-env.ts';
import { readAnchorConfig } from '../../shared/settings/env.ts';
import { readUserPools } from '../../shared/settings/identity-env.ts';
import type { WebAuthDeps } from '../../shared/use-cases/web-session.ts';
import { s3Anchors } from '../anchor-audit/deps.ts';
import { webAuthFromEnvironment } from '../approval-page/deps.ts';
import { refusalPage } from '../approval-page/page.ts';
import { consoleRoute } from './console-route.ts';
import { type ConsoleDeps, consoleDeps } from './deps.ts';

/**
 * The console (issue #34, ADR 0026): the officials', heads', supervisors' and administrators' pages,
 * server-rendered on the pages' sessions (`/console…`). Its own function: it reads reports and writes
 * configuration, which the public sign-in and approval-link function must not.
 */
export function createConsoleHandler(deps: Omit<ConsoleDeps, 'formTargets'>, web: WebAuthDeps) {
  const wired: ConsoleDeps = { ...deps, formTargets: web.formTargets };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(acceptRestApiEvents())
    .handler(async (event) => {
      if (!/^\/console(\/|$)/.test(event.rawPath ?? ''))
        return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
      return consoleRoute(wired, web, event, basePathOf(event));
    });
}

let wired: Promise<ReturnType<typeof createConsoleHandler>> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createConsoleHandler>>[1],
) => {
  wired ??= (async () => {
    const platform = platformFromEnvironment(readApiConfig());
    const anchors = s3Anchors(readAnchorConfig().ANCHOR_BUCKET);
    const { staff, admins } = readUserPools();
    const identities = new CognitoIdentityMirror(new CognitoIdentityProviderClient({}), { staff, admins });
    return createConsoleHandler(
      { ...consoleDeps(platform, anchors), identities },
      await webAuthFromEnvironment(platform),
    );
  })();
  return (await wired)(event, context);
};

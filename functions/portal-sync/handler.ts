import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json, statusFor } from '../../shared/adapters/http-status.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { syncSecretsReader } from '../../shared/adapters/sync-secrets.ts';
import { type Clock, systemClock } from '../../shared/ports/clock.ts';
import { readConfig } from '../../shared/settings/env.ts';
import { InvalidInputError } from '../../shared/support/errors.ts';
import { jsonOutOfBounds } from '../../shared/support/json-bounds.ts';
import { SyncAuthError, verifySyncRequest } from '../../shared/support/sync-signature.ts';
import { type SyncDeps, syncFromPortal } from '../../shared/use-cases/sync-from-portal.ts';
import { syncDeps } from './deps.ts';

/**
 * A sync request's bounds: Lambda's own 6 MB payload, and nesting enough for the portal's shape (request →
 * data → item → a list of supplements → one supplement: 5) with room to spare.
 */
export const SYNC_BODY_LIMITS = { maxBytes: 6 * 1024 * 1024, maxDepth: 16 } as const;

/**
 * `POST /sync` (issue #17): a one-stop system's copy of what it sends the national portal
 * (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`), signed with its own secret (ADR 0017). Answers in the portal's
 * style: `error_code` `00`, or `01` with each item refused; 401 (`error_code` `99`) for a request that is
 * not signed right, with nothing written; 400 (`98`) for a body that is not a sync request.
 */
export function createPortalSyncHandler(
  deps: SyncDeps,
  secrets: () => Promise<Record<string, string>>,
  /** The wire's clock for the signature's freshness: real time, even when the dossiers' clock is simulated (npm start). */
  wallClock: Clock = systemClock,
) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      if ((event.requestContext?.http?.method ?? 'POST') !== 'POST')
        return json(405, { error_code: '97', message: 'POST only' });
      const body = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : (event.body ?? '');
      const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      let system: string;
      try {
        system = verifySyncRequest(await secrets(), headers, body, wallClock.now());
      } catch (error) {
        if (!(error instanceof SyncAuthError)) throw error;
        logger.warn('sync request refused', { reason: error.message });
        return json(statusFor(error) ?? 401, { error_code: '99', message: `not authenticated: ${error.message}` });
      }
      logger.appendKeys({ system });
      // Bounded before parsing: a request is a list of flat items (SYNC_BODY_LIMITS).
      const outOfBounds = jsonOutOfBounds(body, SYNC_BODY_LIMITS);
      if (outOfBounds)
        return json(outOfBounds.includes('bytes') ? 413 : 400, { error_code: '98', message: outOfBounds });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return json(400, { error_code: '98', message: 'the body is not JSON' });
      }
      try {
        const answer = await syncFromPortal(deps, system, parsed);
        // Counts only: the items carry personal data (names, phones) and stay out of the logs.
        logger.info('sync request taken', {
          accepted: answer.accepted,
          events: answer.events,
          refused: answer.data.length,
        });
        return json(200, answer);
      } catch (error) {
        if (error instanceof InvalidInputError)
          return json(statusFor(error) ?? 400, { error_code: '98', message: error.message });
        throw error;
      }
    });
}

let wired: ReturnType<typeof createPortalSyncHandler> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createPortalSyncHandler>>[1],
) => {
  wired ??= createPortalSyncHandler(syncDeps(platformFromEnvironment(readConfig())), syncSecretsReader());
  return wired(event, context);
};

import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../../shared/adapters/observability.ts';
import { type DetectorReport, DetectorRunFailedError, deliverNow } from '../../shared/use-cases/run-detector.ts';
import { type DetectorWiring, detectorWiringFromEnvironment } from '../detect-deadlines/deps.ts';

type ApologyApproved = EventBridgeEvent<'ApologyApproved', { dossierId?: unknown }>;

/**
 * Reacts to an approved apology (issue #16): sends the letter to the citizen, or the printable letter to
 * the desk, within seconds of the approval — through the detector's own delivery (the same lease and
 * at-most-once rule; the detector's composition root). A failure fails the invocation, so EventBridge
 * retries it and then dead-letters it; the scheduled detector delivers it meanwhile in any case.
 */
export function createDeliverApologyHandler({ detector: deps }: Pick<DetectorWiring, 'detector'>) {
  return middy<ApologyApproved, DetectorReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const dossierId = event.detail?.dossierId;
      if (typeof dossierId !== 'string' || dossierId.length === 0) {
        logger.error('approval event without a dossier id', { detailType: event['detail-type'] });
        throw new Error('detail.dossierId: must name the approved dossier');
      }
      logger.appendKeys({ dossierId });
      const report = await deliverNow(deps, [dossierId], randomUUID());
      logger.info('approved apology delivered', {
        notificationsSent: report.notificationsSent,
        emailsSent: report.emailsSent,
        phoneMessagesSent: report.phoneMessagesSent,
        failures: report.failures.length,
      });
      if (report.failures.length > 0) throw new DetectorRunFailedError(report);
      return report;
    });
}

let wired: Promise<ReturnType<typeof createDeliverApologyHandler>> | undefined;

/** The Lambda entry point. */
export const handler = async (
  event: ApologyApproved,
  context: Parameters<ReturnType<typeof createDeliverApologyHandler>>[1],
) => {
  wired ??= detectorWiringFromEnvironment().then(createDeliverApologyHandler);
  return (await wired)(event, context);
};

import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger } from '../../shared/adapters/observability.ts';
import { MetricUnit, metrics } from '../../shared/adapters/observability-metrics.ts';
import { type DetectorPass, runDetectorPass } from '../../shared/use-cases/detector-pass.ts';
import { type DetectorReport, DetectorRunFailedError } from '../../shared/use-cases/run-detector.ts';
import { type DetectorWiring, detectorWiringFromEnvironment } from './deps.ts';

/**
 * The scheduled detector: one pass, metrics for what moved and what failed, and a failed invocation
 * when any dossier failed (after all the others were handled), so alarms fire and nothing is silent.
 */
export function createDetectorHandler(wiring: DetectorWiring) {
  return middy<unknown, DetectorReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const pass = await runDetectorPass(wiring, randomUUID());
      const { report } = pass;
      for (const [stage, count] of Object.entries(report.moved))
        metrics.addMetric(`Moved${stage}`, MetricUnit.Count, count);
      metrics.addMetric('NotificationsSent', MetricUnit.Count, report.notificationsSent);
      metrics.addMetric('EmailsSent', MetricUnit.Count, report.emailsSent);
      metrics.addMetric('PhoneMessagesSent', MetricUnit.Count, report.phoneMessagesSent);
      metrics.addMetric('DossierFailures', MetricUnit.Count, report.failures.length);
      metrics.addMetric('DossiersParked', MetricUnit.Count, report.parked.length);
      metrics.addMetric('ItemsRead', MetricUnit.Count, report.itemsRead);
      metrics.addMetric('ProvisionalNotices', MetricUnit.Count, pass.provisionalSent.length);
      metrics.addMetric('TimelinessDigests', MetricUnit.Count, pass.forecast.sent.length);
      logPass(pass);
      if (report.failures.length > 0) throw new DetectorRunFailedError(report);
      const [failedNotice] = pass.noticeErrors;
      if (failedNotice) throw failedNotice.error;
      return report;
    });
}

/** What a pass did, in the logs: dossier ids and unit ids only, never a person's data. */
function logPass({ report, parkedNotified, provisionalSent, forecast, noticeErrors }: DetectorPass): void {
  if (report.parked.length > 0) {
    logger.error('dossiers parked after repeated failures', {
      parked: report.parked.map((p) => ({ dossierId: p.dossierId, failures: p.failures, reason: p.reason })),
    });
  }
  if (parkedNotified.length > 0) logger.info('parked dossiers notified', { dossierIds: parkedNotified });
  if (provisionalSent.length > 0) logger.info('provisional calendar notices sent', { sent: provisionalSent });
  if (forecast.sent.length > 0) logger.info('timeliness digests sent', { units: forecast.sent });
  if (forecast.refused.length > 0)
    logger.error("timeliness digests refused: fix these heads' addresses", { units: forecast.refused });
  for (const { notice, error } of noticeErrors)
    logger.error(`${notice} notice failed`, { error: (error as Error).message });
  logger.info('detector run', {
    runId: report.runId,
    examined: report.examined,
    moved: report.moved,
    notificationsSent: report.notificationsSent,
    emailsSent: report.emailsSent,
    phoneMessagesSent: report.phoneMessagesSent,
    failures: report.failures.map((f) => f.dossierId),
  });
  for (const failure of report.failures)
    logger.error('dossier failed', { dossierId: failure.dossierId, reason: failure.reason });
}

let wired: Promise<ReturnType<typeof createDetectorHandler>> | undefined;

/** The Lambda entry point. */
export const handler = async (event: unknown, context: Parameters<ReturnType<typeof createDetectorHandler>>[1]) => {
  wired ??= detectorWiringFromEnvironment().then(createDetectorHandler);
  return (await wired)(event, context);
};

import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger } from '../../shared/adapters/observability.ts';
import { MetricUnit, metrics } from '../../shared/adapters/observability-metrics.ts';
import { notifyParkedDossiers } from '../../shared/use-cases/notify-parked-dossiers.ts';
import { notifyProvisionalYears } from '../../shared/use-cases/notify-provisional-years.ts';
import { notifyTimelinessForecast } from '../../shared/use-cases/notify-timeliness-forecast.ts';
import { type DetectorReport, DetectorRunFailedError, runDetector } from '../../shared/use-cases/run-detector.ts';
import { type DetectorWiring, detectorWiringFromEnvironment } from './deps.ts';

/**
 * The scheduled detector: one pass, metrics for what moved and what failed, and a failed invocation
 * when any dossier failed (after all the others were handled), so alarms fire and nothing is silent.
 */
export function createDetectorHandler({ detector: deps, notices, forecast }: DetectorWiring) {
  return middy<unknown, DetectorReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await runDetector(deps, randomUUID());
      for (const [stage, count] of Object.entries(report.moved))
        metrics.addMetric(`Moved${stage}`, MetricUnit.Count, count);
      metrics.addMetric('NotificationsSent', MetricUnit.Count, report.notificationsSent);
      metrics.addMetric('EmailsSent', MetricUnit.Count, report.emailsSent);
      metrics.addMetric('PhoneMessagesSent', MetricUnit.Count, report.phoneMessagesSent);
      metrics.addMetric('DossierFailures', MetricUnit.Count, report.failures.length);
      metrics.addMetric('DossiersParked', MetricUnit.Count, report.parked.length);
      if (report.parked.length > 0) {
        logger.error('dossiers parked after repeated failures', {
          parked: report.parked.map((p) => ({ dossierId: p.dossierId, failures: p.failures, reason: p.reason })),
        });
      }
      metrics.addMetric('ItemsRead', MetricUnit.Count, report.itemsRead);
      // Once per calendar and year: tell administrators a year the deadlines reach is still provisional.
      let noticeError: unknown;
      if (notices) {
        try {
          const { notified } = await notifyParkedDossiers(notices.parked);
          if (notified.length > 0) logger.info('parked dossiers notified', { dossierIds: notified });
        } catch (error) {
          noticeError = error;
          logger.error('parked-dossier notice failed', { error: (error as Error).message });
        }
      }
      if (notices) {
        try {
          const { sent } = await notifyProvisionalYears(notices.provisional);
          metrics.addMetric('ProvisionalNotices', MetricUnit.Count, sent.length);
          if (sent.length > 0) logger.info('provisional calendar notices sent', { sent });
        } catch (error) {
          noticeError = error;
          logger.error('provisional calendar notice failed', { error: (error as Error).message });
        }
      }
      // Once a week: each unit head's QĐ 766 score, forecast and dossiers at risk (ADR 0020).
      try {
        const { sent, refused } = await notifyTimelinessForecast(forecast);
        metrics.addMetric('TimelinessDigests', MetricUnit.Count, sent.length);
        if (sent.length > 0) logger.info('timeliness digests sent', { units: sent });
        if (refused.length > 0)
          logger.error("timeliness digests refused: fix these heads' addresses", { units: refused });
      } catch (error) {
        noticeError = error;
        logger.error('timeliness digest failed', { error: (error as Error).message });
      }
      logger.info('detector run', {
        runId: report.runId,
        examined: report.examined,
        moved: report.moved,
        notificationsSent: report.notificationsSent,
        emailsSent: report.emailsSent,
        phoneMessagesSent: report.phoneMessagesSent,
        failures: report.failures.map((f) => f.dossierId),
      });
      if (report.failures.length > 0) {
        for (const failure of report.failures)
          logger.error('dossier failed', { dossierId: failure.dossierId, reason: failure.reason });
        throw new DetectorRunFailedError(report);
      }
      if (noticeError) throw noticeError;
      return report;
    });
}

let wired: Promise<ReturnType<typeof createDetectorHandler>> | undefined;

/** The Lambda entry point. */
export const handler = async (event: unknown, context: Parameters<ReturnType<typeof createDetectorHandler>>[1]) => {
  wired ??= detectorWiringFromEnvironment().then(createDetectorHandler);
  return (await wired)(event, context);
};

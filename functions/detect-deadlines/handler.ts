import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createClients } from '../../shared/adapters/aws-clients.ts';
import { DynamoConfigStore } from '../../shared/adapters/dynamo-config-store.ts';
import { DynamoDossierStore } from '../../shared/adapters/dynamo-dossier-store.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { readLinkSecret } from '../../shared/adapters/link-secret.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { MetricUnit, metrics } from '../../shared/adapters/observability-metrics.ts';
import { createSesClients } from '../../shared/adapters/ses-clients.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { readDetectorConfig } from '../../shared/config/detector-env.ts';
import { systemClock } from '../../shared/ports/clock.ts';
import { notifyParkedDossiers } from '../../shared/use-cases/notify-parked-dossiers.ts';
import { notifyProvisionalYears, type ProvisionalNoticeDeps } from '../../shared/use-cases/notify-provisional-years.ts';
import { calendarIdsOf, RuleBook } from '../../shared/use-cases/rule-book.ts';
import {
  type DetectorDeps,
  type DetectorReport,
  DetectorRunFailedError,
  runDetector,
} from '../../shared/use-cases/run-detector.ts';

/**
 * The scheduled detector: one pass, metrics for what moved and what failed, and a failed invocation
 * when any dossier failed (after all the others were handled), so alarms fire and nothing is silent.
 */
export function createDetectorHandler(deps: DetectorDeps, provisional?: ProvisionalNoticeDeps) {
  return middy<unknown, DetectorReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await runDetector(deps, randomUUID());
      for (const [stage, count] of Object.entries(report.moved))
        metrics.addMetric(`Moved${stage}`, MetricUnit.Count, count);
      metrics.addMetric('NotificationsSent', MetricUnit.Count, report.notificationsSent);
      metrics.addMetric('EmailsSent', MetricUnit.Count, report.emailsSent);
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
      if (provisional && deps.quarantine) {
        try {
          const { notified } = await notifyParkedDossiers({
            quarantine: deps.quarantine,
            mailer: provisional.mailer,
            clock: provisional.clock,
            config: provisional.config,
          });
          if (notified.length > 0) logger.info('parked dossiers notified', { dossierIds: notified });
        } catch (error) {
          noticeError = error;
          logger.error('parked-dossier notice failed', { error: (error as Error).message });
        }
      }
      if (provisional) {
        try {
          const { sent } = await notifyProvisionalYears(provisional);
          metrics.addMetric('ProvisionalNotices', MetricUnit.Count, sent.length);
          if (sent.length > 0) logger.info('provisional calendar notices sent', { sent });
        } catch (error) {
          noticeError = error;
          logger.error('provisional calendar notice failed', { error: (error as Error).message });
        }
      }
      logger.info('detector run', {
        runId: report.runId,
        examined: report.examined,
        moved: report.moved,
        notificationsSent: report.notificationsSent,
        emailsSent: report.emailsSent,
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

/** Production wiring from the environment. */
export async function detectorDepsFromEnvironment(): Promise<[DetectorDeps, ProvisionalNoticeDeps | undefined]> {
  const config = readDetectorConfig();
  const clients = createClients();
  const store = new DynamoDossierStore(clients.documents, config.TABLE_NAME);
  const configStore = new DynamoConfigStore(clients.documents, config.TABLE_NAME);
  const rules = new RuleBook(configStore, systemClock, config.RULE_CACHE_TTL_SECONDS * 1000);
  const ses = createSesClients();
  const mailer = new SesMailer(ses.atLeastOnce, config.SES_CONFIGURATION_SET);
  const citizenMailer = new SesMailer(ses.atMostOnce, config.SES_CONFIGURATION_SET);
  const deps: DetectorDeps = {
    store,
    index: store,
    quarantine: store,
    rules,
    mailer,
    citizenMailer,
    publisher: new EventBridgePublisher(clients.eventBridge, config.EVENT_BUS_NAME),
    clock: systemClock,
    config: {
      senderEmail: config.SENDER_EMAIL,
      approvalBaseUrl: config.APPROVAL_BASE_URL,
      linkSecret: await readLinkSecret(),
    },
  };
  return [
    deps,
    config.ADMIN_EMAILS.length === 0
      ? undefined
      : {
          rules,
          calendarIds: () => calendarIdsOf(configStore),
          notices: configStore,
          mailer,
          clock: systemClock,
          config: {
            senderEmail: config.SENDER_EMAIL,
            adminEmails: config.ADMIN_EMAILS,
            checkFrom: config.PROVISIONAL_CHECK_FROM,
          },
        },
  ];
}

let wired: Promise<ReturnType<typeof createDetectorHandler>> | undefined;

/** The Lambda entry point. */
export const handler = async (event: unknown, context: Parameters<ReturnType<typeof createDetectorHandler>>[1]) => {
  wired ??= detectorDepsFromEnvironment().then(([deps, provisional]) => createDetectorHandler(deps, provisional));
  return (await wired)(event, context);
};

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger } from '../../shared/adapters/observability.ts';
import { MetricUnit, metrics } from '../../shared/adapters/observability-metrics.ts';
import { type AnchorDeps, anchorAuditDays, checkpointToday } from '../../shared/use-cases/anchor-audit.ts';
import { anchorDepsFromEnvironment } from './deps.ts';

/**
 * Every quarter of an hour: hashes every whole day's audit entries not anchored yet and writes each day's
 * head, chained to the day before, where no operator can rewrite it (ADR 0021); and checkpoints the day
 * under way, so at most a quarter of an hour of the trail is ever unanchored (issue #31).
 */
export function createAnchorHandler(deps: AnchorDeps) {
  return middy<unknown, { anchored: string[]; conflicts: string[]; checkpoint?: string | undefined }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const days = await anchorAuditDays(deps);
      const checkpoint = await checkpointToday(deps);
      const result = { ...days, ...(checkpoint ? { checkpoint: checkpoint.coveredTo } : {}) };
      metrics.addMetric('AnchoredDays', MetricUnit.Count, result.anchored.length);
      metrics.addMetric('AnchorConflicts', MetricUnit.Count, result.conflicts.length);
      logger.info('audit days anchored', { days: result.anchored, location: deps.anchors.location });
      if (result.conflicts.length > 0)
        logger.error('days anchored already with another head: their entries changed, or the anchor is not ours', {
          days: result.conflicts,
        });
      return result;
    });
}

let wired: ReturnType<typeof createAnchorHandler> | undefined;

/** The Lambda entry point. */
export const handler = async (event: unknown, context: Parameters<ReturnType<typeof createAnchorHandler>>[1]) => {
  wired ??= createAnchorHandler(anchorDepsFromEnvironment());
  return wired(event, context);
};

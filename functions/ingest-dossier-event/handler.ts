import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import { requireEventSealKey } from '../../shared/adapters/event-seal.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { InvalidEventError, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { type EventBridgeEnvelope, eventBridgeEnvelopeSchema } from '../../shared/contracts/eventbridge-envelope.ts';
import { readConfig } from '../../shared/settings/env.ts';
import { type IngestDeps, type IngestResult, ingestDossierEvent } from '../../shared/use-cases/ingest-dossier-event.ts';
import { ingestDeps } from './deps.ts';

type ParsedEnvelope = ParsedResult<unknown, EventBridgeEnvelope>;

/**
 * EventBridge → ingest: the envelope is validated by Powertools, the detail by the contract of its
 * `detail-type`; an invalid event throws InvalidEventError naming the fields (nothing is written, the
 * target's dead-letter queue keeps it), a valid one goes to the ingest use case.
 */
export function createIngestHandler(deps: IngestDeps) {
  return middy<ParsedEnvelope, IngestResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema: eventBridgeEnvelopeSchema, safeParse: true }))
    .handler(async (parsed) => {
      if (!parsed.success) {
        const error = new InvalidEventError(undefined, [{ path: 'envelope', reason: summarise(parsed.error) }]);
        logger.error('event rejected', { problems: error.problems });
        throw error;
      }
      let event: ReturnType<typeof parseDossierEvent>;
      try {
        event = parseDossierEvent(parsed.data);
      } catch (error) {
        if (error instanceof InvalidEventError) {
          logger.error('event rejected', {
            detailType: error.detailType,
            problems: error.problems,
            ...idsOf(parsed.data.detail),
          });
        }
        throw error;
      }
      logger.appendKeys({ dossierId: event.detail.dossierId, eventId: event.detail.eventId });
      const result = await ingestDossierEvent(deps, event);
      logger.info('event ingested', {
        eventType: event.type,
        outcome: result.outcome,
        status: result.status,
        version: result.version,
        attempts: result.attempts,
        published: result.published,
      });
      return result;
    });
}

function summarise(error: Error): string {
  // Powertools puts the Standard Schema issues in `cause`.
  const cause = error.cause as unknown;
  const issues = (Array.isArray(cause) ? cause : (cause as { issues?: unknown[] } | undefined)?.issues) as
    | { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string }[]
    | undefined;
  if (!issues) return error.message;
  return issues
    .map((i) => {
      const path = (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
      return `${path || '(root)'}: ${i.message}`;
    })
    .join('; ');
}

function idsOf(detail: unknown): { dossierId?: string; eventId?: string } {
  if (typeof detail !== 'object' || detail === null) return {};
  const { dossierId, eventId } = detail as Record<string, unknown>;
  return {
    ...(typeof dossierId === 'string' ? { dossierId: dossierId.slice(0, 120) } : {}),
    ...(typeof eventId === 'string' ? { eventId: eventId.slice(0, 200) } : {}),
  };
}

let wired: Promise<ReturnType<typeof createIngestHandler>> | undefined;

/** The Lambda entry point: the event log's seal key read once per container (issue #31). */
export const handler = async (event: unknown, context: Parameters<ReturnType<typeof createIngestHandler>>[1]) => {
  wired ??= requireEventSealKey().then((key) =>
    createIngestHandler(ingestDeps(platformFromEnvironment(readConfig(), key))),
  );
  const ready = await wired;
  // The parser middleware turns the raw EventBridge event into the parsed result before the handler runs.
  return ready(event as Parameters<typeof ready>[0], context);
};

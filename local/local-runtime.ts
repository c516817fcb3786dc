import type { Context } from 'aws-lambda';
import { createIngestHandler } from '../functions/ingest-dossier-event/handler.ts';
import { type AwsClients, createClients } from '../shared/adapters/aws-clients.ts';
import { CachedDossierStore } from '../shared/adapters/cached-dossier-store.ts';
import { loadConfigDirs } from '../shared/adapters/config-files.ts';
import { DynamoConfigStore } from '../shared/adapters/dynamo-config-store.ts';
import { DynamoDeadLetterStore } from '../shared/adapters/dynamo-dead-letter-store.ts';
import { DynamoDossierStore } from '../shared/adapters/dynamo-dossier-store.ts';
import { ensureTable } from '../shared/adapters/dynamo-table.ts';
import { EventBridgePublisher } from '../shared/adapters/eventbridge-publisher.ts';
import { DOSSIER_EVENT_TYPES } from '../shared/contracts/dossier-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import { type Clock, systemClock } from '../shared/ports/clock.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { startDynalite } from './dynalite-server.ts';
import { type Delivery, type EventBridgeEnvelope, LocalEventBus } from './local-event-bus.ts';

export const LOCAL_TABLE = 'dunghan';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const RULES_DIR = new URL('../config/rules/', import.meta.url).pathname;
export const CALENDARS_DIR = new URL('../config/calendars/', import.meta.url).pathname;

/** The embedded runtime: dynalite, the local bus, and the functions wired to them exactly as on AWS. */
export interface LocalRuntime {
  dynamoEndpoint: string;
  busEndpoint: string;
  tableName: string;
  clients: AwsClients;
  bus: LocalEventBus;
  store: DynamoDossierStore;
  config: DynamoConfigStore;
  deadLetters: DynamoDeadLetterStore;
  /** Delivers one EventBridge envelope to the functions, as EventBridge would. */
  deliver(event: EventBridgeEnvelope): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** A fake Lambda context for in-process invocations. */
export function localContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Starts dynalite (in memory, or on disk under `dataDir`), creates the table, seeds the shipped rules
 * and calendars unless told not to, starts the local bus and subscribes the ingest function to the
 * dossier events. A rejected event becomes a dead letter, as the target's DLQ does on AWS.
 */
export async function startLocalRuntime(
  options: {
    dataDir?: string;
    /** `always` writes the shipped rules and calendars; `if-empty` only when none are stored. */
    seed?: 'always' | 'if-empty' | 'never';
    clock?: Clock;
    ruleCacheMs?: number;
  } = {},
): Promise<LocalRuntime> {
  const dynalite = await startDynalite(options.dataDir ? { path: options.dataDir } : {});
  const bus = new LocalEventBus();
  const busEndpoint = await bus.listen();
  const clients = createClients({
    region: 'ap-southeast-1',
    credentials: LOCAL_CREDENTIALS,
    dynamoEndpoint: dynalite.endpoint,
    eventBridgeEndpoint: busEndpoint,
  });
  await ensureTable(clients.dynamo, LOCAL_TABLE);
  const clock = options.clock ?? systemClock;
  const store = new DynamoDossierStore(clients.documents, LOCAL_TABLE);
  const config = new DynamoConfigStore(clients.documents, LOCAL_TABLE);
  const deadLetters = new DynamoDeadLetterStore(clients.documents, LOCAL_TABLE);
  const seed = options.seed ?? 'if-empty';
  if (seed === 'always' || (seed === 'if-empty' && (await config.listRules()).length === 0)) {
    const { rules, calendars } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    await config.putAll(rules, calendars, 'seed', new Date(clock.now()).toISOString());
  }
  const ingest = createIngestHandler({
    store: new CachedDossierStore(store),
    rules: new RuleBook(config, clock, options.ruleCacheMs ?? 60_000),
    publisher: new EventBridgePublisher(clients.eventBridge, 'default'),
    clock,
  });
  bus.addRule({
    name: 'dossier-events-to-ingest',
    detailType: DOSSIER_EVENT_TYPES,
    target: (event) => ingest(event as never, localContext('ingest-dossier-event')),
    onFailure: async (event, error) => {
      const detail = (event.detail ?? {}) as Record<string, unknown>;
      await deadLetters.put({
        at: new Date(clock.now()).toISOString(),
        detailType: event['detail-type'],
        eventId: typeof detail.eventId === 'string' ? detail.eventId : undefined,
        dossierId: typeof detail.dossierId === 'string' ? detail.dossierId : undefined,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        payload: JSON.stringify(event),
      });
    },
  });
  return {
    dynamoEndpoint: dynalite.endpoint,
    busEndpoint,
    tableName: LOCAL_TABLE,
    clients,
    bus,
    store,
    config,
    deadLetters,
    deliver: (event) => bus.deliver(event),
    close: async () => {
      clients.dynamo.destroy();
      clients.eventBridge.destroy();
      await bus.close();
      await dynalite.close();
    },
  };
}

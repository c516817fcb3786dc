import { type Clock, systemClock } from '../ports/clock.ts';
import type { AppConfig } from '../settings/env.ts';
import { type AwsClients, type ClientOptions, createClients } from './aws-clients.ts';
import { DynamoAttemptLimiter } from './dynamo-attempt-limiter.ts';
import { DynamoAuditTrail } from './dynamo-audit-trail.ts';
import { DynamoConfigStore } from './dynamo-config-store.ts';
import { DynamoDeadLetterStore } from './dynamo-dead-letter-store.ts';
import { DynamoDossierOwners } from './dynamo-dossier-owners.ts';
import { DynamoDossierStore } from './dynamo-dossier-store.ts';
import { DynamoDueIndex } from './dynamo-due-index.ts';
import { ChainHeads } from './dynamo-items.ts';
import { DynamoLiveRowMover } from './dynamo-live-rows.ts';
import { DynamoQuarantineStore } from './dynamo-quarantine-store.ts';
import { DynamoReportIndex } from './dynamo-report-index.ts';
import { DynamoSessionStore } from './dynamo-session-store.ts';
import { eventSeal } from './event-seal.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';

/**
 * What every function's composition root is built from — on AWS from the environment, locally from the
 * embedded servers: the SDK clients, the table and bus names, the clock, and the adapters of the table.
 */
export interface Platform {
  clients: AwsClients;
  tableName: string;
  busName: string;
  clock: Clock;
  /** How long a container trusts its copy of the rules and calendars (ms). */
  ruleCacheMs: number;
  table: TableAdapters;
  publisher: EventBridgePublisher;
}

/** The adapters of the single table (ADR 0004, 0011), one home for their construction. */
export interface TableAdapters {
  dossiers: DynamoDossierStore;
  due: DynamoDueIndex;
  quarantine: DynamoQuarantineStore;
  reports: DynamoReportIndex;
  /** The audit entries of the dossiers' changes (ADR 0021). */
  audit: DynamoAuditTrail;
  config: DynamoConfigStore;
  deadLetters: DynamoDeadLetterStore;
  attempts: DynamoAttemptLimiter;
  /** Web sessions and pending sign-ins (ADR 0023). */
  sessions: DynamoSessionStore;
  /** Which sending system owns each dossier of the sync feed (ADR 0023). */
  owners: DynamoDossierOwners;
  /** Moves rows not closed kept by shard before ADR 0027 to their unit's queue (`dunghan reindex`). */
  liveRows: DynamoLiveRowMover;
}

export function createPlatform(input: {
  clients?: AwsClients;
  clientOptions?: ClientOptions;
  tableName: string;
  busName: string;
  clock: Clock;
  ruleCacheMs: number;
  /** The event log's seal key (issue #31): events are sealed when written and checked when read. */
  eventSealKey?: string | undefined;
}): Platform {
  const clients = input.clients ?? createClients(input.clientOptions);
  const { documents } = clients;
  const { tableName, clock } = input;
  // What the dossier store, the detector's index and the audit trail have read of each record's chain.
  const heads = new ChainHeads();
  return {
    clients,
    tableName,
    busName: input.busName,
    clock,
    ruleCacheMs: input.ruleCacheMs,
    table: {
      dossiers: new DynamoDossierStore(
        documents,
        tableName,
        clock,
        input.eventSealKey ? eventSeal(input.eventSealKey) : undefined,
        heads,
      ),
      due: new DynamoDueIndex(documents, tableName, { clock, heads }),
      quarantine: new DynamoQuarantineStore(documents, tableName),
      reports: new DynamoReportIndex(documents, tableName),
      audit: new DynamoAuditTrail(documents, tableName, heads),
      config: new DynamoConfigStore(documents, tableName, clock),
      deadLetters: new DynamoDeadLetterStore(documents, tableName),
      attempts: new DynamoAttemptLimiter(documents, tableName),
      // Session expiry is wall-clock time, even when the dossiers' clock is simulated (npm start).
      sessions: new DynamoSessionStore(documents, tableName),
      owners: new DynamoDossierOwners(documents, tableName),
      liveRows: new DynamoLiveRowMover(documents, tableName),
    },
    publisher: new EventBridgePublisher(clients.eventBridge, input.busName),
  };
}

/** The platform on AWS: clients from the SDK's defaults, names from the validated environment. */
export function platformFromEnvironment(config: AppConfig, eventSealKey?: string): Platform {
  return createPlatform({
    eventSealKey,
    tableName: config.TABLE_NAME,
    busName: config.EVENT_BUS_NAME,
    clock: systemClock,
    ruleCacheMs: config.RULE_CACHE_TTL_SECONDS * 1000,
  });
}

import { anchorDeps } from '../functions/anchor-audit/deps.ts';
import { createAnchorHandler } from '../functions/anchor-audit/handler.ts';
import { type AwsClients, createClients } from '../shared/adapters/aws-clients.ts';
import { ensureTable } from '../shared/adapters/dynamo-table.ts';
import type { Platform, TableAdapters } from '../shared/adapters/platform.ts';
import { OUTBOUND_SOURCE } from '../shared/contracts/outbound-events.ts';
import type { AuditAnchorStore } from '../shared/ports/audit-trail.ts';
import { type Clock, systemClock } from '../shared/ports/clock.ts';
import type { PhoneMessenger } from '../shared/ports/phone-messenger.ts';
import type { TokenVerifier } from '../shared/ports/token-verifier.ts';
import type { DetectorReport } from '../shared/use-cases/run-detector.ts';
import type { LocalIdentityProvider } from './identity-provider.ts';
import { type Delivery, type EventBridgeEnvelope, LocalEventBus } from './local-event-bus.ts';
import type { Handler as HttpHandler } from './local-http-api.ts';
import type { PhoneEmulator } from './phone-server.ts';
import { servedElsewhere } from './preflight.ts';
import { findRunningServers, type RunningServers } from './running-servers.ts';
import {
  announceRuntime,
  DETECTOR_TIMEOUT_MS,
  LOCAL_CREDENTIALS,
  LOCAL_TABLE,
  type LocalRuntimeOptions,
  localAnchors,
  localContext,
  localPlatforms,
  type Starting,
  seedShipped,
  startDatabase,
  startMail,
  startPages,
  subscribeIngest,
} from './runtime-parts.ts';

export {
  CALENDARS_DIR,
  DETECTOR_TIMEOUT_MS,
  LOCAL_CREDENTIALS,
  LOCAL_EVENT_SEAL_KEY,
  LOCAL_LINK_SECRET,
  LOCAL_SENDER,
  LOCAL_SYNC_SECRETS,
  LOCAL_SYNC_SYSTEM,
  LOCAL_TABLE,
  type LocalRuntimeOptions,
  localContext,
  localPhoneChannels,
  RULES_DIR,
  UNITS_FILE,
  USERS_FILE,
} from './runtime-parts.ts';

/** The embedded runtime: dynalite, the local bus, and the functions wired to them exactly as on AWS. */
export interface LocalRuntime {
  dynamoEndpoint: string;
  busEndpoint: string;
  tableName: string;
  clients: AwsClients;
  /** What the functions' composition roots are built from, on the local servers. */
  platform: Platform;
  bus: LocalEventBus;
  /** The table's adapters (the same objects as `platform.table`). */
  store: TableAdapters['dossiers'];
  config: TableAdapters['config'];
  deadLetters: TableAdapters['deadLetters'];
  /** Delivers one EventBridge envelope to the functions, as EventBridge would. */
  deliver(event: EventBridgeEnvelope): Promise<Delivery[]>;
  /** The SES emulator's URL (web inbox at `/`, JSON at `/store`), when started with `mail`. */
  sesEndpoint?: string | undefined;
  /** The phone emulator (Zalo ZNS, SMS) when this runtime started it: its page, messages and faults. */
  phone?: PhoneEmulator | undefined;
  /** The approval page's base URL, when started with `mail`. */
  apiUrl?: string | undefined;
  /** The local OpenID provider (ADR 0023), when this runtime serves the pages or was asked for it. */
  identity?: LocalIdentityProvider | undefined;
  /** The issuer people sign in at: this runtime's provider, or the one of the runtime it works through. */
  identityIssuer?: string | undefined;
  /** Verifies tokens of that issuer (the same verifier as the functions'). */
  verifier: TokenVerifier;
  /** Announces the runtime's clock as it now stands (a simulation's last instant) to the commands working through it. */
  announceClock(): Promise<void>;
  /** The long-lived runtime this one works through (`attach`), when another process serves the data directory. */
  attachedTo?: RunningServers | undefined;
  /** Runs one detector pass, as the schedule would (needs `mail`). */
  detect(): Promise<DetectorReport>;
  /** Where each day's audit head is anchored: `<data dir>/anchors`, or memory (ADR 0021). */
  anchors: AuditAnchorStore;
  /** Anchors the whole days not anchored yet, as the daily function would. */
  anchor(): Promise<{ anchored: string[]; conflicts: string[] }>;
  /** Every HTTP route as deployed, routed by path, for in-process callers; the same are served on `apiUrl`. */
  invokeHttpApi: HttpHandler;
  close(): Promise<void>;
}

/**
 * Starts dynalite (in memory, or on disk under `dataDir`), creates the table, seeds the shipped rules
 * and calendars unless told not to, starts the local bus and subscribes the ingest function to the
 * dossier events. A rejected event becomes a dead letter, as the target's DLQ does on AWS.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const closers: (() => Promise<void>)[] = [];
  try {
    return await composeLocalRuntime(options, closers);
  } catch (error) {
    // What was started is stopped: a start that fails (a refused configuration, a busy port) exits, never hangs.
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** The runtime from its parts (runtime-parts.ts): the same composition roots as on AWS, on the local servers. */
async function composeLocalRuntime(
  options: LocalRuntimeOptions,
  closers: (() => Promise<void>)[],
): Promise<LocalRuntime> {
  const running = options.dataDir ? await findRunningServers(options.dataDir) : undefined;
  if (running && !options.attach) throw servedElsewhere(options.dataDir ?? '', running);
  const starting: Starting = { options, running, closers };
  // Attached, the database, the bus's published events, the mail and the page are the running process's.
  const dynamoEndpoint = await startDatabase(starting);
  // As EventBridge: what a system puts on the bus (the sync feed) is ingested after PutEvents answers.
  const bus = new LocalEventBus({
    deliverLater: (event) => event.source !== OUTBOUND_SOURCE,
    keepPublished: options.keepPublished ?? true,
  });
  // Attached, what the functions publish goes to the running bus: an approval made here is delivered there.
  const busEndpoint = running?.busEndpoint ?? (await bus.listen());
  closers.push(() => bus.close());
  const clients = createClients({
    region: 'ap-southeast-1',
    credentials: LOCAL_CREDENTIALS,
    dynamoEndpoint,
    eventBridgeEndpoint: busEndpoint,
  });
  closers.push(async () => {
    clients.dynamo.destroy();
    clients.eventBridge.destroy();
  });
  await ensureTable(clients.dynamo, LOCAL_TABLE);
  const clock: Clock =
    options.clock ?? (running?.clockAt ? { now: () => Date.parse(running.clockAt ?? '') } : systemClock);
  const { platform, platformFor } = localPlatforms(clients, clock, options);
  const { dossiers: store, config, deadLetters } = platform.table;
  await seedShipped(config, clock, options.seed ?? 'if-empty');
  subscribeIngest(bus, platformFor('ingest-dossier-event'), deadLetters, clock);
  const anchors = localAnchors(starting);
  const anchorHandler = createAnchorHandler(anchorDeps(platformFor('anchor-audit'), anchors));
  let citizenPhone: PhoneMessenger | undefined;
  const pages = await startPages(starting, { platformFor, config, anchors, citizenPhone: () => citizenPhone });
  const mail = options.mail ? await startMail(starting, { platformFor, apiUrl: pages.apiUrl, bus }) : undefined;
  citizenPhone = mail?.citizenPhone;
  const sesEndpoint = mail?.sesEndpoint ?? options.sesEndpoint ?? running?.sesEndpoint;
  const { apiUrl, identityIssuer } = pages;
  const announce = await announceRuntime(
    starting,
    { dynamoEndpoint, busEndpoint, sesEndpoint, apiUrl, identityIssuer },
    clock,
  );
  return {
    sesEndpoint,
    phone: mail?.phone,
    apiUrl,
    attachedTo: running,
    identity: pages.identity,
    identityIssuer,
    verifier: pages.verifier,
    invokeHttpApi: pages.invoke,
    anchors,
    anchor: () => anchorHandler({}, localContext('anchor-audit')),
    detect: async () => {
      if (!mail) throw new Error('start the local runtime with mail: true to run the detector');
      // The deployed detector's timeout (infra/stacks/stateless-stack.ts: 5 minutes).
      return mail.detector({}, localContext('detect-deadlines', DETECTOR_TIMEOUT_MS));
    },
    dynamoEndpoint,
    busEndpoint,
    tableName: LOCAL_TABLE,
    clients,
    platform,
    bus,
    store,
    config,
    deadLetters,
    deliver: (event) => bus.deliver(event),
    announceClock: announce,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

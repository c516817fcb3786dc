import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { adminDeps } from '../functions/admin-api/deps.ts';
import { createAdminApiHandler } from '../functions/admin-api/handler.ts';
import { anchorDeps } from '../functions/anchor-audit/deps.ts';
import { createAnchorHandler } from '../functions/anchor-audit/handler.ts';
import { approvalDeps, webAuth } from '../functions/approval-page/deps.ts';
import { createApprovalPageHandler } from '../functions/approval-page/handler.ts';
import { citizenPageDeps } from '../functions/citizen-page/deps.ts';
import { CITIZEN_PAGE_PATH, createCitizenPageHandler } from '../functions/citizen-page/handler.ts';
import { createDeliverApologyHandler } from '../functions/deliver-apology/handler.ts';
import { detectorDeps, phoneChannelsFromConfig } from '../functions/detect-deadlines/deps.ts';
import { createDetectorHandler } from '../functions/detect-deadlines/handler.ts';
import { ingestDeps } from '../functions/ingest-dossier-event/deps.ts';
import { createIngestHandler } from '../functions/ingest-dossier-event/handler.ts';
import { syncDeps } from '../functions/portal-sync/deps.ts';
import { createPortalSyncHandler } from '../functions/portal-sync/handler.ts';
import { FileAuditAnchorStore } from '../shared/adapters/audit-anchor-stores.ts';
import { type AwsClients, createClients } from '../shared/adapters/aws-clients.ts';
import { loadConfigDirs, loadUnitDirectoryFile, loadUserDirectoryFile } from '../shared/adapters/config-files.ts';
import { ensureTable } from '../shared/adapters/dynamo-table.ts';
import { createPlatform, type Platform, type TableAdapters } from '../shared/adapters/platform.ts';
import { createSesClients } from '../shared/adapters/ses-clients.ts';
import { guardedDocuments } from '../shared/adapters/table-access-guard.ts';
import { createTokenVerifier } from '../shared/adapters/token-verifier.ts';
import { OUTBOUND_SOURCE } from '../shared/contracts/outbound-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import type { AuditAnchorStore } from '../shared/ports/audit-trail.ts';
import { type Clock, systemClock } from '../shared/ports/clock.ts';
import type { PhoneMessenger } from '../shared/ports/phone-messenger.ts';
import type { TokenVerifier } from '../shared/ports/token-verifier.ts';
import { readDetectorConfig } from '../shared/settings/detector-env.ts';
import { TABLE_ACCESS, type TableAccess } from '../shared/settings/table-access.ts';
import { describeError } from '../shared/support/describe-error.ts';
import { InvalidInputError } from '../shared/support/errors.ts';
import { seedConfig } from '../shared/use-cases/administer-config.ts';
import type { DetectorReport } from '../shared/use-cases/run-detector.ts';
import type { WebAuthDeps } from '../shared/use-cases/web-session.ts';
import { startDynalite } from './dynalite-server.ts';
import {
  LOCAL_WEB_CLIENT,
  type LocalIdentityProvider,
  localIssuerSettings,
  startLocalIdentityProvider,
} from './identity-provider.ts';
import { type Delivery, type EventBridgeEnvelope, LocalEventBus } from './local-event-bus.ts';
import { type Handler as HttpHandler, routeLikeHttpApi, serveHttpApi } from './local-http-api.ts';
import { LOCAL_ZALO, PhoneEmulator } from './phone-server.ts';
import { checkDataDir, checkPortsFree, clearDataDir, servedElsewhere } from './preflight.ts';
import { announceServers, findRunningServers, type RunningServers, withdrawServers } from './running-servers.ts';
import { startSesEmulator } from './ses-server.ts';

export const LOCAL_TABLE = 'dunghan';
/** The detector function's timeout, as deployed (middy stops a run that would outlive it). */
export const DETECTOR_TIMEOUT_MS = 5 * 60_000;
export const LOCAL_SENDER = 'dunghan@mot-cua.example.vn';
/** A fixed key for the local event log's seal only (issue #31); production reads it from Secrets Manager. */
export const LOCAL_EVENT_SEAL_KEY = 'local-only-event-seal-key-do-not-use-in-production';
/** A fixed secret for local approval links only; production reads it from Secrets Manager or SSM. */
export const LOCAL_LINK_SECRET = 'local-only-link-secret-do-not-use-in-production';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const RULES_DIR = new URL('../config/rules/', import.meta.url).pathname;
export const CALENDARS_DIR = new URL('../config/calendars/', import.meta.url).pathname;
/** The local one-stop system's signing secret for `POST /sync` (ADR 0017); production reads Secrets Manager. */
export const LOCAL_SYNC_SYSTEM = 'local-one-stop';
export const LOCAL_SYNC_SECRETS: Readonly<Record<string, string>> = {
  [LOCAL_SYNC_SYSTEM]: 'local-only-sync-secret-do-not-use-in-production',
};
/** The sample directory of units (ADR 0015). */
export const UNITS_FILE = new URL('../config/units.yaml', import.meta.url).pathname;
/** The sample people who sign in (ADR 0023): an official and a head per unit, supervisors, an administrator. */
export const USERS_FILE = new URL('../config/users.yaml', import.meta.url).pathname;

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

/** A fake Lambda context for in-process invocations. */
export function localContext(functionName: string, remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The production phone channels pointed at the local emulator (ADR 0019). */
export function localPhoneChannels(endpoint: string) {
  return phoneChannelsFromConfig(
    readDetectorConfig({
      TABLE_NAME: LOCAL_TABLE,
      SENDER_EMAIL: LOCAL_SENDER,
      APPROVAL_BASE_URL: 'http://127.0.0.1',
      ZALO_CREDENTIALS: JSON.stringify({ ...LOCAL_ZALO, expiresAt: 0 }),
      ZNS_TEMPLATE_ID: LOCAL_ZALO.templateId,
      ZALO_API_BASE: endpoint,
      ZALO_OAUTH_BASE: endpoint,
      SMS_ENABLED: 'true',
      SMS_ORIGINATION_IDENTITY: 'DUNGHAN',
    }),
    { smsEndpoint: endpoint, credentials: LOCAL_CREDENTIALS, region: 'ap-southeast-1' },
  );
}

/** How a local runtime is started (tests, commands, `npm start`). */
export type LocalRuntimeOptions = {
  dataDir?: string;
  /** `always` writes the shipped rules and calendars; `if-empty` unless a load (or a change) completed. */
  seed?: 'always' | 'if-empty' | 'never';
  clock?: Clock;
  ruleCacheMs?: number;
  /** Start the SES emulator (or use `sesEndpoint`) and the approval page, and wire the detector. */
  mail?: boolean;
  sesEndpoint?: string;
  sesPort?: number;
  apiPort?: number;
  dynamoPort?: number;
  /** Run dynalite and the SES emulator in worker threads (cores of their own). */
  dynamoThread?: boolean;
  /**
   * Keep every event the functions publish in `bus.published` (default: yes, tests read it). Commands
   * and long-lived runtimes say no: a year's import publishes a violation for one dossier in three.
   */
  keepPublished?: boolean;
  linkSecret?: string;
  /** The base of the approval links in digests (default: this runtime's own page, `apiUrl`). */
  approvalBaseUrl?: string;
  /** Administrators told when a calendar year is still provisional (as ADMIN_EMAILS on AWS). */
  adminEmails?: string[];
  provisionalCheckFrom?: string;
  /**
   * A long-lived runtime (`npm start`, `dunghan serve`): announces its servers beside the data, so
   * other commands work through them while it holds the directory.
   */
  announce?: boolean;
  /** Start the phone emulator (Zalo ZNS, SMS) with the mail (default yes); its port (0: any). */
  phone?: boolean;
  phonePort?: number;
  /** Empty the data directory first (once the ports are known to be free): `npm start` without `--keep-data`. */
  fresh?: boolean;
  /** A command: when a long-lived runtime serves the data directory, work through its servers. */
  attach?: boolean;
  /** The sending systems' secrets for `POST /sync` (default {@link LOCAL_SYNC_SECRETS}). */
  syncSecrets?: Record<string, string>;
  /** With `mail`, serve the approval page (default); a one-shot command's page would close with it. */
  page?: boolean;
  /** Start the local OpenID provider even without pages (tests of the admin routes); its port (0: any). */
  identity?: boolean;
  identityPort?: number;
};

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

async function composeLocalRuntime(
  options: LocalRuntimeOptions,
  closers: (() => Promise<void>)[],
): Promise<LocalRuntime> {
  const running = options.dataDir ? await findRunningServers(options.dataDir) : undefined;
  if (running && !options.attach) throw servedElsewhere(options.dataDir ?? '', running);
  // Attached, the database, the bus's published events, the mail and the page are the running process's.
  let dynamoEndpoint = running?.dynamoEndpoint;
  if (!dynamoEndpoint) {
    await checkPortsFree([
      { port: options.dynamoPort, option: '--dynamo-port' },
      { port: options.mail && !options.sesEndpoint ? options.sesPort : undefined, option: '--ses-port' },
      { port: options.mail && options.page !== false ? options.apiPort : undefined, option: '--api-port' },
    ]);
    if (options.dataDir && options.fresh) await clearDataDir(options.dataDir);
    else if (options.dataDir) await checkDataDir(options.dataDir);
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const dynalite = await startDynalite({
      ...(options.dataDir ? { path: options.dataDir } : {}),
      ...(options.dynamoPort === undefined ? {} : { port: options.dynamoPort }),
      ...(options.dynamoThread ? { thread: true } : {}),
    });
    dynamoEndpoint = dynalite.endpoint;
    closers.push(dynalite.close);
  }
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
  // The same composition roots as on AWS (functions/*/deps.ts), on the local servers.
  const platform = createPlatform({
    clients,
    tableName: LOCAL_TABLE,
    busName: 'default',
    clock,
    ruleCacheMs: options.ruleCacheMs ?? 60_000,
    eventSealKey: LOCAL_EVENT_SEAL_KEY,
  });
  // Each function's own view of the table: its calls checked against the access its IAM policy is made
  // from (issue #32), so a call the policy would deny fails here too. The runtime's own platform (the
  // seed, the operator's commands) is not limited.
  const accessLog = process.env.DUNGHAN_TABLE_ACCESS_LOG;
  const platformFor = (fn: string) =>
    createPlatform({
      clients: {
        ...clients,
        documents: guardedDocuments(
          clients.documents,
          fn,
          (TABLE_ACCESS as Record<string, TableAccess>)[fn],
          accessLog ? (line) => appendFileSync(accessLog, `${line}\n`) : undefined,
        ),
      },
      tableName: LOCAL_TABLE,
      busName: 'default',
      clock,
      ruleCacheMs: options.ruleCacheMs ?? 60_000,
      eventSealKey: LOCAL_EVENT_SEAL_KEY,
    });
  const { dossiers: store, config, deadLetters } = platform.table;
  const seed = options.seed ?? 'if-empty';
  // The shipped configuration is loaded unless a load completed: its audit entry is written last, so a
  // load that crashed half-way (some rules, no audit) is done again, whole, at the next start.
  if (seed === 'always' || (seed === 'if-empty' && !(await config.listAudit()).some((a) => a.status === 'applied'))) {
    const { rules, calendars } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    const units = await loadUnitDirectoryFile(UNITS_FILE);
    const users = await loadUserDirectoryFile(USERS_FILE, units);
    await seedConfig({ config, clock }, { rules, calendars, units, users }, 'dunghan (initial load)', [
      RULES_DIR,
      CALENDARS_DIR,
      UNITS_FILE,
      USERS_FILE,
    ]);
  }
  const ingest = createIngestHandler(ingestDeps(platformFor('ingest-dossier-event')));
  bus.addRule({
    name: 'dossier-events-to-ingest',
    // As on AWS: every source but Đúng Hạn's own, whatever the detail-type (an unknown one is dead-lettered).
    excludeSource: [OUTBOUND_SOURCE],
    target: (event) => ingest(event as never, localContext('ingest-dossier-event')),
    // As the function's asynchronous invocation on AWS (ingest-subsystem.ts: two retries); a refused
    // event would be refused again.
    retries: 2,
    permanent: (error) => error instanceof InvalidInputError,
    onFailure: async (event, error) => {
      const detail = (event.detail ?? {}) as Record<string, unknown>;
      await deadLetters.put({
        at: new Date(clock.now()).toISOString(),
        detailType: event['detail-type'],
        eventId: typeof detail.eventId === 'string' ? detail.eventId : undefined,
        dossierId: typeof detail.dossierId === 'string' ? detail.dossierId : undefined,
        reason: describeError(error),
        payload: JSON.stringify(event),
      });
    },
  });
  // The audit anchors beside the table's directory (`<data dir>/anchors`), emptied with it when fresh.
  const anchorDir = options.dataDir ? join(options.dataDir, '..', 'anchors') : undefined;
  if (anchorDir && options.fresh && !running) rmSync(anchorDir, { recursive: true, force: true });
  const anchors = new FileAuditAnchorStore(anchorDir);
  const anchorHandler = createAnchorHandler(anchorDeps(platformFor('anchor-audit'), anchors));
  let sesEndpoint = options.sesEndpoint ?? running?.sesEndpoint;
  let phone: PhoneEmulator | undefined;
  let apiUrl = running?.apiUrl;
  let detectorHandler: ReturnType<typeof createDetectorHandler> | undefined;
  const linkSecret = options.linkSecret ?? LOCAL_LINK_SECRET;
  const syncSecrets = options.syncSecrets ?? LOCAL_SYNC_SECRETS;
  const portalSync = createPortalSyncHandler(syncDeps(platformFor('portal-sync')), async () => ({ ...syncSecrets }));
  // Its one-time codes go by SMS to the phone emulator, once it is started (below).
  let citizenPhone: PhoneMessenger | undefined;
  const citizenPage = createCitizenPageHandler(citizenPageDeps(platformFor('citizen-page'), () => citizenPhone));
  // The pages' port first (the provider must know their callback), then the provider, then the pages.
  const servePages = options.mail === true && !running && options.page !== false;
  let pages: HttpHandler = async () => ({ statusCode: 503, body: 'starting' });
  if (servePages) {
    const api = await serveHttpApi(
      (event, context) => pages(event, context),
      () => localContext('api'),
      options.apiPort ?? 0,
    );
    apiUrl = api.url;
    closers.push(api.close);
  }
  let identity: LocalIdentityProvider | undefined;
  if (!running && (servePages || options.identity)) {
    const pagesUrl = apiUrl;
    identity = await startLocalIdentityProvider({
      port: options.identityPort ?? 0,
      users: async () => (await config.getUserDirectoryVersion())?.directory,
      webRedirects: () => ({
        callbacks: pagesUrl ? [`${pagesUrl}/auth/callback`] : [],
        signedOut: pagesUrl ? [`${pagesUrl}/auth/signed-out`] : [],
      }),
    });
    const provider = identity;
    closers.push(() => provider.close());
  }
  const identityIssuer = identity?.issuer ?? running?.identityIssuer;
  const issuers = identityIssuer ? [localIssuerSettings(identityIssuer)] : [];
  const verifier = createTokenVerifier(issuers);
  const pagesPlatform = platformFor('approval-page');
  const web: WebAuthDeps = webAuth(pagesPlatform, issuers, {
    issuer: identityIssuer ?? 'http://127.0.0.1:9/',
    clientId: LOCAL_WEB_CLIENT.clientId,
    clientSecret: LOCAL_WEB_CLIENT.clientSecret,
    redirectUri: `${apiUrl ?? ''}/auth/callback`,
    signedOutUri: `${apiUrl ?? ''}/auth/signed-out`,
  });
  const approvalPage = createApprovalPageHandler(approvalDeps(pagesPlatform, linkSecret), web);
  // Every route as deployed: the staff API too, behind the local provider's tokens (ADR 0023).
  const staffApi = createAdminApiHandler(adminDeps(platformFor('admin-api')), verifier);
  pages = routeLikeHttpApi({
    '/approve/': approvalPage,
    '/auth/': approvalPage,
    '/sync': portalSync,
    [CITIZEN_PAGE_PATH]: citizenPage,
    '/admin/': staffApi,
    '/api/': staffApi,
  });
  if (options.mail) {
    if (!sesEndpoint) {
      const ses = await startSesEmulator(options.sesPort ?? 0, options.dynamoThread ?? false);
      sesEndpoint = ses.endpoint;
      closers.push(ses.close);
    }
    const ses = createSesClients({ region: 'ap-southeast-1', credentials: LOCAL_CREDENTIALS, endpoint: sesEndpoint });
    closers.push(async () => {
      ses.atLeastOnce.destroy();
      ses.atMostOnce.destroy();
    });
    // Citizens' phones: the emulator speaks Zalo's and End User Messaging's protocols; the adapters are the
    // production ones, pointed at it as they would be by ZALO_API_BASE / the SMS endpoint on AWS.
    if (!running && options.phone !== false) {
      phone = new PhoneEmulator();
      await phone.listen(options.phonePort ?? 0);
      const emulator = phone;
      closers.push(() => emulator.close());
    }
    const wiring = detectorDeps(platformFor('detect-deadlines'), ses, {
      senderEmail: LOCAL_SENDER,
      approvalBaseUrl: options.approvalBaseUrl ?? apiUrl ?? 'http://127.0.0.1:8080',
      linkSecret,
      adminEmails: options.adminEmails ?? [],
      provisionalCheckFrom: options.provisionalCheckFrom,
      phone: phone ? localPhoneChannels(phone.endpoint) : undefined,
    });
    citizenPhone = phone ? localPhoneChannels(phone.endpoint) : undefined;
    detectorHandler = createDetectorHandler(wiring);
    // As on AWS (infra/constructs/detector-subsystem.ts): an approval announced on the bus is delivered at once.
    const deliverApology = createDeliverApologyHandler(wiring);
    bus.addRule({
      name: 'apology-approved-to-delivery',
      source: [OUTBOUND_SOURCE],
      detailType: ['ApologyApproved'],
      target: (event) => deliverApology(event as never, localContext('deliver-apology')),
    });
  }
  const announced: RunningServers | undefined =
    options.announce && options.dataDir && !running
      ? {
          pid: process.pid,
          startedAt: new Date().toISOString(),
          dynamoEndpoint,
          busEndpoint,
          sesEndpoint,
          apiUrl,
          identityIssuer,
        }
      : undefined;
  const announce = async () => {
    if (!announced || !options.dataDir) return;
    await announceServers(options.dataDir, {
      ...announced,
      ...(clock === systemClock ? {} : { clockAt: new Date(clock.now()).toISOString() }),
    });
  };
  if (announced && options.dataDir) {
    const dir = options.dataDir;
    await announce();
    closers.push(() => withdrawServers(dir, announced));
  }
  return {
    sesEndpoint,
    phone,
    apiUrl,
    attachedTo: running,
    identity,
    identityIssuer,
    verifier,
    invokeHttpApi: (event, context) => pages(event, context),
    anchors,
    anchor: () => anchorHandler({}, localContext('anchor-audit')),
    detect: async () => {
      if (!detectorHandler) throw new Error('start the local runtime with mail: true to run the detector');
      // The deployed detector's timeout (infra/stacks/stateless-stack.ts: 5 minutes).
      return detectorHandler({}, localContext('detect-deadlines', DETECTOR_TIMEOUT_MS));
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

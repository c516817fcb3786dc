import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { adminDeps } from '../functions/admin-api/deps.ts';
import { createAdminApiHandler } from '../functions/admin-api/handler.ts';
import { approvalDeps, webAuth } from '../functions/approval-page/deps.ts';
import { createApprovalPageHandler } from '../functions/approval-page/handler.ts';
import { citizenPageDeps } from '../functions/citizen-page/deps.ts';
import { CITIZEN_PAGE_PATH, createCitizenPageHandler } from '../functions/citizen-page/handler.ts';
import { consoleDeps } from '../functions/console/deps.ts';
import { createConsoleHandler } from '../functions/console/handler.ts';
import { createDeliverApologyHandler } from '../functions/deliver-apology/handler.ts';
import { detectorDeps, phoneChannelsFromConfig } from '../functions/detect-deadlines/deps.ts';
import { createDetectorHandler } from '../functions/detect-deadlines/handler.ts';
import { ingestDeps } from '../functions/ingest-dossier-event/deps.ts';
import { createIngestHandler } from '../functions/ingest-dossier-event/handler.ts';
import { syncDeps } from '../functions/portal-sync/deps.ts';
import { createPortalSyncHandler } from '../functions/portal-sync/handler.ts';
import { FileAuditAnchorStore } from '../shared/adapters/audit-anchor-stores.ts';
import type { AwsClients } from '../shared/adapters/aws-clients.ts';
import { loadConfigDirs, loadUnitDirectoryFile, loadUserDirectoryFile } from '../shared/adapters/config-files.ts';
import { createPlatform, type Platform, type TableAdapters } from '../shared/adapters/platform.ts';
import { createSesClients } from '../shared/adapters/ses-clients.ts';
import { guardedDocuments } from '../shared/adapters/table-access-guard.ts';
import { createTokenVerifier } from '../shared/adapters/token-verifier.ts';
import { OUTBOUND_SOURCE } from '../shared/contracts/outbound-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import type { AuditAnchorStore } from '../shared/ports/audit-trail.ts';
import { type Clock, systemClock } from '../shared/ports/clock.ts';
import type { PhoneMessenger } from '../shared/ports/phone-messenger.ts';
import { readDetectorConfig } from '../shared/settings/detector-env.ts';
import { TABLE_ACCESS, type TableAccess } from '../shared/settings/table-access.ts';
import { describeError } from '../shared/support/describe-error.ts';
import { InvalidInputError } from '../shared/support/errors.ts';
import { seedConfig } from '../shared/use-cases/administer-config.ts';
import type { WebAuthDeps } from '../shared/use-cases/web-session.ts';
import { startDynalite } from './dynalite-server.ts';
import {
  LOCAL_WEB_CLIENT,
  type LocalIdentityProvider,
  localIssuerSettings,
  startLocalIdentityProvider,
} from './identity-provider.ts';
import type { LocalEventBus } from './local-event-bus.ts';
import { type Handler as HttpHandler, routeLikeHttpApi, serveHttpApi } from './local-http-api.ts';
import { LOCAL_ZALO, PhoneEmulator } from './phone-server.ts';
import { checkDataDir, checkPortsFree, clearDataDir } from './preflight.ts';
import { announceServers, type RunningServers, withdrawServers } from './running-servers.ts';
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

/*
 * The parts a local runtime is composed of (local-runtime.ts composes them): the database, the
 * functions' platforms, the shipped configuration, the ingest's subscription, the pages and the sign-in
 * server, the mail and phone emulators with the detector, and the announcement other commands find.
 */

/** A runtime being started: its options, the long-lived runtime it works through, what to stop on close. */
export interface Starting {
  options: LocalRuntimeOptions;
  running: RunningServers | undefined;
  closers: (() => Promise<void>)[];
}

/** dynalite (in memory, or on disk under the data directory), unless the running runtime's is used. */
export async function startDatabase({ options, running, closers }: Starting): Promise<string> {
  if (running?.dynamoEndpoint) return running.dynamoEndpoint;
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
  closers.push(dynalite.close);
  return dynalite.endpoint;
}

/**
 * The runtime's own platform (the seed, the operator's commands: not limited), and each function's own
 * view of the table: its calls checked against the access its IAM policy is made from (issue #32), so a
 * call the policy would deny fails here too.
 */
export function localPlatforms(clients: AwsClients, clock: Clock, options: LocalRuntimeOptions) {
  const settings = {
    tableName: LOCAL_TABLE,
    busName: 'default',
    clock,
    ruleCacheMs: options.ruleCacheMs ?? 60_000,
    eventSealKey: LOCAL_EVENT_SEAL_KEY,
  };
  const accessLog = process.env.DUNGHAN_TABLE_ACCESS_LOG;
  const platformFor = (fn: string) =>
    createPlatform({
      ...settings,
      clients: {
        ...clients,
        documents: guardedDocuments(
          clients.documents,
          fn,
          (TABLE_ACCESS as Record<string, TableAccess>)[fn],
          accessLog ? (line) => appendFileSync(accessLog, `${line}\n`) : undefined,
        ),
      },
    });
  return { platform: createPlatform({ ...settings, clients }), platformFor };
}

/**
 * The shipped configuration, loaded unless a load completed: its audit entry is written last, so a load
 * that crashed half-way (some rules, no audit) is done again, whole, at the next start.
 */
export async function seedShipped(
  config: TableAdapters['config'],
  clock: Clock,
  seed: NonNullable<LocalRuntimeOptions['seed']>,
): Promise<void> {
  if (seed === 'never') return;
  if (seed === 'if-empty' && (await config.listAudit()).some((a) => a.status === 'applied')) return;
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

/** The ingest function subscribed to the dossier events, as on AWS; a refused event becomes a dead letter. */
export function subscribeIngest(
  bus: LocalEventBus,
  platform: Platform,
  deadLetters: TableAdapters['deadLetters'],
  clock: Clock,
): void {
  const ingest = createIngestHandler(ingestDeps(platform));
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
}

/** The audit anchors beside the table's directory (`<data dir>/anchors`), emptied with it when fresh. */
export function localAnchors({ options, running }: Starting): FileAuditAnchorStore {
  const anchorDir = options.dataDir ? join(options.dataDir, '..', 'anchors') : undefined;
  if (anchorDir && options.fresh && !running) rmSync(anchorDir, { recursive: true, force: true });
  return new FileAuditAnchorStore(anchorDir);
}

/**
 * Every HTTP route as deployed — the approval page and its sign-in, the sync feed, the citizens' page,
 * the staff API behind the local provider's tokens (ADR 0023) — served on loopback when this runtime
 * serves pages. The pages' port first (the provider must know their callback), then the provider.
 */
export async function startPages(
  starting: Starting,
  parts: {
    platformFor: (fn: string) => Platform;
    config: TableAdapters['config'];
    anchors: AuditAnchorStore;
    citizenPhone: () => PhoneMessenger | undefined;
  },
) {
  const { options, running, closers } = starting;
  const { platformFor } = parts;
  let apiUrl = running?.apiUrl;
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
  const identity =
    !running && (servePages || options.identity) ? await startIdentity(starting, parts.config, apiUrl) : undefined;
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
  const approvalPage = createApprovalPageHandler(
    approvalDeps(pagesPlatform, options.linkSecret ?? LOCAL_LINK_SECRET),
    web,
  );
  const syncSecrets = options.syncSecrets ?? LOCAL_SYNC_SECRETS;
  const staffApi = createAdminApiHandler(adminDeps(platformFor('admin-api')), verifier);
  pages = routeLikeHttpApi({
    '/approve/': approvalPage,
    '/auth/': approvalPage,
    // The console's pages (issue #34): their own function, on the pages' sessions.
    '/console': createConsoleHandler(consoleDeps(platformFor('console'), parts.anchors), web),
    '/sync': createPortalSyncHandler(syncDeps(platformFor('portal-sync')), async () => ({ ...syncSecrets })),
    // Its one-time codes go by SMS to the phone emulator, once it is started.
    [CITIZEN_PAGE_PATH]: createCitizenPageHandler(citizenPageDeps(platformFor('citizen-page'), parts.citizenPhone)),
    '/admin/': staffApi,
    '/api/': staffApi,
  });
  return {
    apiUrl,
    identity,
    identityIssuer,
    verifier,
    invoke: ((event, context) => pages(event, context)) as HttpHandler,
  };
}

/** The local OpenID provider, knowing the pages' callback and sign-out addresses. */
async function startIdentity(
  { options, closers }: Starting,
  config: TableAdapters['config'],
  pagesUrl: string | undefined,
): Promise<LocalIdentityProvider> {
  const identity = await startLocalIdentityProvider({
    port: options.identityPort ?? 0,
    users: async () => (await config.getUserDirectoryVersion())?.directory,
    webRedirects: () => ({
      callbacks: pagesUrl ? [`${pagesUrl}/auth/callback`] : [],
      signedOut: pagesUrl ? [`${pagesUrl}/auth/signed-out`] : [],
    }),
  });
  closers.push(() => identity.close());
  return identity;
}

/**
 * The mail (the SES emulator, or the given endpoint), the citizens' phones (the emulator speaks Zalo's
 * and End User Messaging's protocols; the adapters are the production ones, pointed at it as they would
 * be by ZALO_API_BASE / the SMS endpoint on AWS), and the detector and the apology delivery wired to them.
 */
export async function startMail(
  { options, running, closers }: Starting,
  parts: { platformFor: (fn: string) => Platform; apiUrl: string | undefined; bus: LocalEventBus },
) {
  let sesEndpoint = options.sesEndpoint ?? running?.sesEndpoint;
  if (!sesEndpoint) {
    const emulator = await startSesEmulator(options.sesPort ?? 0, options.dynamoThread ?? false);
    sesEndpoint = emulator.endpoint;
    closers.push(emulator.close);
  }
  const ses = createSesClients({ region: 'ap-southeast-1', credentials: LOCAL_CREDENTIALS, endpoint: sesEndpoint });
  closers.push(async () => {
    ses.atLeastOnce.destroy();
    ses.atMostOnce.destroy();
  });
  let phone: PhoneEmulator | undefined;
  if (!running && options.phone !== false) {
    const emulator = new PhoneEmulator();
    await emulator.listen(options.phonePort ?? 0);
    closers.push(() => emulator.close());
    phone = emulator;
  }
  const wiring = detectorDeps(parts.platformFor('detect-deadlines'), ses, {
    senderEmail: LOCAL_SENDER,
    approvalBaseUrl: options.approvalBaseUrl ?? parts.apiUrl ?? 'http://127.0.0.1:8080',
    linkSecret: options.linkSecret ?? LOCAL_LINK_SECRET,
    adminEmails: options.adminEmails ?? [],
    provisionalCheckFrom: options.provisionalCheckFrom,
    phone: phone ? localPhoneChannels(phone.endpoint) : undefined,
  });
  // As on AWS (infra/constructs/detector-subsystem.ts): an approval announced on the bus is delivered at once.
  const deliverApology = createDeliverApologyHandler(wiring);
  parts.bus.addRule({
    name: 'apology-approved-to-delivery',
    source: [OUTBOUND_SOURCE],
    detailType: ['ApologyApproved'],
    target: (event) => deliverApology(event as never, localContext('deliver-apology')),
  });
  return {
    sesEndpoint,
    phone,
    citizenPhone: phone ? localPhoneChannels(phone.endpoint) : undefined,
    detector: createDetectorHandler(wiring),
  };
}

/**
 * A long-lived runtime announces its servers beside the data, so other commands work through them while
 * it holds the directory (withdrawn on close); the returned function announces its clock again.
 */
export async function announceRuntime(
  { options, running, closers }: Starting,
  servers: Omit<RunningServers, 'pid' | 'startedAt' | 'clockAt'>,
  clock: Clock,
): Promise<() => Promise<void>> {
  const dir = options.dataDir;
  if (!options.announce || !dir || running) return async () => undefined;
  const announced: RunningServers = { pid: process.pid, startedAt: new Date().toISOString(), ...servers };
  const announce = () =>
    announceServers(dir, {
      ...announced,
      ...(clock === systemClock ? {} : { clockAt: new Date(clock.now()).toISOString() }),
    });
  await announce();
  closers.push(() => withdrawServers(dir, announced));
  return announce;
}

import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { createIngestHandler } from '../../functions/ingest-dossier-event/handler.ts';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_LINK_SECRET,
  LOCAL_SENDER,
  LOCAL_TABLE,
  type LocalRuntime,
  localContext,
  localPhoneChannels,
  startLocalRuntime,
} from '../../local/local-runtime.ts';
import { generateSampleStream, random, type SampleStream } from '../../local/sample-stream.ts';
import { createClients } from '../../shared/adapters/aws-clients.ts';
import { CachedDossierStore } from '../../shared/adapters/cached-dossier-store.ts';
import { DynamoConfigStore } from '../../shared/adapters/dynamo-config-store.ts';
import { DynamoDossierStore } from '../../shared/adapters/dynamo-dossier-store.ts';
import { DynamoDueIndex } from '../../shared/adapters/dynamo-due-index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { createSesClients } from '../../shared/adapters/ses-clients.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { signApprovalToken } from '../../shared/domain/approval-link.ts';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { STAGES } from '../../shared/domain/dossier/stages.ts';
import type { DossierStore } from '../../shared/ports/dossier-store.ts';
import type { Mailer } from '../../shared/ports/mailer.ts';
import type { PhoneMessenger } from '../../shared/ports/phone-messenger.ts';
import { mapLimit } from '../../shared/support/map-limit.ts';
import { approveThroughLink } from '../../shared/use-cases/approve-through-link.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { runDetector } from '../../shared/use-cases/run-detector.ts';
import { headOf } from './actors.ts';
import { startFaultySes } from './faulty-ses.ts';

/** What a scenario injects: probabilities per call. */
export interface Faults {
  /** DynamoDB calls that fail as throttled (beyond the SDK's own retries). */
  throttle: number;
  /** Conditional writes that fail as if another writer had won. */
  conflict: number;
  /** SES sends refused for now (throttled). */
  sesDeferred: number;
  /** SES sends accepted but never answered (a timeout: outcome unknown to the caller). */
  sesLost: number;
  /** Detector runs killed between the state write and the send, and between the send and the mark. */
  killBeforeSend: number;
  killBeforeMark: number;
  /** Copies of every event, and the share of copies delivered one to three days late. */
  copies: number;
  late: number;
  /** Detector invocations overlapping at each scheduled time. */
  overlapping: number;
}

/** The faults that stop when the outage is over (duplicates and overlapping runs go on). */
const QUIET = { throttle: 0, conflict: 0, sesDeferred: 0, sesLost: 0, killBeforeSend: 0, killBeforeMark: 0 };

export const NO_FAULTS: Faults = { ...QUIET, copies: 1, late: 0, overlapping: 1 };

class CrashError extends Error {
  override name = 'CrashError';
}

/** What happened, counted by the harness. */
export interface ScenarioStats {
  deliveries: number;
  ingestAttempts: number;
  ingestFailures: number;
  injected: { throttles: number; conflicts: number; sesDeferred: number; sesLost: number; kills: number };
  detectorRuns: number;
  /** Detector invocations that failed as a whole (a throttled configuration read): retried by the schedule. */
  detectorFailedRuns: number;
  approvals: number;
  /** Dead-lettered deliveries by event id: invalid events, and valid copies that exhausted their retries. */
  deadLettered: Map<string, string>;
  /** When each event was first delivered, and first ingested, on the harness's clock (faults part them). */
  firstDeliveredAt: Map<string, number>;
  firstIngestedAt: Map<string, number>;
  /** Stage moves that went backwards within a clock cycle (must stay empty). */
  backwards: string[];
  /** Dossiers whose alert or apology a fault delayed until the dossier had closed (set by the test). */
  delayedPastClosing?: number;
  /** Dossiers alerted while an event that faults held back had not reached the store (set by the test). */
  alertedBeforeKnowing?: number;
}

export interface Scenario {
  runtime: LocalRuntime;
  stream: SampleStream;
  invalid: EventBridgeEnvelope[];
  stats: ScenarioStats;
  /** A store on the same table without faults, for checking. */
  store: DynamoDossierStore;
}

/** Events a hostile or broken publisher sends: each must be dead-lettered with a reason, never stored. */
export function invalidEvents(): EventBridgeEnvelope[] {
  const base = (detail: Record<string, unknown>, type = 'DossierReceived'): EventBridgeEnvelope => ({
    version: '0',
    id: `bad-${JSON.stringify(detail).length}-${type}`,
    'detail-type': type,
    source: 'vn.gialai.one-door',
    account: '123456789012',
    time: '2022-03-01T02:00:00Z',
    region: 'ap-southeast-1',
    resources: [],
    detail,
  });
  return [
    base({ schemaVersion: 1, eventId: 'bad-1', dossierId: 'X-1', occurredAt: '2022-03-01T09:00:00' }),
    base({ schemaVersion: 2, eventId: 'bad-2', dossierId: 'X-2', occurredAt: '2022-03-01T09:00:00+07:00' }),
    base(
      { schemaVersion: 1, eventId: 'bad-3', dossierId: 'X-3\r\nBcc: a@b.vn', occurredAt: '2022-03-01T09:00:00+07:00' },
      'DossierResolved',
    ),
    base(
      { schemaVersion: 1, eventId: 'bad-4', dossierId: 'X-4', occurredAt: '2022-02-30T09:00:00+07:00' },
      'DossierWithdrawn',
    ),
    base(
      { schemaVersion: 1, eventId: 'bad-5', dossierId: 'X-5', occurredAt: '2022-03-01T09:00:00+07:00' },
      'DossierTeleported',
    ),
  ];
}

function withFaults(
  runtimeEndpoint: { dynamo: string; bus: string },
  faults: Faults,
  rnd: () => number,
  stats: ScenarioStats,
) {
  const clients = createClients({
    region: 'ap-southeast-1',
    credentials: LOCAL_CREDENTIALS,
    dynamoEndpoint: runtimeEndpoint.dynamo,
    eventBridgeEndpoint: runtimeEndpoint.bus,
  });
  clients.documents.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ConditionExpression?: string };
      if (rnd() < faults.throttle) {
        stats.injected.throttles += 1;
        throw new ProvisionedThroughputExceededException({
          message: `injected throttle on ${context.commandName}`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (input.ConditionExpression && /^Put/.test(context.commandName ?? '') && rnd() < faults.conflict) {
        stats.injected.conflicts += 1;
        throw new ConditionalCheckFailedException({ message: 'injected conflict', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'chaosDynamo' },
  );
  return clients;
}

/**
 * Replays a year of sample events through ingest and runs the detector at the end of every working
 * day, approving the apologies of the dossiers that will be late, with the faults given. The harness
 * plays EventBridge: a failed delivery is retried (up to 9 attempts, as the rule's target is set up),
 * then dead-lettered with its reason.
 */
export async function runScenario(options: { seed: number; scale: number; faults: Faults }): Promise<Scenario> {
  const faults = { ...options.faults };
  const rnd = random(options.seed ^ 0xc4a05);
  let now = Date.parse('2022-01-01T00:00:00+07:00');
  const clock = { now: () => now };
  // dynalite and the SES emulator in worker threads: the emulator keeps one mailbox per process, and
  // two scenarios run side by side.
  const runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 3_600_000, dynamoThread: true });
  const stats: ScenarioStats = {
    deliveries: 0,
    ingestAttempts: 0,
    ingestFailures: 0,
    injected: { throttles: 0, conflicts: 0, sesDeferred: 0, sesLost: 0, kills: 0 },
    detectorRuns: 0,
    detectorFailedRuns: 0,
    approvals: 0,
    deadLettered: new Map(),
    firstDeliveredAt: new Map(),
    firstIngestedAt: new Map(),
    backwards: [],
  };
  const clients = withFaults({ dynamo: runtime.dynamoEndpoint, bus: runtime.busEndpoint }, faults, rnd, stats);
  // Every write, by ingest or the detector, checked: a stage never goes back within a clock cycle.
  const lastStage = new Map<string, [number, number]>();
  const store = new (class extends DynamoDossierStore {
    override async saveRecord(record: DossierRecord, version: number) {
      const saved = await super.saveRecord(record, version);
      const position: [number, number] = [record.stageCycle, STAGES.indexOf(record.stage)];
      const before = lastStage.get(record.state.dossierId);
      if (before && (position[0] < before[0] || (position[0] === before[0] && position[1] < before[1])))
        stats.backwards.push(`${record.state.dossierId}: ${before} → ${position}`);
      lastStage.set(record.state.dossierId, position);
      return saved;
    }
  })(clients.documents, LOCAL_TABLE, clock);
  const config = new DynamoConfigStore(clients.documents, LOCAL_TABLE);
  const rules = new RuleBook(config, clock, 3_600_000);
  const publisher = new EventBridgePublisher(clients.eventBridge, 'default');
  const ingest = createIngestHandler({ store: new CachedDossierStore(store), rules, publisher, clock });

  // SES faults are injected below the SDK, at the HTTP layer (a fake SES in front of the emulator), so the
  // SDK's own retries and timeouts are inside the test: throttling refused, and answers lost after SES
  // accepted the message (a 500, or the connection reset).
  const fakeSes = await startFaultySes(runtime.sesEndpoint ?? '', () => {
    if (rnd() < faults.sesDeferred) {
      stats.injected.sesDeferred += 1;
      return 'throttle';
    }
    if (rnd() < faults.sesLost) {
      stats.injected.sesLost += 1;
      return rnd() < 0.5 ? 'accept-then-500' : 'accept-then-reset';
    }
    return undefined;
  });
  const ses = createSesClients({
    region: 'ap-southeast-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint: fakeSes.endpoint,
    timeouts: { connectionMs: 2_000, requestMs: 5_000 },
  });
  const killable = (inner: Mailer): Mailer => ({
    send: async (message) => {
      if (rnd() < faults.killBeforeSend) {
        stats.injected.kills += 1;
        throw new CrashError('killed between the state write and the send');
      }
      return inner.send(message);
    },
  });
  const mailer = killable(new SesMailer(ses.atLeastOnce));
  const citizenMailer = killable(new SesMailer(ses.atMostOnce));
  // The citizens' phones (issue #18): the production channels on the emulator, killed the same way.
  const phoneChannels = localPhoneChannels(runtime.phone?.endpoint ?? '');
  const phone: PhoneMessenger | undefined = phoneChannels && {
    send: async (message) => {
      if (rnd() < faults.killBeforeSend) {
        stats.injected.kills += 1;
        throw new CrashError('killed between the state write and the send');
      }
      return phoneChannels.send(message);
    },
  };
  // The detector's store dies, now and then, right before the write that records what was sent.
  const detectorStore: DossierStore = {
    load: (id) => store.load(id),
    appendEvent: (e, at) => store.appendEvent(e, at),
    removeEvent: (id, eventId) => store.removeEvent(id, eventId),
    listEvents: (id) => store.listEvents(id),
    saveRecord: async (record: DossierRecord, version) => {
      const marking =
        !record.lease &&
        Object.values(record.notifications).some((n) => n.lastAttemptAt === new Date(now).toISOString());
      if (marking && rnd() < faults.killBeforeMark) {
        stats.injected.kills += 1;
        throw new CrashError('killed between the send and the mark');
      }
      return store.saveRecord(record, version);
    },
  };
  const detectorDeps = {
    store: detectorStore,
    index: new DynamoDueIndex(clients.documents, LOCAL_TABLE, { clock }),
    rules,
    mailer,
    citizenMailer,
    phone,
    publisher,
    clock,
    config: { senderEmail: LOCAL_SENDER, approvalBaseUrl: 'http://approve.local', linkSecret: LOCAL_LINK_SECRET },
  };

  const stream = generateSampleStream({
    seed: options.seed,
    days: 365,
    start: '2022-01-01',
    rules: await runtime.config.listRules(),
    scale: options.scale,
  });
  const invalid = invalidEvents();
  // Every event `copies` times; some copies a few days late; each day's deliveries shuffled.
  const calendar = defaultCalendar();
  const byDay = new Map<number, EventBridgeEnvelope[]>();
  const dayOf = (event: EventBridgeEnvelope) =>
    calendar.toLocal(Date.parse(String((event.detail as { occurredAt?: string }).occurredAt ?? event.time))).day;
  for (const event of [...stream.events, ...invalid]) {
    for (let copy = 0; copy < faults.copies; copy += 1) {
      const delay = copy > 0 && rnd() < faults.late ? 1 + Math.floor(rnd() * 3) : 0;
      const day = (Number.isNaN(dayOf(event)) ? calendar.toLocal(Date.parse(event.time)).day : dayOf(event)) + delay;
      byDay.set(day, [...(byDay.get(day) ?? []), event]);
    }
  }
  const deliver = async (event: EventBridgeEnvelope) => {
    stats.deliveries += 1;
    if (event['detail-type'] === 'DossierReceived') receivedIds.add((event.detail as { dossierId: string }).dossierId);
    const { eventId } = event.detail as { eventId: string };
    if (!stats.firstDeliveredAt.has(eventId)) stats.firstDeliveredAt.set(eventId, now);
    let lastError: unknown;
    for (let attempt = 0; attempt < 9; attempt += 1) {
      stats.ingestAttempts += 1;
      try {
        await ingest(event as never, localContext('ingest-dossier-event'));
        if (!stats.firstIngestedAt.has(eventId)) stats.firstIngestedAt.set(eventId, now);
        return;
      } catch (error) {
        stats.ingestFailures += 1;
        lastError = error;
      }
    }
    const detail = (event.detail ?? {}) as { eventId?: string };
    stats.deadLettered.set(
      detail.eventId ?? event.id,
      lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError),
    );
  };
  // The handler fails an invocation in which any dossier failed (DetectorRunFailedError, after handling
  // the others); the schedule retries a failed invocation twice (as EventBridge Scheduler is set up), and
  // what still fails is left to the next scheduled run.
  const detect = async (runId: string) => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      stats.detectorRuns += 1;
      try {
        const report = await runDetector(detectorDeps, `${runId}-${attempt}`);
        if (report.failures.length === 0) return report;
      } catch {
        // The whole run failed (its configuration or watermark could not be read or written).
      }
      stats.detectorFailedRuns += 1;
    }
    return undefined;
  };
  const awaitingApproval = new Set(stream.late);
  const receivedIds = new Set<string>();
  const firstDay = calendar.toLocal(now).day;
  for (let day = firstDay; day < firstDay + 365 + 30; day += 1) {
    const batch = (byDay.get(day) ?? []).map((e) => [rnd(), e] as const).sort((a, b) => a[0] - b[0]);
    now = Math.max(now, calendar.fromLocal(day, 12 * 60));
    await mapLimit(
      batch.map(([, e]) => e),
      8,
      deliver,
    );
    if (!calendar.isWorkingDay(day)) continue;
    now = calendar.fromLocal(day, 17 * 60 + 15);
    await Promise.all(Array.from({ length: faults.overlapping }, (_, i) => detect(`run-${day}-${i}`)));
    // Officials approve the drafts of the dossiers that will be late, the next new return date a
    // week after the legal due date.
    // Only dossiers already received and not settled yet are looked at.
    await mapLimit(
      [...awaitingApproval].filter((id) => receivedIds.has(id)),
      8,
      async (dossierId) => {
        const { record } = await runtime.store.load(dossierId);
        if (
          record?.state.closedAt ||
          (record && record.apology.status !== 'none' && record.apology.status !== 'drafted')
        )
          awaitingApproval.delete(dossierId);
        if (record?.apology.status !== 'drafted' || !record.state.dueAt) return;
        let day = calendar.toLocal(Date.parse(record.state.dueAt)).day + 7;
        while (!calendar.isWorkingDay(day)) day += 1;
        const newReturnDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
        for (let attempt = 0; attempt < 9; attempt += 1) {
          try {
            await approveThroughLink(
              { store, rules, clock, linkSecret: LOCAL_LINK_SECRET },
              {
                dossierId,
                token: signApprovalToken(LOCAL_LINK_SECRET, dossierId, now + 86_400_000),
                reason: 'Chờ ý kiến của cơ quan phối hợp',
                newReturnDate,
                actor: headOf(record.state.received?.agency.id ?? ''),
              },
            );
            stats.approvals += 1;
            awaitingApproval.delete(dossierId);
            return;
          } catch (error) {
            if ((error as Error).name === 'ApprovalRefusedError') {
              awaitingApproval.delete(dossierId);
              return;
            }
          }
        }
      },
    );
  }
  // Drain: the faults stop, time passes beyond every lease and backoff, the detector finishes its work.
  Object.assign(faults, QUIET);
  for (let i = 0; i < 12; i += 1) {
    now += 4 * 3_600_000;
    await detect(`drain-${i}`);
  }
  ses.atLeastOnce.destroy();
  ses.atMostOnce.destroy();
  await fakeSes.close();
  clients.dynamo.destroy();
  clients.eventBridge.destroy();
  return { runtime, stream, invalid, stats, store: runtime.store };
}

/**
 * Why a dossier of the faulty run differs from the fault-free run in what the detector did, if the
 * faults explain it: `same`; `delayed past closing` — a delayed stage alert or apology overtaken by the
 * dossier's closing (fewer actions, only on a closed dossier, never different or extra ones);
 * `alerted before knowing` — every delivery of one of its events on its day exhausted its retries
 * (EventBridge would dead-letter them too), a later copy bringing it in, and a run in between rightly
 * alerted on the dossier as far as anyone had told it (extra stages, each reached while such an event was
 * missing, nothing else different). Anything else is undefined: a defect.
 */
export function explainDifference(
  want: DossierRecord,
  got: DossierRecord,
  stats: Pick<ScenarioStats, 'firstDeliveredAt' | 'firstIngestedAt'>,
  /** The dossier's events (its log: the stored record keeps no event ids, ADR 0011). */
  eventIds: readonly string[] = got.state.eventIds,
): 'same' | 'delayed past closing' | 'delayed past a restart' | 'alerted before knowing' | undefined {
  const stages = (r: DossierRecord) => r.stagesReached.map((s) => `${s.cycle}:${s.stage}`);
  const sameApology = got.extendedDueAt === want.extendedDueAt && got.apology.status === want.apology.status;
  if (sameApology && got.stage === want.stage && stages(got).join() === stages(want).join()) return 'same';
  const rank = { none: 0, drafted: 1, approved: 2, issued: 3 } as const;
  const prefix = stages(want).slice(0, stages(got).length).join() === stages(got).join();
  if (
    got.state.closedAt !== undefined &&
    prefix &&
    (got.extendedDueAt === want.extendedDueAt || got.extendedDueAt === null) &&
    rank[got.apology.status] <= rank[want.apology.status]
  )
    return 'delayed past closing';
  // A stage of a clock cycle the dossier has since restarted (a supplement completed the dossier), delayed
  // by a fault until the restart made it stale: as with a closing, the stale alert is rightly not sent.
  const lastCycle = Math.max(0, ...got.stagesReached.map((s) => s.cycle));
  const missed = missedStages(want, got);
  if (
    sameApology &&
    got.stage === want.stage &&
    missed !== undefined &&
    missed.length > 0 &&
    missed.every((s) => s.cycle < lastCycle)
  )
    return 'delayed past a restart';
  const missingAt = (at: number) =>
    eventIds.some(
      (e) =>
        (stats.firstDeliveredAt.get(e) ?? Number.POSITIVE_INFINITY) <= at &&
        (stats.firstIngestedAt.get(e) ?? Number.POSITIVE_INFINITY) > at,
    );
  const wanted = stages(want);
  let matched = 0;
  const extra = got.stagesReached.filter((s) => {
    if (`${s.cycle}:${s.stage}` !== wanted[matched]) return true;
    matched += 1;
    return false;
  });
  if (sameApology && matched === wanted.length && extra.length > 0 && extra.every((s) => missingAt(Date.parse(s.at))))
    return 'alerted before knowing';
  return undefined;
}

/** The stages the fault-free run reached that the faulty one did not, when the faulty one's are among them in order. */
function missedStages(want: DossierRecord, got: DossierRecord): DossierRecord['stagesReached'] | undefined {
  const missed: DossierRecord['stagesReached'] = [];
  let next = 0;
  for (const stage of want.stagesReached) {
    const g = got.stagesReached[next];
    if (g && g.cycle === stage.cycle && g.stage === stage.stage) next += 1;
    else missed.push(stage);
  }
  return next === got.stagesReached.length ? missed : undefined;
}

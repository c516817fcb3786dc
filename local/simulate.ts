import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import type { DossierRecord } from '../shared/domain/dossier/dossier-record.ts';
import { mapLimit } from '../shared/support/map-limit.ts';
import { vietnamDay } from '../shared/support/vietnam-time.ts';
import { DetectorRunFailedError } from '../shared/use-cases/run-detector.ts';
import { type FieldSummary, summarise } from './field-summary.ts';
import { type LocalRuntime, startLocalRuntime } from './local-runtime.ts';
import { generateSampleStream, random } from './sample-stream.ts';
import { sentEmails } from './ses-server.ts';
import { officialsApprove, SimulatedHeads } from './simulated-officials.ts';

export interface SimulationOptions {
  seed: number;
  days: number;
  start: string;
  /** Simulated days per real second; 0 runs as fast as possible. */
  speed: number;
  once: boolean;
  /** Where the data stays after the run (else in memory); emptied first unless `keepData`. */
  dataDir?: string | undefined;
  keepData?: boolean | undefined;
  dynamoPort: number;
  sesPort: number;
  apiPort: number;
  /** Share of drafted apologies the simulated officials approve. */
  approvalRate: number;
  scale: number;
  out: (text: string) => void;
  err: NodeJS.WritableStream;
  /** Called once the runtime is up, before any event (the benchmark attaches its capacity meter). */
  onRuntime?: ((runtime: LocalRuntime) => void) | undefined;
  /** Called at the end of each simulated day, at its last instant (a test takes a report midway). */
  onDayEnd?: ((runtime: LocalRuntime, now: number) => Promise<void>) | undefined;
}

/**
 * A simulation run by a program (a test, a benchmark): free ports, as fast as possible, 60 % of drafts
 * approved, nothing printed; what it sets overrides the rest.
 */
export function headlessSimulation(
  options: Pick<SimulationOptions, 'seed' | 'days' | 'start'> & Partial<SimulationOptions>,
): SimulationOptions {
  return {
    speed: 0,
    once: true,
    dynamoPort: 0,
    sesPort: 0,
    apiPort: 0,
    approvalRate: 0.6,
    scale: 1,
    out: () => undefined,
    err: new Writable({ write: (_chunk, _enc, done) => done() }),
    ...options,
  };
}

export interface SimulationResult {
  generatedEvents: number;
  ingested: number;
  duplicates: number;
  deadLettered: number;
  detectorRuns: number;
  detectorFailures: number;
  approvals: number;
  emails: number;
  fields: FieldSummary[];
  reconciled: boolean;
  urls: { inbox: string; phones: string; citizens: string; console: string; approval: string; dynamodb: string };
  /** Zalo and SMS messages the citizens' phones received (the phone emulator). */
  phoneMessages: number;
}

/**
 * The embedded default: starts dynalite, the SES emulator and the approval page, generates a sample
 * stream shaped after the seed report, replays it through the same handlers on a simulated clock, runs
 * the detector at the end of every working day, lets simulated officials approve some drafted apologies
 * through the real approval page, and summarises per field.
 */
export async function simulate(
  options: SimulationOptions,
): Promise<{ result: SimulationResult; runtime: LocalRuntime }> {
  const clock = { at: Date.parse(`${options.start}T00:00:00+07:00`), now: () => clock.at };
  const runtime = await startDemo(options, clock);
  const stream = generateSampleStream({
    seed: options.seed,
    days: options.days,
    start: options.start,
    rules: await runtime.config.listRules(),
    scale: options.scale,
  });
  const simulation = new Simulation(options, runtime, stream, clock);
  const startDay = Date.parse(`${options.start}T00:00:00Z`) / 86_400_000;
  for (let day = startDay; day < startDay + options.days; day += 1) {
    await simulation.day(day);
    if (options.speed > 0) await new Promise((r) => setTimeout(r, 1000 / options.speed));
  }
  return { result: await simulation.finish(), runtime };
}

/** The demo's servers on the simulated clock; other commands (report, dossier, approve…) work through them. */
async function startDemo(options: SimulationOptions, clock: { now: () => number }): Promise<LocalRuntime> {
  const dataDir = options.dataDir ? resolve(options.dataDir, 'dynamodb') : undefined;
  const runtime = await startLocalRuntime({
    ...(dataDir ? { dataDir, fresh: !options.keepData } : {}),
    announce: true,
    mail: true,
    clock,
    ruleCacheMs: 3_600_000,
    dynamoPort: options.dynamoPort,
    dynamoThread: true,
    keepPublished: false,
    sesPort: options.sesPort,
    apiPort: options.apiPort,
  });
  options.onRuntime?.(runtime);
  options.err.write(
    `DynamoDB (dynalite): ${runtime.dynamoEndpoint}\nSES (aws-ses-v2-local), hộp thư: ${runtime.sesEndpoint}/\nTrang duyệt phiếu xin lỗi: ${runtime.apiUrl}/approve/…\n`,
  );
  return runtime;
}

/** A simulation under way: the clock, the stream's next event, the inbox read so far, the result. */
class Simulation {
  readonly result: SimulationResult;
  private readonly bar: cliProgress.SingleBar;
  private readonly calendar = defaultCalendar();
  private readonly decide: () => number;
  private readonly heads: SimulatedHeads;
  private readonly seenMail = new Set<string>();
  private mailSince = 0;
  private next = 0;
  private readonly timing = { ingest: 0, detect: 0, approve: 0 };

  constructor(
    private readonly options: SimulationOptions,
    private readonly runtime: LocalRuntime,
    private readonly stream: ReturnType<typeof generateSampleStream>,
    private readonly clock: { at: number },
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        format:
          'Mô phỏng {bar} {percentage}% | {value}/{total} sự kiện | ngày {day} | thư {emails} | duyệt {approvals}',
        stream: options.err,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5_000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(stream.events.length, 0, { day: options.start, emails: 0, approvals: 0 });
    this.result = {
      generatedEvents: stream.events.length,
      ingested: 0,
      duplicates: 0,
      deadLettered: 0,
      detectorRuns: 0,
      detectorFailures: 0,
      approvals: 0,
      emails: 0,
      phoneMessages: 0,
      fields: [],
      reconciled: false,
      urls: {
        inbox: `${runtime.sesEndpoint}/`,
        phones: `${runtime.phone?.endpoint ?? ''}/`,
        citizens: `${runtime.apiUrl}/tra-cuu`,
        console: `${runtime.apiUrl}/console`,
        approval: `${runtime.apiUrl}/approve/<mã hồ sơ>?token=…`,
        dynamodb: runtime.dynamoEndpoint,
      },
    };
    this.decide = random(options.seed ^ 0x5eed);
    this.heads = new SimulatedHeads(runtime);
  }

  private async timed<T>(key: keyof Simulation['timing'], run: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await run();
    } finally {
      this.timing[key] += performance.now() - t;
    }
  }

  /**
   * Events of a day go in together, several in flight as EventBridge would deliver them; order never
   * matters for the result (a dossier's state is a fold over the set of its events).
   */
  private async deliverUntil(limit: number): Promise<void> {
    const { events } = this.stream;
    const batch: typeof events = [];
    while (this.next < events.length) {
      const event = events[this.next];
      if (!event) break;
      const at = Date.parse(String((event.detail as { occurredAt: string }).occurredAt));
      if (at >= limit) break;
      this.clock.at = Math.max(this.clock.at, at);
      batch.push(event);
      this.next += 1;
    }
    await mapLimit(batch, 8, async (event) => {
      for (const delivery of await this.runtime.deliver(event)) {
        if (!delivery.ok) this.result.deadLettered += 1;
        else if ((delivery.result as { outcome?: string }).outcome === 'duplicate') this.result.duplicates += 1;
        else this.result.ingested += 1;
      }
    });
    this.bar.update(this.next);
  }

  /** One simulated day: its events, the detector at the end of a working day and the heads' approvals, the anchoring. */
  async day(day: number): Promise<void> {
    const { calendar, result, runtime } = this;
    const endOfDay = calendar.fromLocal(day, 17 * 60 + 15);
    const dayEnd = calendar.fromLocal(day + 1, 0);
    if (calendar.isWorkingDay(day)) {
      await this.timed('ingest', () => this.deliverUntil(endOfDay));
      // The detector at the end of each working day; approvals given today go out with tomorrow's pass.
      this.clock.at = Math.max(this.clock.at, endOfDay);
      result.detectorRuns += 1;
      await this.timed('detect', () =>
        runtime.detect().catch((error: unknown) => {
          if (!(error instanceof DetectorRunFailedError)) throw error;
          result.detectorFailures += error.report.failures.length;
        }),
      );
      const fetchedAt = Date.now() / 1000;
      result.approvals += await this.timed('approve', () =>
        officialsApprove(
          runtime,
          this.heads,
          this.seenMail,
          this.mailSince,
          this.stream.late,
          this.decide,
          this.options.approvalRate,
        ),
      );
      this.mailSince = fetchedAt - 1;
      result.emails = this.seenMail.size;
      result.phoneMessages = runtime.phone?.messages.length ?? 0;
    }
    await this.timed('ingest', () => this.deliverUntil(dayEnd));
    this.clock.at = Math.max(this.clock.at, dayEnd - 1);
    // The daily anchoring of the audit trail, as on AWS after midnight: every whole day before today.
    await runtime.anchor();
    await this.options.onDayEnd?.(runtime, this.clock.at);
    this.bar.update(this.next, { day: vietnamDay(dayEnd - 1), emails: result.emails, approvals: result.approvals });
  }

  /** The last day's mail counted, the summary per field, and whether every event and dossier is accounted for. */
  async finish(): Promise<SimulationResult> {
    const { result, runtime, stream } = this;
    this.bar.stop();
    if (process.env.DUNGHAN_TIMING) this.options.err.write(`${JSON.stringify(this.timing)}\n`);
    // The mail of the last day, then the count: never the whole inbox in one response (hundreds of MB).
    for (const mail of await sentEmails(runtime.sesEndpoint ?? '', this.mailSince)) this.seenMail.add(mail.messageId);
    result.emails = this.seenMail.size;
    result.phoneMessages = runtime.phone?.messages.length ?? 0;
    result.fields = await summarise(runtime, stream.dossiers, this.clock.at);
    // Commands run against the demo from now on act at its last instant, not at today's date.
    await runtime.announceClock();
    const receivedOk = result.fields.every((f) => f.received === (stream.receivedByField.get(f.field) ?? 0));
    result.reconciled =
      receivedOk && result.ingested + result.duplicates + result.deadLettered === result.generatedEvents;
    return result;
  }
}

export { type FieldSummary, summaryTable } from './field-summary.ts';
export type { DossierRecord };

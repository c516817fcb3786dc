import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import type { DossierRecord } from '../shared/domain/dossier/dossier-record.ts';
import { formatCount } from '../shared/domain/letters/vietnamese-format.ts';
import { mapLimit } from '../shared/support/map-limit.ts';
import { vietnamDay } from '../shared/support/vietnam-time.ts';
import { DetectorRunFailedError } from '../shared/use-cases/run-detector.ts';
import { LOCAL_DEMO_PASSWORD } from './identity-provider.ts';
import { type LocalRuntime, startLocalRuntime } from './local-runtime.ts';
import { generateSampleStream, random } from './sample-stream.ts';
import { approveThroughPage, ScriptedBrowser } from './scripted-browser.ts';
import { sentEmails } from './ses-server.ts';

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

export interface FieldSummary {
  field: string;
  received: number;
  early: number;
  onTime: number;
  late: number;
  /** Still being handled at the end, within time; with `overdueNow` and `closedOtherwise` the row adds up to `received`. */
  inProgress: number;
  overdueNow: number;
  /** Withdrawn or refused. */
  closedOtherwise: number;
  drafted: number;
  approved: number;
  issued: number;
  missing: number;
  withoutAppointment: number;
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
  urls: { inbox: string; phones: string; citizens: string; approval: string; dynamodb: string };
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
  let now = Date.parse(`${options.start}T00:00:00+07:00`);
  const clock = { now: () => now };
  const dataDir = options.dataDir ? resolve(options.dataDir, 'dynamodb') : undefined;
  const runtime = await startLocalRuntime({
    ...(dataDir ? { dataDir, fresh: !options.keepData } : {}),
    // Other commands (report, dossier, approve…) work through these servers while the demo stays up.
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
  const calendar = defaultCalendar();
  const stream = generateSampleStream({
    seed: options.seed,
    days: options.days,
    start: options.start,
    rules: await runtime.config.listRules(),
    scale: options.scale,
  });
  const bar = new cliProgress.SingleBar(
    {
      format: 'Mô phỏng {bar} {percentage}% | {value}/{total} sự kiện | ngày {day} | thư {emails} | duyệt {approvals}',
      stream: options.err,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(stream.events.length, 0, { day: options.start, emails: 0, approvals: 0 });
  const result: SimulationResult = {
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
      approval: `${runtime.apiUrl}/approve/<mã hồ sơ>?token=…`,
      dynamodb: runtime.dynamoEndpoint,
    },
  };
  const decide = random(options.seed ^ 0x5eed);
  const heads = new SimulatedHeads(runtime);
  const seenMail = new Set<string>();
  let next = 0;
  const startDay = Date.parse(`${options.start}T00:00:00Z`) / 86_400_000;
  // Events of a day go in together, several in flight as EventBridge would deliver them; order never matters
  // for the result (a dossier's state is a fold over the set of its events).
  const deliverUntil = async (limit: number) => {
    const batch: typeof stream.events = [];
    while (next < stream.events.length) {
      const event = stream.events[next];
      if (!event) break;
      const at = Date.parse(String((event.detail as { occurredAt: string }).occurredAt));
      if (at >= limit) break;
      now = Math.max(now, at);
      batch.push(event);
      next += 1;
    }
    await mapLimit(batch, 8, async (event) => {
      for (const delivery of await runtime.deliver(event)) {
        if (!delivery.ok) result.deadLettered += 1;
        else if ((delivery.result as { outcome?: string }).outcome === 'duplicate') result.duplicates += 1;
        else result.ingested += 1;
      }
    });
    bar.update(next);
  };
  let mailSince = 0;
  const timing = { ingest: 0, detect: 0, approve: 0 };
  const timed = async <T>(key: keyof typeof timing, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      timing[key] += performance.now() - t;
    }
  };
  for (let day = startDay; day < startDay + options.days; day += 1) {
    const endOfDay = calendar.fromLocal(day, 17 * 60 + 15);
    const dayEnd = calendar.fromLocal(day + 1, 0);
    if (calendar.isWorkingDay(day)) {
      await timed('ingest', () => deliverUntil(endOfDay));
      // The detector at the end of each working day; approvals given today go out with tomorrow's pass.
      now = Math.max(now, endOfDay);
      result.detectorRuns += 1;
      await timed('detect', () =>
        runtime.detect().catch((error: unknown) => {
          if (!(error instanceof DetectorRunFailedError)) throw error;
          result.detectorFailures += error.report.failures.length;
        }),
      );
      const fetchedAt = Date.now() / 1000;
      result.approvals += await timed('approve', () =>
        officialsApprove(runtime, heads, seenMail, mailSince, stream.late, decide, options.approvalRate),
      );
      mailSince = fetchedAt - 1;
      result.emails = seenMail.size;
      result.phoneMessages = runtime.phone?.messages.length ?? 0;
    }
    await timed('ingest', () => deliverUntil(dayEnd));
    now = Math.max(now, dayEnd - 1);
    // The daily anchoring of the audit trail, as on AWS after midnight: every whole day before today.
    await runtime.anchor();
    await options.onDayEnd?.(runtime, now);
    bar.update(next, {
      day: vietnamDay(dayEnd - 1),
      emails: result.emails,
      approvals: result.approvals,
    });
    if (options.speed > 0) await new Promise((r) => setTimeout(r, 1000 / options.speed));
  }
  bar.stop();
  if (process.env.DUNGHAN_TIMING) options.err.write(`${JSON.stringify(timing)}\n`);
  // The mail of the last day, then the count: never the whole inbox in one response (hundreds of MB).
  for (const mail of await sentEmails(runtime.sesEndpoint ?? '', mailSince)) seenMail.add(mail.messageId);
  result.emails = seenMail.size;
  result.phoneMessages = runtime.phone?.messages.length ?? 0;
  result.fields = await summarise(runtime, stream.dossiers, now);
  // Commands run against the demo from now on act at its last instant, not at today's date.
  await runtime.announceClock();
  const receivedOk = result.fields.every((f) => f.received === (stream.receivedByField.get(f.field) ?? 0));
  result.reconciled =
    receivedOk && result.ingested + result.duplicates + result.deadLettered === result.generatedEvents;
  return { result, runtime };
}

/**
 * Simulated officials open the approval links of new digests and approve a share of the drafts of the
 * dossiers that will really be late (an official knows which files are stuck).
 */
async function officialsApprove(
  runtime: LocalRuntime,
  heads: SimulatedHeads,
  seen: Set<string>,
  since: number,
  late: Set<string>,
  decide: () => number,
  rate: number,
): Promise<number> {
  let approvals = 0;
  // In a deterministic order: digests of one run reach the inbox in any order and list their dossiers in
  // the order the run handled them, so the links are sorted by dossier before any decision is drawn — the
  // same seed then draws the same decisions for the same links, and gives the same figures every run.
  const links = new Map<string, URL>();
  for (const mail of await sentEmails(runtime.sesEndpoint ?? '', since)) {
    if (seen.has(mail.messageId)) continue;
    seen.add(mail.messageId);
    for (const match of (mail.body.text ?? '').matchAll(/Duyệt phiếu xin lỗi: (\S+)/g)) {
      const url = new URL(match[1] ?? '');
      const dossierId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      if (!links.has(dossierId)) links.set(dossierId, url);
    }
  }
  for (const [dossierId, url] of [...links].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (decide() >= rate) continue;
    if (!late.has(dossierId)) continue;
    const { record } = await runtime.store.load(dossierId);
    const proposed = record?.apology.proposedReturnAt?.slice(0, 10);
    if (!proposed) continue;
    // The link is bound to a head: that head opens it, signed in at the local provider (ADR 0023).
    const browser = await heads.signedIn(boundHead(url));
    if (!browser) continue;
    const response = await approveThroughPage(browser, `${runtime.apiUrl}${url.pathname}${url.search}`, {
      reason: 'Hồ sơ phải chờ ý kiến của cơ quan liên quan',
      newReturnDate: proposed,
    });
    if (response.ok) approvals += 1;
    await response.text();
  }
  return approvals;
}

/** The e-mail of the head an approval link is bound to (the token's `h`). */
function boundHead(url: URL): string | undefined {
  try {
    const [payload] = (url.searchParams.get('token') ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { h?: unknown };
    return typeof claims.h === 'string' ? claims.h : undefined;
  } catch {
    return undefined;
  }
}

/** The simulated heads' browsers, each signed in once on the pages as the person the directory names. */
class SimulatedHeads {
  private readonly browsers = new Map<string, Promise<ScriptedBrowser | undefined>>();
  constructor(private readonly runtime: LocalRuntime) {}
  signedIn(email: string | undefined): Promise<ScriptedBrowser | undefined> {
    if (!email) return Promise.resolve(undefined);
    let browser = this.browsers.get(email);
    if (!browser) {
      browser = (async () => {
        const users = (await this.runtime.config.getUserDirectoryVersion())?.directory.users ?? [];
        const user = users.find((u) => u.email.toLowerCase() === email && !u.disabled);
        if (!user) return undefined;
        const signedIn = new ScriptedBrowser();
        const { response } = await signedIn.openSignedIn(
          `${this.runtime.apiUrl}/auth/login?next=/`,
          user.username,
          LOCAL_DEMO_PASSWORD,
        );
        await response.text();
        return signedIn;
      })();
      this.browsers.set(email, browser);
    }
    return browser;
  }
}

async function summarise(runtime: LocalRuntime, dossiers: string[], now: number): Promise<FieldSummary[]> {
  const byField = new Map<string, FieldSummary>();
  for (const id of dossiers) {
    const { record } = await runtime.store.load(id);
    const received = record?.state.received;
    if (!record || !received) continue;
    const field = received.procedure.field;
    const row = byField.get(field) ?? {
      field,
      received: 0,
      early: 0,
      onTime: 0,
      late: 0,
      inProgress: 0,
      overdueNow: 0,
      closedOtherwise: 0,
      drafted: 0,
      approved: 0,
      issued: 0,
      missing: 0,
      withoutAppointment: 0,
    };
    row.received += 1;
    const { state } = record;
    if (state.result === 'early') row.early += 1;
    if (state.result === 'on_time') row.onTime += 1;
    if (state.result === 'late') row.late += 1;
    const overdue =
      ['open', 'suspended', 'awaiting_supplement'].includes(state.status) &&
      !!state.dueAt &&
      Date.parse(state.dueAt) < now;
    const inProgress = ['open', 'suspended', 'awaiting_supplement', 'awaiting_receipt'].includes(state.status);
    if (overdue) row.overdueNow += 1;
    else if (inProgress) row.inProgress += 1;
    if (state.status === 'withdrawn' || state.status === 'refused') row.closedOtherwise += 1;
    if (record.apology.status !== 'none') row.drafted += 1;
    if (record.apology.status === 'approved' || record.apology.status === 'issued') row.approved += 1;
    if (record.apology.status === 'issued') row.issued += 1;
    if ((state.result === 'late' || overdue) && record.apology.status !== 'issued') row.missing += 1;
    if (state.violations.some((v) => v.code === 'receipt_without_appointment')) row.withoutAppointment += 1;
    byField.set(field, row);
  }
  return [...byField.values()].sort((a, b) => b.received - a.received);
}

const num = formatCount;

/**
 * The per-field summary as a text table with Vietnamese headers. Given a terminal's width narrower than
 * the table, the field names are shortened and the counts go into as many tables one under the other as
 * the width needs, each led by the field: nothing wraps.
 */
export function summaryTable(fields: FieldSummary[], width = Number.POSITIVE_INFINITY): string {
  const headers = [
    'Lĩnh vực',
    'Tiếp nhận',
    'Trước hạn',
    'Đúng hạn',
    'Trễ hạn',
    'Đang giải quyết',
    'Đang quá hạn',
    'Rút, từ chối',
    'PXL soạn',
    'PXL duyệt',
    'PXL đã gửi',
    'PXL thiếu',
    'Không hẹn',
  ];
  const total: FieldSummary = fields.reduce(
    (t, f) => ({
      field: 'Tổng cộng',
      received: t.received + f.received,
      early: t.early + f.early,
      onTime: t.onTime + f.onTime,
      late: t.late + f.late,
      inProgress: t.inProgress + f.inProgress,
      overdueNow: t.overdueNow + f.overdueNow,
      closedOtherwise: t.closedOtherwise + f.closedOtherwise,
      drafted: t.drafted + f.drafted,
      approved: t.approved + f.approved,
      issued: t.issued + f.issued,
      missing: t.missing + f.missing,
      withoutAppointment: t.withoutAppointment + f.withoutAppointment,
    }),
    {
      field: 'Tổng cộng',
      received: 0,
      early: 0,
      onTime: 0,
      late: 0,
      inProgress: 0,
      overdueNow: 0,
      closedOtherwise: 0,
      drafted: 0,
      approved: 0,
      issued: 0,
      missing: 0,
      withoutAppointment: 0,
    },
  );
  const rows = [...fields, total].map((f) => [
    shorten(f.field, 40),
    ...[
      f.received,
      f.early,
      f.onTime,
      f.late,
      f.inProgress,
      f.overdueNow,
      f.closedOtherwise,
      f.drafted,
      f.approved,
      f.issued,
      f.missing,
      f.withoutAppointment,
    ].map(num),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const SEPARATOR = 3; // ' │ '
  const full = widths.reduce((sum, w) => sum + w, 0) + SEPARATOR * (widths.length - 1);
  if (full > width) {
    const FIELD_NARROW = 24;
    if ((widths[0] ?? 0) > FIELD_NARROW) {
      widths[0] = FIELD_NARROW;
      for (const row of rows) row[0] = shorten(row[0] ?? '', FIELD_NARROW);
    }
  }
  // Columns after the field in as few blocks as fit the width, each led by the field; then evened out:
  // the narrowest limit that needs no more blocks.
  let blocks = packColumns(widths, width, SEPARATOR);
  for (let limit = Math.min(width, full) - 1; limit > 0; limit -= 1) {
    const tighter = packColumns(widths, limit, SEPARATOR);
    if (tighter.length > blocks.length) break;
    blocks = tighter;
  }
  const table = (columns: number[]) => {
    const pick = (cells: string[]) => [0, ...columns].map((i) => [cells[i] ?? '', widths[i] ?? 0, i] as const);
    const line = (cells: string[]) =>
      pick(cells)
        .map(([c, w, i]) => (i === 0 ? c.padEnd(w) : c.padStart(w)))
        .join(' │ ');
    const rule = [0, ...columns].map((i) => '─'.repeat(widths[i] ?? 0)).join('─┼─');
    return [line(headers), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])].join('\n');
  };
  return blocks.map(table).join('\n\n');
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The columns after the first, in order, in blocks no wider than `limit` with the first column leading each. */
function packColumns(widths: readonly number[], limit: number, separator: number): number[][] {
  const blocks: number[][] = [];
  let used = 0;
  for (let i = 1; i < widths.length; i += 1) {
    const need = separator + (widths[i] ?? 0);
    if (blocks.length === 0 || used + need > limit) {
      blocks.push([]);
      used = widths[0] ?? 0;
    }
    blocks.at(-1)?.push(i);
    used += need;
  }
  return blocks;
}

export type { DossierRecord };

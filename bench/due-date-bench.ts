import { DateTime } from 'luxon';
import { random as seededRandom } from '../local/sample-stream.ts';
import { DEFAULT_CALENDAR_DEFINITION, defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate, parseIsoDate } from '../shared/domain/calendar/local-date.ts';
import { WorkingCalendar } from '../shared/domain/calendar/working-calendar.ts';
import { computeDueDate } from '../shared/domain/due-date/compute-due-date.ts';
import { recomputeWorkingDayDueDays } from '../shared/domain/due-date/recompute-due-days.ts';

/**
 * The straightforward implementation the index replaces: walk day by day with luxon, looking each date
 * up in the holiday and make-up sets — what most deadline code does.
 */
function dayByDayDueAt(receivedAt: number, workingDays: number, offDays: Set<string>, makeUps: Set<string>): number {
  const isWorking = (d: DateTime) => {
    const iso = d.toISODate() ?? '';
    if (makeUps.has(iso)) return true;
    return d.weekday <= 5 && !offDays.has(iso);
  };
  const received = DateTime.fromMillis(receivedAt, { zone: 'Asia/Ho_Chi_Minh' });
  let day = received.startOf('day');
  if (!isWorking(day) || received.hour * 60 + received.minute >= 17 * 60) {
    do day = day.plus({ days: 1 });
    while (!isWorking(day));
  }
  let counted = 0;
  while (counted < workingDays) {
    day = day.plus({ days: 1 });
    if (isWorking(day)) counted += 1;
  }
  return day.set({ hour: 17, minute: 0 }).toMillis();
}

export interface DueDateBenchRow {
  workingDays: number;
  indexPerSecond: number;
  loopPerSecond: number;
  speedup: number;
}

function randomReceipts(count: number, seed: number): Float64Array {
  const from = Date.parse('2021-01-01T00:00:00+07:00');
  const span = Date.parse('2026-06-30T00:00:00+07:00') - from;
  const out = new Float64Array(count);
  const random = seededRandom(seed);
  for (let i = 0; i < count; i += 1) out[i] = from + Math.floor(random() * span);
  return out;
}

function perSecond(count: number, run: () => void): number {
  run(); // warm-up
  const start = performance.now();
  run();
  return (count / (performance.now() - start)) * 1000;
}

/** Due dates per second through the index and through the day-by-day loop, for 5, 30 and 60 working days. */
export function benchDueDates(count = 100_000): DueDateBenchRow[] {
  const calendar = defaultCalendar();
  const offDays = new Set<string>();
  const makeUps = new Set<string>();
  for (const year of Object.values(DEFAULT_CALENDAR_DEFINITION.years)) {
    for (const d of year.daysOff) offDays.add(d.date);
    for (const d of year.makeUpDays) makeUps.add(d.date);
  }
  const receipts = randomReceipts(count, 42);
  return [5, 30, 60].map((workingDays) => {
    const rule = { duration: { amount: workingDays, unit: 'working_days' as const } };
    for (let i = 0; i < 200; i += 1) {
      const receivedAt = receipts[i] ?? 0;
      const fast = computeDueDate(calendar, { receivedAt, rule }).dueAt;
      const slow = dayByDayDueAt(receivedAt, workingDays, offDays, makeUps);
      if (fast !== slow) throw new Error(`index and loop disagree at ${new Date(receivedAt).toISOString()}`);
    }
    let sink = 0;
    const indexPerSecond = perSecond(count, () => {
      for (let i = 0; i < count; i += 1) sink += computeDueDate(calendar, { receivedAt: receipts[i] ?? 0, rule }).dueAt;
    });
    const loopCount = Math.max(2_000, Math.floor(count / 20));
    const loopPerSecond = perSecond(loopCount, () => {
      for (let i = 0; i < loopCount; i += 1) sink += dayByDayDueAt(receipts[i] ?? 0, workingDays, offDays, makeUps);
    });
    if (sink === 42) console.log('');
    return { workingDays, indexPerSecond, loopPerSecond, speedup: indexPerSecond / loopPerSecond };
  });
}

export interface RecomputeBenchResult {
  dossiers: number;
  rebuildMs: number;
  recomputeMs: number;
  changed: number;
  /** Memory of the stored fields and both results (typed arrays), in MiB. */
  heapMiB: number;
}

/**
 * "A holiday is added": rebuild the calendar index with one more day off, then recompute the due days
 * of N open working-day dossiers from their stored effective receipt days.
 */
export function benchRecompute(dossiers = 5_000_000): RecomputeBenchResult {
  const base = defaultCalendar();
  const receiptDays = new Int32Array(dossiers);
  const limits = new Int32Array(dossiers);
  const first = parseIsoDate('2026-01-05');
  const random = seededRandom(7);
  for (let i = 0; i < dossiers; i += 1) {
    receiptDays[i] = base.workingDayOnOrAfter(first + Math.floor(random() * 330));
    limits[i] = [0, 1, 3, 5, 10, 15, 20, 30][Math.floor(random() * 8)] ?? 5;
  }
  const before = recomputeWorkingDayDueDays(base, receiptDays, limits);
  const year = DEFAULT_CALENDAR_DEFINITION.years['2026'];
  if (!year) throw new Error('2026 missing from the default calendar');
  const rebuildStart = performance.now();
  const changedCalendar = new WorkingCalendar({
    ...DEFAULT_CALENDAR_DEFINITION,
    years: {
      ...DEFAULT_CALENDAR_DEFINITION.years,
      '2026': {
        ...year,
        daysOff: [...year.daysOff, { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'holiday' }],
      },
    },
  });
  changedCalendar.isWorkingDay(first);
  const rebuildMs = performance.now() - rebuildStart;
  const start = performance.now();
  const after = recomputeWorkingDayDueDays(changedCalendar, receiptDays, limits);
  const recomputeMs = performance.now() - start;
  let changed = 0;
  for (let i = 0; i < dossiers; i += 1) if (after[i] !== before[i]) changed += 1;
  if (formatIsoDate(changedCalendar.nthWorkingDayAfter(parseIsoDate('2026-11-23'), 1)) !== '2026-11-25') {
    throw new Error('the added holiday was not applied');
  }
  const bytes = receiptDays.byteLength + limits.byteLength + before.byteLength + after.byteLength;
  return { dossiers, rebuildMs, recomputeMs, changed, heapMiB: bytes / 2 ** 20 };
}

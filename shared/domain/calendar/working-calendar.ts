import type { CalendarDefinition, CalendarYear } from './calendar-definition.ts';
import { firstDayOfYear, formatIsoDate, isoWeekday, parseIsoDate, tryParseTimeOfDay, yearOf } from './local-date.ts';
import { deriveProvisionalYear } from './provisional-year.ts';
import { TimeZone } from './time-zone.ts';

/** Why a day is not a working day. */
export type NonWorkingKind = 'weekend' | 'holiday' | 'compensatory' | 'swapped';

/** What the calendar says about one local day. */
export interface DayStatus {
  date: string;
  working: boolean;
  /** Set for days off: why the office is closed. */
  kind?: NonWorkingKind;
  /** Name of the holiday or of the make-up day. */
  name?: string;
  /** True for a normally closed day declared a working day (ngày làm bù). */
  makeUp?: boolean;
  source?: string;
  provisional: boolean;
}

/** A local wall-clock position: a day number and minutes after local midnight (fractional). */
export interface LocalTime {
  day: number;
  minute: number;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
/** Years a calendar can answer for; beyond this a date is surely a typo. */
const MIN_YEAR = 1990;
const MAX_YEAR = 2200;

/**
 * A working-day calendar with a precomputed index: for each day the number of working days before it,
 * and the sorted list of working days. Every query (is it a working day, the N-th working day after,
 * working time between two instants) is O(1) array arithmetic, never a day-by-day walk. Years without
 * official data are derived on demand (provisional) and the index grows to cover them.
 */
export class WorkingCalendar {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** Office periods as [start, end) minutes after midnight, in order. */
  readonly officePeriods: readonly { start: number; end: number }[];
  /** Office minutes in one working day (450 for 07:30–11:30, 13:30–17:00). */
  readonly officeMinutesPerDay: number;
  readonly openingMinute: number;
  readonly closingMinute: number;
  readonly definition: CalendarDefinition;

  private readonly working: ReadonlySet<number>;
  private readonly zone: TimeZone;
  private fixedOffsetMinutes: number | undefined;
  private firstYear = 0;
  private lastYear = -1;
  private startDay = 0;
  /** rankBefore[i] = working days in [startDay, startDay + i); length = days + 1. */
  private rankBefore: Int32Array = new Int32Array(1);
  private workingDays: Int32Array = new Int32Array(0);
  /** Added to index ranks so that ranks (and office positions) stay stable when the index grows backwards. */
  private rankOffset = 0;
  private readonly statusByDay = new Map<number, DayStatus>();
  private readonly years = new Map<number, CalendarYear>();

  constructor(definition: CalendarDefinition) {
    this.definition = definition;
    this.id = definition.id;
    this.name = definition.name;
    this.timeZone = definition.timeZone;
    this.working = new Set(definition.workingWeekdays);
    this.zone = new TimeZone(definition.timeZone);
    this.officePeriods = definition.officeHours.map((p) => ({
      start: tryParseTimeOfDay(p.start) ?? 0,
      end: tryParseTimeOfDay(p.end) ?? 0,
    }));
    this.officeMinutesPerDay = this.officePeriods.reduce((sum, p) => sum + p.end - p.start, 0);
    this.openingMinute = this.officePeriods[0]?.start ?? 0;
    this.closingMinute = this.officePeriods.at(-1)?.end ?? 0;
    const definedYears = Object.keys(definition.years).map(Number);
    const from = Math.min(...definedYears, 2020) - 1;
    const to = Math.max(...definedYears, 2026) + 3;
    this.build(from, to);
  }

  /** The years currently indexed (those with official data, and those derived). */
  get indexedYears(): { first: number; last: number } {
    return { first: this.firstYear, last: this.lastYear };
  }

  /** Data for one year: the official data when present, else the derived provisional year. */
  yearData(year: number): CalendarYear {
    this.ensureYear(year);
    const data = this.years.get(year);
    if (!data) throw new RangeError(`year ${year} is outside the calendar`);
    return data;
  }

  /** True when the year has no official data (derived from the law and the lunar calendar). */
  isProvisional(year: number): boolean {
    return this.yearData(year).provisional;
  }

  /** True when the local day is a working day. */
  isWorkingDay(day: number): boolean {
    this.ensureDay(day + 1);
    const i = day - this.startDay;
    return (this.rankBefore[i + 1] ?? 0) - (this.rankBefore[i] ?? 0) === 1;
  }

  /** Status of a local day with the reason it is closed or the make-up it is. */
  dayStatus(day: number): DayStatus {
    this.ensureDay(day);
    const known = this.statusByDay.get(day);
    if (known) return known;
    const working = this.working.has(isoWeekday(day));
    return working
      ? { date: formatIsoDate(day), working: true, provisional: this.isProvisional(yearOf(day)) }
      : {
          date: formatIsoDate(day),
          working: false,
          kind: 'weekend',
          provisional: this.isProvisional(yearOf(day)),
        };
  }

  /** Number of working days strictly before the day, counted from the start of the index. */
  rankOf(day: number): number {
    this.ensureDay(day);
    return (this.rankBefore[day - this.startDay] ?? 0) + this.rankOffset;
  }

  /** The working day with the given rank. */
  workingDayAt(rank: number): number {
    while (rank - this.rankOffset >= this.workingDays.length) this.grow(this.lastYear + 10);
    while (rank < this.rankOffset) this.grow(this.firstYear - 10);
    return this.workingDays[rank - this.rankOffset] ?? 0;
  }

  /** The first working day on or after the day. */
  workingDayOnOrAfter(day: number): number {
    return this.workingDayAt(this.rankOf(day));
  }

  /** The n-th working day after the day (n ≥ 1), or the day itself for n = 0 when it is a working day. */
  nthWorkingDayAfter(day: number, n: number): number {
    if (n === 0 && this.isWorkingDay(day)) return day;
    return this.workingDayAt(this.rankOf(day + 1) + Math.max(n, 1) - 1);
  }

  /** Non-working days in [fromDay, toDay], with their reasons. */
  nonWorkingDaysBetween(fromDay: number, toDay: number): DayStatus[] {
    const out: DayStatus[] = [];
    for (let day = fromDay; day <= toDay; day += 1) {
      if (!this.isWorkingDay(day)) out.push(this.dayStatus(day));
    }
    return out;
  }

  /** Make-up working days (normally closed, declared working) in [fromDay, toDay]. */
  makeUpDaysBetween(fromDay: number, toDay: number): DayStatus[] {
    const out: DayStatus[] = [];
    for (let day = fromDay; day <= toDay; day += 1) {
      const status = this.statusByDay.get(day);
      if (status?.makeUp) out.push(status);
    }
    return out;
  }

  // ---- instants and office time -------------------------------------------------------------

  /** Local day and minute of an instant in the calendar's time zone. */
  toLocal(epochMs: number): LocalTime {
    const local = epochMs + this.offsetMinutesAt(epochMs) * MS_PER_MINUTE;
    const day = Math.floor(local / MS_PER_DAY);
    return { day, minute: (local - day * MS_PER_DAY) / MS_PER_MINUTE };
  }

  /** The instant of a local day and minute in the calendar's time zone. */
  fromLocal(day: number, minute: number): number {
    const guess = day * MS_PER_DAY + minute * MS_PER_MINUTE;
    const offset = this.offsetMinutesAt(guess - this.offsetMinutesAt(guess) * MS_PER_MINUTE);
    return guess - offset * MS_PER_MINUTE;
  }

  /** Offset from UTC in minutes at an instant. */
  offsetMinutesAt(epochMs: number): number {
    return this.fixedOffsetMinutes ?? this.zone.offset(epochMs);
  }

  /** ISO-8601 text of an instant with the calendar's offset, e.g. `2024-02-22T17:00:00+07:00`. */
  formatInstant(epochMs: number): string {
    const offset = this.offsetMinutesAt(epochMs);
    const local = new Date(epochMs + offset * MS_PER_MINUTE).toISOString().slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  /**
   * Office-time position of a local moment: office minutes elapsed since the start of the index.
   * A moment outside office hours or on a day off sits at the next opening (which is also the
   * previous closing), so differences of positions are working time.
   */
  officePosition(day: number, minute: number): number {
    const rank = this.rankOf(day);
    if (!this.isWorkingDay(day)) return rank * this.officeMinutesPerDay;
    return rank * this.officeMinutesPerDay + this.officeMinutesBefore(minute);
  }

  /** Office-time position of an instant. */
  officePositionOfInstant(epochMs: number): number {
    const { day, minute } = this.toLocal(epochMs);
    return this.officePosition(day, minute);
  }

  /**
   * Local moment of an office-time position. With `atEnd` an exact boundary maps to the end of the
   * period it closes (17:00, 11:30) rather than the next opening — the instant a duration ends.
   */
  localAtPosition(position: number, atEnd: boolean): LocalTime {
    const perDay = this.officeMinutesPerDay;
    const rank = atEnd ? Math.ceil(position / perDay) - 1 : Math.floor(position / perDay);
    let offset = position - rank * perDay;
    const day = this.workingDayAt(rank);
    for (const period of this.officePeriods) {
      const length = period.end - period.start;
      if (atEnd ? offset <= length : offset < length) return { day, minute: period.start + offset };
      offset -= length;
    }
    return { day, minute: this.closingMinute };
  }

  /** Instant of an office-time position (see {@link localAtPosition}). */
  instantAtPosition(position: number, atEnd: boolean): number {
    const local = this.localAtPosition(position, atEnd);
    return this.fromLocal(local.day, local.minute);
  }

  /** Office minutes of a working day before a time of day. */
  officeMinutesBefore(minute: number): number {
    let total = 0;
    for (const period of this.officePeriods) {
      if (minute <= period.start) break;
      total += Math.min(minute, period.end) - period.start;
    }
    return total;
  }

  /** True when the time of day is inside an office period. */
  isOfficeTime(minute: number): boolean {
    return this.officePeriods.some((p) => minute >= p.start && minute < p.end);
  }

  // ---- index ------------------------------------------------------------------------------------

  private ensureDay(day: number): void {
    if (day >= this.startDay && day - this.startDay < this.rankBefore.length - 1) return;
    this.ensureYear(yearOf(day));
  }

  private ensureYear(year: number): void {
    if (year >= this.firstYear && year <= this.lastYear) return;
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`year ${year} is outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
    }
    this.grow(year);
  }

  private grow(year: number): void {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`the calendar covers ${MIN_YEAR}–${MAX_YEAR} only`);
    }
    const from = Math.min(this.firstYear, year);
    const to = Math.max(this.lastYear, year);
    this.build(from, to);
  }

  private build(fromYear: number, toYear: number): void {
    const first = Math.max(fromYear, MIN_YEAR);
    const last = Math.min(toYear, MAX_YEAR);
    for (let year = first; year <= last; year += 1) {
      if (this.years.has(year)) continue;
      const data = this.definition.years[String(year)] ?? this.derive(year);
      this.years.set(year, data);
      for (const off of data.daysOff) {
        this.statusByDay.set(parseIsoDate(off.date), {
          date: off.date,
          working: false,
          kind: off.kind,
          name: off.name,
          ...((off.source ?? data.source) === undefined ? {} : { source: off.source ?? data.source }),
          provisional: data.provisional,
        });
      }
      for (const makeUp of data.makeUpDays) {
        this.statusByDay.set(parseIsoDate(makeUp.date), {
          date: makeUp.date,
          working: true,
          makeUp: true,
          name: makeUp.name,
          ...((makeUp.source ?? data.source) === undefined ? {} : { source: makeUp.source ?? data.source }),
          provisional: data.provisional,
        });
      }
    }
    const startDay = firstDayOfYear(first);
    const endDay = firstDayOfYear(last + 1);
    const rankBefore = new Int32Array(endDay - startDay + 1);
    const workingDays: number[] = [];
    for (let day = startDay; day < endDay; day += 1) {
      const status = this.statusByDay.get(day);
      const working = status ? status.working : this.working.has(isoWeekday(day));
      const i = day - startDay;
      rankBefore[i + 1] = (rankBefore[i] ?? 0) + (working ? 1 : 0);
      if (working) workingDays.push(day);
    }
    if (this.lastYear >= this.firstYear && startDay < this.startDay) {
      this.rankOffset -= rankBefore[this.startDay - startDay] ?? 0;
    }
    this.firstYear = first;
    this.lastYear = last;
    this.startDay = startDay;
    this.rankBefore = rankBefore;
    this.workingDays = Int32Array.from(workingDays);
    this.fixedOffsetMinutes = this.detectFixedOffset(first, last);
  }

  private derive(year: number): CalendarYear {
    if (this.definition.provisionalRule === 'none') {
      return {
        provisional: true,
        notes: ['Chưa có dữ liệu chính thức; chỉ tính ngày nghỉ hằng tuần.'],
        daysOff: [],
        makeUpDays: [],
      };
    }
    return deriveProvisionalYear(year, this.definition.workingWeekdays);
  }

  /** The zone's offset when it is the same throughout the indexed years (true for Asia/Ho_Chi_Minh since 1975). */
  private detectFixedOffset(fromYear: number, toYear: number): number | undefined {
    const probe = this.zone.offset(Date.UTC(fromYear, 0, 1));
    for (let year = fromYear; year <= toYear + 1; year += 1) {
      for (const month of [0, 3, 6, 9]) {
        if (this.zone.offset(Date.UTC(year, month, 1)) !== probe) return undefined;
      }
    }
    return probe;
  }
}

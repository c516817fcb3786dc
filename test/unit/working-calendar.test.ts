import Holidays from 'date-holidays';
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR_DEFINITION, defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { parseIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { deriveProvisionalYear } from '../../shared/domain/calendar/provisional-year.ts';
import { TimeZone } from '../../shared/domain/calendar/time-zone.ts';
import { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';

const calendar = defaultCalendar();
const day = parseIsoDate;

describe('the default civil-service calendar', () => {
  it('ships the verified years 2021–2026 with their sources and marks later years provisional', () => {
    for (const year of [2021, 2022, 2023, 2024, 2025, 2026]) {
      const data = calendar.yearData(year);
      expect(data.provisional, String(year)).toBe(false);
      expect(data.source, String(year)).toMatch(/VPCP|BNV|LĐTBXH|sggp|vietnam/i);
    }
    expect(calendar.isProvisional(2027)).toBe(true);
    expect(calendar.isProvisional(2020)).toBe(true);
  });

  it('keeps 24/11/2026 (unverified Ngày Văn hóa Việt Nam) a working day and says why in the notes', () => {
    expect(calendar.isWorkingDay(day('2026-11-24'))).toBe(true);
    expect(calendar.yearData(2026).notes.join(' ')).toContain('2026-11-24');
  });

  it.each([
    ['2024-05-04', 'make-up Saturday 2024'],
    ['2025-04-26', 'make-up Saturday 2025'],
    ['2026-01-10', 'make-up Saturday for New Year 2026'],
    ['2026-08-22', 'make-up Saturday for Quốc khánh 2026'],
  ])('counts %s as a working day (%s)', (date) => {
    expect(calendar.isWorkingDay(day(date))).toBe(true);
    expect(calendar.dayStatus(day(date))).toMatchObject({ working: true, makeUp: true });
  });

  it.each([
    ['2021-05-03', 'compensatory'],
    ['2022-01-03', 'compensatory'],
    ['2022-04-11', 'compensatory'],
    ['2023-09-04', 'compensatory'],
    ['2024-04-29', 'swapped'],
    ['2025-05-02', 'swapped'],
    ['2026-01-02', 'swapped'],
    ['2026-04-27', 'compensatory'],
    ['2026-08-31', 'swapped'],
    ['2024-02-12', 'holiday'],
  ])('closes %s as a %s day with its name', (date, kind) => {
    const status = calendar.dayStatus(day(date));
    expect(status.working).toBe(false);
    expect(status.kind).toBe(kind);
    expect(status.name).toBeTruthy();
  });

  it('agrees with the lunar calendar: every statutory Tết and Giỗ Tổ day of 2021–2026 is closed or a weekend', () => {
    const lunar = new Holidays('VN');
    for (let year = 2021; year <= 2026; year += 1) {
      for (const h of lunar.getHolidays(year)) {
        if (h.rule !== 'vietnamese 1-0-1' && h.rule !== 'vietnamese 3-0-10') continue;
        expect(calendar.isWorkingDay(day(h.date.slice(0, 10))), `${year} ${h.name}`).toBe(false);
      }
    }
  });

  it('answers the N-th working day in constant time without walking days', () => {
    const r = day('2024-04-01');
    expect(calendar.nthWorkingDayAfter(r, 60)).toBe(day('2024-06-27'));
    expect(calendar.nthWorkingDayAfter(day('2024-02-07'), 1)).toBe(day('2024-02-15'));
    expect(calendar.workingDayOnOrAfter(day('2024-02-10'))).toBe(day('2024-02-15'));
  });

  it('grows its index to far years, backwards and forwards, keeping earlier results stable', () => {
    const fresh = new WorkingCalendar(DEFAULT_CALENDAR_DEFINITION);
    const before = fresh.nthWorkingDayAfter(day('2024-04-01'), 60);
    const positionBefore = fresh.officePosition(day('2024-04-01'), 600);
    fresh.isWorkingDay(day('1995-06-01'));
    fresh.isWorkingDay(day('2090-06-01'));
    expect(fresh.nthWorkingDayAfter(day('2024-04-01'), 60)).toBe(before);
    expect(fresh.officePosition(day('2024-04-01'), 600)).toBe(positionBefore);
    expect(fresh.indexedYears.first).toBeLessThanOrEqual(1995);
    expect(fresh.indexedYears.last).toBeGreaterThanOrEqual(2090);
  });

  it('refuses years outside 1990–2200 instead of inventing them', () => {
    expect(() => calendar.isWorkingDay(day('2300-01-01'))).toThrow(RangeError);
  });
});

describe('provisional years derived from Bộ luật Lao động 2019', () => {
  it('reproduces the official 2022 calendar exactly (a year without discretionary swaps)', () => {
    const derived = deriveProvisionalYear(2022, [1, 2, 3, 4, 5]).daysOff.map((d) => d.date);
    expect(derived).toEqual([
      '2022-01-03',
      '2022-01-31',
      '2022-02-01',
      '2022-02-02',
      '2022-02-03',
      '2022-02-04',
      '2022-04-11',
      '2022-05-02',
      '2022-05-03',
      '2022-09-01',
      '2022-09-02',
    ]);
  });

  it('derives 2027: Tết 5–11/2 with compensating days, Giỗ Tổ 16/4, 30/4, 1/5 compensated, Quốc khánh 2–3/9', () => {
    const year = deriveProvisionalYear(2027, [1, 2, 3, 4, 5]);
    expect(year.provisional).toBe(true);
    expect(year.makeUpDays).toEqual([]);
    expect(year.daysOff.map((d) => [d.date, d.kind])).toEqual([
      ['2027-01-01', 'holiday'],
      ['2027-02-05', 'holiday'],
      ['2027-02-08', 'holiday'],
      ['2027-02-09', 'holiday'],
      ['2027-02-10', 'compensatory'],
      ['2027-02-11', 'compensatory'],
      ['2027-04-16', 'holiday'],
      ['2027-04-30', 'holiday'],
      ['2027-05-03', 'compensatory'],
      ['2027-09-02', 'holiday'],
      ['2027-09-03', 'holiday'],
    ]);
    expect(year.daysOff.every((d) => d.source?.includes('Bộ luật Lao động 2019'))).toBe(true);
  });

  it('only counts weekly days off when a calendar opts out of derivation', () => {
    const plain = new WorkingCalendar({ ...DEFAULT_CALENDAR_DEFINITION, provisionalRule: 'none' });
    expect(plain.isWorkingDay(day('2027-02-08'))).toBe(true);
    expect(plain.isProvisional(2027)).toBe(true);
  });
});

describe('time zones through Intl (time-zone.ts), against luxon', () => {
  const zones = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];

  it('gives luxon’s offset at any instant, DST changes and the 1975 change in Vietnam included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // 1900–2200, to the millisecond, negative epochs included.
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 11, 31) }),
        (zone, epochMs) => {
          expect(new TimeZone(zone).offset(epochMs)).toBe(IANAZone.create(zone).offset(epochMs));
        },
      ),
      { numRuns: 3000 },
    );
    expect(new TimeZone('Asia/Ho_Chi_Minh').offset(Date.parse('2026-11-30T00:00:00Z'))).toBe(420);
    expect(new TimeZone('Europe/Paris').offset(Date.parse('2026-07-01T00:00:00Z'))).toBe(120);
  });

  it('knows a zone exactly when luxon does', () => {
    for (const name of [...zones, 'Asia/Saigon', 'Etc/GMT-7', '', 'Asia/Hanoi', 'Mars/Olympus', 'GMT+7', 'utc']) {
      expect(TimeZone.isValid(name), name).toBe(IANAZone.isValidZone(name));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { FIRST_YEAR, LAST_YEAR, lunarTableFromLibrary } from '../../scripts/build-lunar-table.ts';
import lunarTable from '../../shared/domain/calendar/data/vn-lunar-dates.json' with { type: 'json' };
import { formatIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { lunarHolidays } from '../../shared/domain/calendar/provisional-year.ts';

describe('the shipped lunar table', () => {
  it('holds exactly what date-holidays computes for every year 1990–2200', () => {
    expect(lunarTable.years).toEqual(lunarTableFromLibrary(FIRST_YEAR, LAST_YEAR));
  });

  it.each([
    [2024, '2024-02-10', '2024-04-18'],
    [2025, '2025-01-29', '2025-04-07'],
    [2026, '2026-02-17', '2026-04-26'],
    [2027, '2027-02-06', '2027-04-16'],
  ])('gives mùng 1 Tết and Giỗ Tổ of %i as the official notices do', (year, tet, hungKings) => {
    const dates = lunarHolidays(year);
    expect(formatIsoDate(dates.tet)).toBe(tet);
    expect(formatIsoDate(dates.hungKings)).toBe(hungKings);
  });

  it('refuses a year outside the table instead of inventing it', () => {
    expect(() => lunarHolidays(2201)).toThrow(RangeError);
  });
});

import { formatIsoDate, yearOf } from './local-date.ts';
import type { WorkingCalendar } from './working-calendar.ts';

/** A year whose calendar is still derived, with the days an administrator must confirm or correct. */
export interface YearToConfirm {
  year: number;
  reason: 'current_year_provisional' | 'next_year_provisional';
  daysOff: { date: string; name: string; kind: string }[];
  notes: string[];
}

/**
 * The provisional years administrators must confirm on `day`: the current year if it has no official
 * data, and next year from `checkFrom` (MM-DD, default 11-01: the government publishes the next year's
 * holidays in the autumn, and deadlines counted in November already reach into January).
 */
export function provisionalYearsToConfirm(
  calendar: WorkingCalendar,
  day: number,
  checkFrom = '11-01',
): YearToConfirm[] {
  const year = yearOf(day);
  const out: YearToConfirm[] = [];
  const describe = (y: number, reason: YearToConfirm['reason']): YearToConfirm => {
    const data = calendar.yearData(y);
    return {
      year: y,
      reason,
      daysOff: data.daysOff.map((d) => ({ date: d.date, name: d.name, kind: d.kind })),
      notes: data.notes,
    };
  };
  if (calendar.isProvisional(year)) out.push(describe(year, 'current_year_provisional'));
  if (formatIsoDate(day).slice(5) >= checkFrom && calendar.isProvisional(year + 1)) {
    out.push(describe(year + 1, 'next_year_provisional'));
  }
  return out;
}

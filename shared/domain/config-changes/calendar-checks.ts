import type { CalendarDefinition } from '../calendar/calendar-definition.ts';
import { formatIsoDate, isoWeekday, parseIsoDate } from '../calendar/local-date.ts';
import { lunarHolidays } from '../calendar/provisional-year.ts';
import { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { RuleProblem } from '../rules/deadline-rule.ts';

/** Days within which a holiday on a weekly day off must be compensated (the notices use the next days). */
const COMPENSATION_WINDOW_DAYS = 7;

/**
 * Bộ luật Lao động 2019 Điều 111 khoản 3: a statutory single-day holiday (1/1, Giỗ Tổ 10/3 lunar, 30/4,
 * 1/5, 2/9) falling on a weekly day off is compensated by a weekday off. For each official (not
 * provisional) year of a calendar that follows the labour code, every such holiday must be matched by
 * a compensatory or swapped day off in the week after it; each listed day compensates one holiday.
 * (Tết is a block the government fixes each year, weekends included, so it is not checked.)
 */
export function checkHolidayCompensation(calendar: CalendarDefinition, file: string): RuleProblem[] {
  if (calendar.provisionalRule !== 'vn-labour-code-2019') return [];
  const working = new Set(calendar.workingWeekdays);
  const problems: RuleProblem[] = [];
  for (const [yearKey, year] of Object.entries(calendar.years)) {
    if (year.provisional) continue;
    const y = Number(yearKey);
    let hungKings: number;
    try {
      hungKings = lunarHolidays(y).hungKings;
    } catch {
      continue; // outside the lunar table: nothing to check against
    }
    const holidays = [
      { day: parseIsoDate(`${y}-01-01`), name: 'Tết Dương lịch (1/1)' },
      { day: hungKings, name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
      { day: parseIsoDate(`${y}-04-30`), name: 'Ngày Chiến thắng (30/4)' },
      { day: parseIsoDate(`${y}-05-01`), name: 'Ngày Quốc tế Lao động (1/5)' },
      { day: parseIsoDate(`${y}-09-02`), name: 'Quốc khánh (2/9)' },
    ].sort((a, b) => a.day - b.day);
    const compensations = year.daysOff
      .filter((d) => d.kind === 'compensatory' || d.kind === 'swapped')
      .map((d) => parseIsoDate(d.date))
      .sort((a, b) => a - b);
    const used = new Set<number>();
    for (const holiday of holidays) {
      if (working.has(isoWeekday(holiday.day))) continue;
      const match = compensations.find(
        (c) => !used.has(c) && c > holiday.day && c <= holiday.day + COMPENSATION_WINDOW_DAYS,
      );
      if (match !== undefined) {
        used.add(match);
        continue;
      }
      problems.push({
        file,
        path: `years.${yearKey}.daysOff`,
        reason: `${holiday.name} falls on ${formatIsoDate(holiday.day)}, a weekly day off, and no compensating day off (kind: compensatory or swapped) follows within ${COMPENSATION_WINDOW_DAYS} days (Bộ luật Lao động 2019 Điều 111 khoản 3)`,
      });
    }
  }
  return problems;
}

/** One day that is a working day in one version of a calendar and a day off in the other. */
export interface ChangedDay {
  date: string;
  before: { working: boolean; name?: string | undefined };
  after: { working: boolean; name?: string | undefined };
}

/** What changes between two versions of a calendar: settings, and the days that change status. */
export interface CalendarDiff {
  /** True when there is no earlier version. */
  created: boolean;
  settingsChanged: string[];
  days: ChangedDay[];
}

const SETTINGS = ['name', 'timeZone', 'workingWeekdays', 'officeHours', 'provisionalRule'] as const;

/**
 * Compares two calendar versions: the settings that differ, and every day from `fromYear` to `toYear`
 * (plus every year either version lists) that is a working day in one and not in the other —
 * provisional years included, so confirming a derived year shows exactly which days move.
 */
export function diffCalendars(
  before: CalendarDefinition | undefined,
  after: CalendarDefinition,
  fromYear: number,
  toYear: number,
): CalendarDiff {
  if (!before) return { created: true, settingsChanged: [], days: [] };
  const settingsChanged = SETTINGS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  const years = new Set<number>();
  for (let y = fromYear; y <= toYear; y += 1) years.add(y);
  for (const key of [...Object.keys(before.years), ...Object.keys(after.years)]) years.add(Number(key));
  const oldCalendar = new WorkingCalendar(before);
  const newCalendar = new WorkingCalendar(after);
  const days: ChangedDay[] = [];
  for (const year of [...years].sort((a, b) => a - b)) {
    if (year < 1990 || year > 2200) continue;
    const last = parseIsoDate(`${year}-12-31`);
    for (let day = parseIsoDate(`${year}-01-01`); day <= last; day += 1) {
      const b = oldCalendar.dayStatus(day);
      const a = newCalendar.dayStatus(day);
      if (b.working === a.working) continue;
      days.push({
        date: formatIsoDate(day),
        before: { working: b.working, name: b.name },
        after: { working: a.working, name: a.name },
      });
    }
  }
  return { created: false, settingsChanged, days };
}

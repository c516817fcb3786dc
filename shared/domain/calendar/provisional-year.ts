import type { CalendarYear, DayOff } from './calendar-definition.ts';
import lunarTable from './data/vn-lunar-dates.json' with { type: 'json' };
import { formatIsoDate, isoWeekday, parseIsoDate } from './local-date.ts';

/**
 * Derives a provisional civil-service year for a year the government has not published yet, from the
 * rules of Bộ luật Lao động 2019: Điều 112 (1/1; Tết Âm lịch 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4;
 * 1/5; 2/9 and one adjacent day) and Điều 111 khoản 3 (a holiday on a weekly day off is compensated on the
 * next working day). Lunar dates come from date-holidays' VN rules, tabulated 1990–2200 by scripts/build-lunar-table.ts; the yearly swaps (hoán đổi) and make-up
 * Saturdays are the government's discretion and cannot be derived, so none are invented.
 */
export function deriveProvisionalYear(year: number, workingWeekdays: readonly number[]): CalendarYear {
  const working = new Set(workingWeekdays);
  const statutory = statutoryHolidays(year);
  const taken = new Set(statutory.map((h) => h.day));
  const daysOff: DayOff[] = [];
  const source = PROVISIONAL_SOURCE;
  for (const holiday of statutory) {
    if (working.has(isoWeekday(holiday.day))) {
      daysOff.push({ date: formatIsoDate(holiday.day), name: holiday.name, kind: 'holiday', source });
      continue;
    }
    let compensation = holiday.day + 1;
    while (!working.has(isoWeekday(compensation)) || taken.has(compensation)) compensation += 1;
    taken.add(compensation);
    daysOff.push({
      date: formatIsoDate(compensation),
      name: `Nghỉ bù ${holiday.name} (${ddmm(holiday.day)} trùng ngày nghỉ hằng tuần)`,
      kind: 'compensatory',
      source,
    });
  }
  daysOff.sort((a, b) => a.date.localeCompare(b.date));
  return {
    provisional: true,
    source,
    notes: [
      'Lịch dự kiến, chưa có thông báo chính thức của Chính phủ/Bộ Nội vụ: ngày hoán đổi và ngày làm bù (nếu có) chưa được tính.',
    ],
    daysOff,
    makeUpDays: [],
  };
}

const PROVISIONAL_SOURCE =
  'Dự kiến theo Bộ luật Lao động 2019 Điều 111 khoản 3 và Điều 112; ngày âm lịch theo date-holidays (VN)';

interface StatutoryHoliday {
  day: number;
  name: string;
}

/** Mùng 1 Tết and Giỗ Tổ per year, from date-holidays (scripts/build-lunar-table.ts; checked by a test). */
const LUNAR_YEARS: Record<string, readonly string[] | undefined> = lunarTable.years;

/** Mùng 1 Tết and Giỗ Tổ (10/3 lunar) of a Gregorian year, as day numbers. */
export function lunarHolidays(year: number): { tet: number; hungKings: number } {
  const dates = LUNAR_YEARS[String(year)];
  if (!dates) throw new RangeError(`no lunar dates for ${year} (the table covers 1990–2200)`);
  const [tet, hungKings] = dates;
  if (!tet || !hungKings) throw new RangeError(`no lunar dates for ${year}`);
  return { tet: parseIsoDate(`${year}-${tet}`), hungKings: parseIsoDate(`${year}-${hungKings}`) };
}

/** The statutory holidays of a year (Điều 112), one entry per day, in date order. */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  const { tet, hungKings } = lunarHolidays(year);
  const byDay = new Map<number, string>();
  const add = (day: number, name: string) => {
    if (!byDay.has(day)) byDay.set(day, name);
  };
  add(parseIsoDate(`${year}-01-01`), 'Tết Dương lịch');
  // Tết Âm lịch: 5 days; the provisional block is giao thừa and mùng 1–4, the usual official choice.
  for (let day = tet - 1; day <= tet + 3; day += 1) add(day, 'Tết Âm lịch');
  add(hungKings, 'Giỗ Tổ Hùng Vương (10/3 âm lịch)');
  add(parseIsoDate(`${year}-04-30`), 'Ngày Chiến thắng (30/4)');
  add(parseIsoDate(`${year}-05-01`), 'Ngày Quốc tế Lao động (1/5)');
  // 2/9 and one adjacent day (1/9 or 3/9), chosen by the Prime Minister each year; the provisional
  // choice joins the weekend the way the notices of 2021–2026 did.
  const nationalDay = parseIsoDate(`${year}-09-02`);
  add(nationalDay, 'Quốc khánh (2/9)');
  add([2, 3, 5, 6].includes(isoWeekday(nationalDay)) ? nationalDay - 1 : nationalDay + 1, 'Quốc khánh (ngày liền kề)');
  return [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, name]) => ({ day, name }));
}

function ddmm(day: number): string {
  const [, m, d] = formatIsoDate(day).split('-');
  return `${d}/${m}`;
}

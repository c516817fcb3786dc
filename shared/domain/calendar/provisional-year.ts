import Holidays from 'date-holidays';
import type { CalendarYear, DayOff } from './calendar-definition.ts';
import { formatIsoDate, isoWeekday, parseIsoDate } from './local-date.ts';

/**
 * Derives a provisional civil-service year for a year the government has not published yet, from the
 * rules of Bộ luật Lao động 2019: Điều 112 (1/1; Tết Âm lịch 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4;
 * 1/5; 2/9 and one adjacent day) and Điều 111 khoản 3 (a holiday on a weekly day off is compensated on the
 * next working day). Lunar dates come from date-holidays; the yearly swaps (hoán đổi) and make-up
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

let holidays: Holidays | undefined;

/** The statutory holidays of a year, one entry per day, in date order. */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  holidays ??= new Holidays('VN');
  const byDay = new Map<number, string>();
  for (const h of holidays.getHolidays(year)) {
    if (h.type !== 'public') continue;
    const name = NAMES[h.rule] ?? h.name;
    const first = parseIsoDate(h.date.slice(0, 10));
    const length = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
    for (let i = 0; i < length; i += 1) {
      if (!byDay.has(first + i)) byDay.set(first + i, name);
    }
  }
  // Điều 112: 2/9 and one adjacent day (1/9 or 3/9), chosen by the Prime Minister each year; the
  // provisional choice joins the weekend the way the notices of 2021–2026 did.
  const nationalDay = parseIsoDate(`${year}-09-02`);
  const adjacent = [2, 3, 5, 6].includes(isoWeekday(nationalDay)) ? nationalDay - 1 : nationalDay + 1;
  if (!byDay.has(adjacent)) byDay.set(adjacent, 'Quốc khánh (ngày liền kề)');
  return [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, name]) => ({ day, name }));
}

const NAMES: Record<string, string> = {
  '01-01': 'Tết Dương lịch',
  '1 day before vietnamese 1-0-1 P5D': 'Tết Âm lịch',
  'vietnamese 1-0-1': 'Tết Âm lịch',
  'vietnamese 3-0-10': 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
  '04-30': 'Ngày Chiến thắng (30/4)',
  '05-01': 'Ngày Quốc tế Lao động (1/5)',
  '09-02': 'Quốc khánh (2/9)',
};

function ddmm(day: number): string {
  const [, m, d] = formatIsoDate(day).split('-');
  return `${d}/${m}`;
}

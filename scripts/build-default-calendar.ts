/**
 * Builds config/calendars/vn-civil-service.json, the default calendar shipped with Đúng Hạn, from the
 * verified civil-service calendar in ../shared/data/vn-civil-service-calendar.json. Keeps each year's
 * sources; leaves out entries the data marks unverified (24/11/2026, Ngày Văn hóa Việt Nam) and says so
 * in the year's notes. Run: `npx tsx scripts/build-default-calendar.ts [source.json]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CalendarDefinition, calendarDefinitionSchema } from '../shared/domain/calendar/calendar-definition.ts';

interface SourceYear {
  daysOff: string[];
  workingWeekends: string[];
  detail: { date: string; occasion: string }[];
  verified: boolean;
  scope: string;
  source: string;
  pendingUnverified?: { date: string; name: string; status: string }[];
}

/** The verified source, beside the repository. */
export const SOURCE_PATH = fileURLToPath(new URL('../../shared/data/vn-civil-service-calendar.json', import.meta.url));
/** The shipped default calendar. */
export const TARGET_PATH = fileURLToPath(new URL('../config/calendars/vn-civil-service.json', import.meta.url));

function dayMonth(date: string): string {
  const [, m, d] = date.split('-');
  return `${Number(d)}/${Number(m)}`;
}

function mentions(occasion: string, marker: RegExp, date: string): boolean {
  const match = marker.exec(occasion);
  if (!match?.[1]) return false;
  return match[1].split(/,\s*/).some((dm) => dm.trim() === dayMonth(date));
}

/** Converts the verified source file into the calendar definition Đúng Hạn ships. */
export function buildDefaultCalendar(sourcePath: string): CalendarDefinition {
  const raw = JSON.parse(readFileSync(sourcePath, 'utf8')) as Record<string, unknown> & {
    _meta: { description: string; legalBasis: string[] };
  };
  const years: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!/^\d{4}$/.test(key)) continue;
    const year = value as SourceYear;
    const occasionOf = new Map(year.detail.map((d) => [d.date, d.occasion]));
    const daysOff = year.daysOff.map((date) => {
      const occasion = occasionOf.get(date) ?? 'Ngày nghỉ lễ, Tết';
      const kind = mentions(occasion, /hoán đổi: nghỉ ([\d/, ]+)/, date)
        ? 'swapped'
        : mentions(occasion, /nghỉ bù ([\d/, ]+)/, date)
          ? 'compensatory'
          : 'holiday';
      // Days inherit the year's source (kept once per year: the functions bundle this file).
      return { date, name: occasion, kind };
    });
    const makeUpDays = year.workingWeekends.map((date) => {
      const related = year.detail.find((d) => d.occasion.includes(`làm bù thứ Bảy ${dayMonth(date)}`));
      return {
        date,
        name: related ? `Làm bù cho ngày nghỉ hoán đổi — ${related.occasion}` : 'Ngày làm bù',
      };
    });
    const notes = [year.scope];
    for (const pending of year.pendingUnverified ?? []) {
      notes.push(
        `Chưa đưa vào lịch: ${pending.date} (${pending.name}) — chưa được xác minh bằng văn bản chính thức; quản trị viên bổ sung khi có thông báo.`,
      );
    }
    years[key] = { provisional: !year.verified, source: year.source, notes, daysOff, makeUpDays };
  }

  return calendarDefinitionSchema.parse({
    id: 'vn-civil-service',
    name: 'Lịch làm việc của cán bộ, công chức, viên chức (Việt Nam)',
    timeZone: 'Asia/Ho_Chi_Minh',
    workingWeekdays: [1, 2, 3, 4, 5],
    officeHours: [
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ],
    provisionalRule: 'vn-labour-code-2019',
    legalBasis: raw._meta.legalBasis,
    notes: [raw._meta.description],
    years,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const calendar = buildDefaultCalendar(process.argv[2] ?? SOURCE_PATH);
  writeFileSync(TARGET_PATH, `${JSON.stringify(calendar, null, 2)}\n`);
  console.log(`wrote ${TARGET_PATH}: years ${Object.keys(calendar.years).join(', ')}`);
}

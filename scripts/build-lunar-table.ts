/**
 * Builds shared/domain/calendar/data/vn-lunar-dates.json: mùng 1 Tết and Giỗ Tổ Hùng Vương (10/3 lunar)
 * for every year the calendar index accepts (1990–2200), computed by date-holidays-parser with
 * date-holidays' Vietnamese lunar rules. The functions ship this small table instead of the library and
 * its astronomy (about 1 MB minified); test/unit/lunar-table.test.ts checks the table against the
 * library for every year. Run: `npx tsx scripts/build-lunar-table.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import HolidaysParser from 'date-holidays-parser';

export const FIRST_YEAR = 1990;
export const LAST_YEAR = 2200;

/** date-holidays' VN rules for the two lunar statutory holidays, and nothing else. */
const LUNAR_RULES = {
  holidays: {
    VN: {
      names: { vi: 'Việt Nam' },
      langs: ['vi'],
      zones: ['Asia/Ho_Chi_Minh'],
      days: {
        'vietnamese 1-0-1': { name: { vi: 'Tết Nguyên Đán' } },
        'vietnamese 3-0-10': { name: { vi: 'Giỗ Tổ Hùng Vương' } },
      },
    },
  },
};

/** The two lunar dates of each year, from the library: `{ "2026": ["02-17", "04-26"], … }` (MM-DD). */
export function lunarTableFromLibrary(first = FIRST_YEAR, last = LAST_YEAR): Record<string, [string, string]> {
  const parser = new HolidaysParser(LUNAR_RULES, 'VN');
  const table: Record<string, [string, string]> = {};
  for (let year = first; year <= last; year += 1) {
    let tet: string | undefined;
    let hungKings: string | undefined;
    for (const h of parser.getHolidays(year)) {
      if (h.rule === 'vietnamese 1-0-1') tet = h.date.slice(5, 10);
      if (h.rule === 'vietnamese 3-0-10') hungKings = h.date.slice(5, 10);
    }
    if (!tet || !hungKings) throw new RangeError(`date-holidays has no lunar dates for ${year}`);
    table[String(year)] = [tet, hungKings];
  }
  return table;
}

export const TABLE_PATH = fileURLToPath(new URL('../shared/domain/calendar/data/vn-lunar-dates.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = {
    description:
      'Mùng 1 Tết Nguyên Đán and Giỗ Tổ Hùng Vương (10/3 âm lịch) per year, [MM-DD, MM-DD], Asia/Ho_Chi_Minh',
    source: 'date-holidays-parser with date-holidays VN lunar rules; built by scripts/build-lunar-table.ts',
    years: lunarTableFromLibrary(),
  };
  writeFileSync(TABLE_PATH, `${JSON.stringify(document)}\n`);
  console.log(`wrote ${TABLE_PATH}`);
}

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDefaultCalendar, SOURCE_PATH, TARGET_PATH } from '../../scripts/build-default-calendar.ts';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { parseIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { recomputeWorkingDayDueDays } from '../../shared/domain/due-date/recompute-due-days.ts';

describe('the shipped default calendar data', () => {
  it.skipIf(!existsSync(SOURCE_PATH))(
    'is exactly what the verified source file builds (run scripts/build-default-calendar.ts after changing it)',
    () => {
      const shipped = JSON.parse(readFileSync(TARGET_PATH, 'utf8'));
      expect(shipped).toEqual(JSON.parse(JSON.stringify(buildDefaultCalendar(SOURCE_PATH))));
    },
  );

  it('keeps a source on every day off and make-up day (the year’s, stored once per year)', () => {
    const shipped = JSON.parse(readFileSync(TARGET_PATH, 'utf8')) as {
      years: Record<string, { source?: string; daysOff: { date: string }[]; makeUpDays: { date: string }[] }>;
    };
    for (const year of Object.values(shipped.years)) {
      expect(year.source).toBeTruthy();
      for (const day of [...year.daysOff, ...year.makeUpDays]) {
        expect(defaultCalendar().dayStatus(parseIsoDate(day.date)).source).toBe(year.source);
      }
    }
  });
});

describe('bulk recomputation on the index', () => {
  it('gives the same due days as the per-dossier engine', () => {
    const calendar = defaultCalendar();
    const receipts = Int32Array.from(
      ['2024-02-07', '2024-04-26', '2025-12-15', '2026-08-21', '2026-11-23'].map(parseIsoDate),
    );
    const limits = Int32Array.from([5, 3, 30, 1, 0]);
    const out = recomputeWorkingDayDueDays(calendar, receipts, limits);
    expect([...out]).toEqual(['2024-02-21', '2024-05-04', '2026-01-27', '2026-08-22', '2026-11-23'].map(parseIsoDate));
  });

  it('refuses arrays of different lengths', () => {
    expect(() => recomputeWorkingDayDueDays(defaultCalendar(), new Int32Array(2), new Int32Array(3))).toThrow(
      RangeError,
    );
  });
});

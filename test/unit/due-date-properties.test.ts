import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR_DEFINITION, defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate, isoWeekday } from '../../shared/domain/calendar/local-date.ts';
import { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { computeDueDate, type DueDateRule } from '../../shared/domain/due-date/compute-due-date.ts';
import type { DurationUnit } from '../../shared/domain/due-date/duration.ts';

const calendar = defaultCalendar();
const FROM = Date.parse('2020-06-01T00:00:00+07:00');
const TO = Date.parse('2027-12-31T23:59:00+07:00');

const instant = fc.integer({ min: FROM, max: TO });
const unit = fc.constantFrom<DurationUnit>('working_days', 'working_hours', 'calendar_days');
const cutoff = fc.option(fc.constantFrom('15:00', '16:00', '11:00', '17:00'), { nil: null });
const amountFor = (u: DurationUnit) =>
  u === 'calendar_days' ? fc.integer({ min: 0, max: 90 }) : fc.integer({ min: 0, max: 120 });
const rule = unit.chain((u) =>
  fc.record({ duration: amountFor(u).map((amount) => ({ amount, unit: u })), cutoff }),
) as fc.Arbitrary<DueDateRule>;

describe('due-date properties', () => {
  it('the due date is never before the receipt', () => {
    fc.assert(
      fc.property(instant, rule, (receivedAt, r) => {
        expect(computeDueDate(calendar, { receivedAt, rule: r }).dueAt).toBeGreaterThanOrEqual(receivedAt);
      }),
    );
  });

  it('the due date is non-decreasing in N', () => {
    fc.assert(
      fc.property(instant, rule, fc.integer({ min: 0, max: 30 }), (receivedAt, r, more) => {
        const a = computeDueDate(calendar, { receivedAt, rule: r }).dueAt;
        const longer = { ...r, duration: { ...r.duration, amount: r.duration.amount + more } };
        expect(computeDueDate(calendar, { receivedAt, rule: longer }).dueAt).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('a working-days due date is a working day at office closing (17:00 +07:00)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 120 }), cutoff, (receivedAt, amount, c) => {
        const due = computeDueDate(calendar, {
          receivedAt,
          rule: { duration: { amount, unit: 'working_days' }, cutoff: c },
        });
        expect(calendar.isWorkingDay(due.dueDay)).toBe(true);
        expect(calendar.formatInstant(due.dueAt)).toBe(`${formatIsoDate(due.dueDay)}T17:00:00+07:00`);
      }),
    );
  });

  it('adding a holiday never makes a due date earlier', () => {
    const weekday = fc
      .integer({
        min: Date.parse('2024-01-01T00:00:00Z') / 86_400_000,
        max: Date.parse('2024-12-31T00:00:00Z') / 86_400_000,
      })
      .filter((d) => isoWeekday(d) <= 5);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2024-01-01T00:00:00+07:00'), max: Date.parse('2024-12-31T00:00:00+07:00') }),
        rule,
        fc.uniqueArray(weekday, { minLength: 1, maxLength: 5 }),
        (receivedAt, r, extraDays) => {
          const year = DEFAULT_CALENDAR_DEFINITION.years['2024'];
          if (!year) throw new Error('2024 missing');
          const taken = new Set(year.daysOff.map((d) => d.date));
          const makeUps = new Set(year.makeUpDays.map((d) => d.date));
          const added = extraDays.map(formatIsoDate).filter((d) => !taken.has(d) && !makeUps.has(d));
          const withHoliday = new WorkingCalendar({
            ...DEFAULT_CALENDAR_DEFINITION,
            years: {
              ...DEFAULT_CALENDAR_DEFINITION.years,
              '2024': {
                ...year,
                daysOff: [
                  ...year.daysOff,
                  ...added.map((date) => ({ date, name: 'Ngày nghỉ thêm', kind: 'holiday' as const })),
                ],
              },
            },
          });
          const before = computeDueDate(calendar, { receivedAt, rule: r }).dueAt;
          const after = computeDueDate(withHoliday, { receivedAt, rule: r }).dueAt;
          expect(after).toBeGreaterThanOrEqual(before);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a suspension never shortens the deadline, and a longer one never ends earlier', () => {
    fc.assert(
      fc.property(
        instant,
        rule,
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 0, max: 20 * 86_400_000 }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (receivedAt, r, offset, length, more) => {
          const plain = computeDueDate(calendar, { receivedAt, rule: r }).dueAt;
          const from = receivedAt + offset;
          const paused = computeDueDate(calendar, { receivedAt, rule: r, suspensions: [{ from, to: from + length }] });
          const longer = computeDueDate(calendar, {
            receivedAt,
            rule: r,
            suspensions: [{ from, to: from + length + more }],
          });
          expect(paused.dueAt).toBeGreaterThanOrEqual(plain);
          expect(longer.dueAt).toBeGreaterThanOrEqual(paused.dueAt);
        },
      ),
    );
  });
});

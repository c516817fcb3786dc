import * as z from '../../contracts/z.ts';
import type { ConfigProblem } from '../config-problem.ts';
import { isoWeekday, tryParseIsoDate, tryParseTimeOfDay } from './local-date.ts';
import { TimeZone } from './time-zone.ts';

const isoDate = z
  .string()
  .check(z.refine((s) => tryParseIsoDate(s) !== undefined, { message: 'must be a calendar date YYYY-MM-DD' }));
const timeOfDay = z
  .string()
  .check(z.refine((s) => tryParseTimeOfDay(s) !== undefined, { message: 'must be a time HH:MM (00:00–23:59)' }));
const named = z.string().check(z.minLength(1, 'must name the occasion'));

/** A weekday the office is closed (a holiday, the compensating day for a holiday on a weekend, or a swapped day). */
export const dayOffSchema = z.object({
  date: isoDate,
  name: named,
  kind: z._default(z.enum(['holiday', 'compensatory', 'swapped']), 'holiday'),
  source: z.optional(z.string()),
});

/** A normally closed day (a Saturday) declared a working day (ngày làm bù). */
export const makeUpDaySchema = z.object({
  date: isoDate,
  name: named,
  source: z.optional(z.string()),
});

export const calendarYearSchema = z.object({
  provisional: z._default(z.boolean(), false),
  source: z.optional(z.string()),
  notes: z._default(z.array(z.string()), []),
  daysOff: z._default(z.array(dayOffSchema), []),
  makeUpDays: z._default(z.array(makeUpDaySchema), []),
});

export const officeHoursSchema = z.object({ start: timeOfDay, end: timeOfDay });

/** How years without official data are derived. */
export const provisionalRuleSchema = z.enum(['vn-labour-code-2019', 'none']);

/** A working-day calendar as administrators write it (JSON or YAML). */
const WEEKDAY = 'must be 1 (Monday) … 7 (Sunday)';

export const calendarDefinitionSchema = z
  .object({
    id: z
      .string()
      .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (at most 64)')),
    name: z.string().check(z.minLength(1, 'must not be empty')),
    timeZone: z.string().check(z.refine((zone) => TimeZone.isValid(zone), { message: 'must be an IANA time zone' })),
    workingWeekdays: z._default(
      z
        .array(z.number().check(z.refine(Number.isInteger, WEEKDAY), z.gte(1, WEEKDAY), z.lte(7, WEEKDAY)))
        .check(z.minLength(1, 'must list at least one working weekday')),
      [1, 2, 3, 4, 5],
    ),
    officeHours: z._default(z.array(officeHoursSchema).check(z.minLength(1, 'must list at least one office period')), [
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ]),
    provisionalRule: z._default(provisionalRuleSchema, 'vn-labour-code-2019'),
    legalBasis: z._default(z.array(z.string()), []),
    notes: z._default(z.array(z.string()), []),
    years: z._default(
      z.record(z.string().check(z.regex(/^\d{4}$/, 'year keys must be four digits')), calendarYearSchema),
      {},
    ),
  })
  .check(
    z.superRefine((calendar, ctx) => {
      const periods = calendar.officeHours.map((p) => ({
        start: tryParseTimeOfDay(p.start) ?? 0,
        end: tryParseTimeOfDay(p.end) ?? 0,
      }));
      periods.forEach((period, i) => {
        if (period.end <= period.start) {
          ctx.addIssue({ code: 'custom', path: ['officeHours', i, 'end'], message: 'must be after start' });
        }
        const previous = periods[i - 1];
        if (previous && (period.start < previous.end || period.start < previous.start)) {
          ctx.addIssue({
            code: 'custom',
            path: ['officeHours', i, 'start'],
            message: 'must not be before the end of the previous period (periods in order, not overlapping)',
          });
        }
      });
      const working = new Set(calendar.workingWeekdays);
      for (const [yearKey, year] of Object.entries(calendar.years)) {
        const seen = new Map<string, string>();
        const check = (date: string, path: (string | number)[], isMakeUp: boolean) => {
          const day = tryParseIsoDate(date);
          if (day === undefined) return; // already reported by the field schema
          if (!date.startsWith(`${yearKey}-`)) {
            ctx.addIssue({ code: 'custom', path, message: `must be a date in ${yearKey}` });
          }
          const where = path.slice(0, -1).join('.');
          const other = seen.get(date);
          if (other) {
            ctx.addIssue({ code: 'custom', path, message: `${date} is listed twice (also at ${other})` });
          }
          seen.set(date, where);
          const weekdayIsWorking = working.has(isoWeekday(day));
          if (isMakeUp && weekdayIsWorking) {
            ctx.addIssue({
              code: 'custom',
              path,
              message: `${date} is already a working weekday; a make-up day must fall on a normally closed day`,
            });
          }
          if (!isMakeUp && !weekdayIsWorking) {
            ctx.addIssue({
              code: 'custom',
              path,
              message: `${date} is already a weekly day off; list the compensating weekday instead`,
            });
          }
        };
        year.daysOff.forEach((d, i) => {
          check(d.date, ['years', yearKey, 'daysOff', i, 'date'], false);
        });
        year.makeUpDays.forEach((d, i) => {
          check(d.date, ['years', yearKey, 'makeUpDays', i, 'date'], true);
        });
      }
    }),
  );

export type CalendarDefinitionInput = z.input<typeof calendarDefinitionSchema>;
export type CalendarDefinition = z.output<typeof calendarDefinitionSchema>;
export type CalendarYear = z.output<typeof calendarYearSchema>;
export type DayOff = z.output<typeof dayOffSchema>;
export type MakeUpDay = z.output<typeof makeUpDaySchema>;

/** One problem in a calendar file: where it is and what is wrong. */
export type CalendarProblem = ConfigProblem;

export { formatProblems } from '../config-problem.ts';

/** Validates a parsed calendar document (from YAML or JSON): the definition, or every problem. */
export function readCalendarData(
  raw: unknown,
  file: string,
): { calendar?: CalendarDefinition | undefined; problems: CalendarProblem[] } {
  const result = calendarDefinitionSchema.safeParse(raw);
  if (result.success) return { calendar: result.data, problems: [] };
  return {
    problems: result.error.issues.map((issue) => ({
      file,
      path: issue.path.map(String).join('.'),
      reason: issue.message,
    })),
  };
}

import { IANAZone } from 'luxon';
import * as z from 'zod';
import { isoWeekday, tryParseIsoDate, tryParseTimeOfDay } from './local-date.ts';

const isoDate = z.string().refine((s) => tryParseIsoDate(s) !== undefined, {
  message: 'must be a calendar date YYYY-MM-DD',
});
const timeOfDay = z.string().refine((s) => tryParseTimeOfDay(s) !== undefined, {
  message: 'must be a time HH:MM (00:00–23:59)',
});

/** A weekday the office is closed (a holiday, the compensating day for a holiday on a weekend, or a swapped day). */
export const dayOffSchema = z.object({
  date: isoDate,
  name: z.string().min(1, 'must name the occasion'),
  kind: z.enum(['holiday', 'compensatory', 'swapped']).default('holiday'),
  source: z.string().optional(),
});

/** A normally closed day (a Saturday) declared a working day (ngày làm bù). */
export const makeUpDaySchema = z.object({
  date: isoDate,
  name: z.string().min(1, 'must name the occasion'),
  source: z.string().optional(),
});

export const calendarYearSchema = z.object({
  provisional: z.boolean().default(false),
  source: z.string().optional(),
  notes: z.array(z.string()).default([]),
  daysOff: z.array(dayOffSchema).default([]),
  makeUpDays: z.array(makeUpDaySchema).default([]),
});

export const officeHoursSchema = z.object({ start: timeOfDay, end: timeOfDay });

/** How years without official data are derived. */
export const provisionalRuleSchema = z.enum(['vn-labour-code-2019', 'none']);

/** A working-day calendar as administrators write it (JSON or YAML). */
export const calendarDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (at most 64)'),
    name: z.string().min(1, 'must not be empty'),
    timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), { message: 'must be an IANA time zone' }),
    workingWeekdays: z
      .array(z.number().int().min(1, 'must be 1 (Monday) … 7 (Sunday)').max(7, 'must be 1 (Monday) … 7 (Sunday)'))
      .min(1, 'must list at least one working weekday')
      .default([1, 2, 3, 4, 5]),
    officeHours: z
      .array(officeHoursSchema)
      .min(1, 'must list at least one office period')
      .default([
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:00' },
      ]),
    provisionalRule: provisionalRuleSchema.default('vn-labour-code-2019'),
    legalBasis: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys must be four digits'), calendarYearSchema).default({}),
  })
  .superRefine((calendar, ctx) => {
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
  });

export type CalendarDefinitionInput = z.input<typeof calendarDefinitionSchema>;
export type CalendarDefinition = z.output<typeof calendarDefinitionSchema>;
export type CalendarYear = z.output<typeof calendarYearSchema>;
export type DayOff = z.output<typeof dayOffSchema>;
export type MakeUpDay = z.output<typeof makeUpDaySchema>;

/** One problem in a calendar file: where it is and what is wrong. */
export interface CalendarProblem {
  file: string;
  path: string;
  reason: string;
}

/** Problems one per line, indented: `  file: path: reason` (the form every command and error uses). */
export function formatProblems(problems: readonly CalendarProblem[]): string {
  return problems.map((p) => `  ${p.file}: ${p.path || '(root)'}: ${p.reason}`).join('\n');
}

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

import { Option } from 'commander';
import { DateTime } from 'luxon';
import { loadCalendarFile } from '../shared/adapters/calendar-file.ts';
import type { CalendarDefinition } from '../shared/domain/calendar/calendar-definition.ts';
import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import { tryParseIsoDate, tryParseTimeOfDay } from '../shared/domain/calendar/local-date.ts';
import { InvalidCalendarError } from '../shared/domain/calendar/parse-calendar.ts';
import { provisionalYearsToConfirm } from '../shared/domain/calendar/provisional-check.ts';
import { WorkingCalendar } from '../shared/domain/calendar/working-calendar.ts';
import { computeDueDate } from '../shared/domain/due-date/compute-due-date.ts';
import {
  type Duration,
  formatDuration,
  InvalidDurationError,
  parseDuration,
} from '../shared/domain/due-date/duration.ts';
import { explainDueDate } from '../shared/domain/due-date/explain-due-date.ts';
import type { Register } from './command.ts';
import { BadInputError } from './errors.ts';

export interface DueOptions {
  received: string;
  duration: string;
  cutoff?: string;
  calendar?: string;
  explain?: boolean;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 instant that must carry its offset (a bare local time is ambiguous). */
export function parseInstantWithOffset(text: string, option: string): number {
  if (!ISO_WITH_OFFSET.test(text)) {
    throw new BadInputError(
      option,
      `must be ISO-8601 with an offset, e.g. 2024-02-07T16:30:00+07:00, got ${JSON.stringify(text)}`,
    );
  }
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) throw new BadInputError(option, `is not a real date and time: ${JSON.stringify(text)}`);
  return parsed.toMillis();
}

/** `dunghan due`: one due date as a JSON object. */
export async function runDue(options: DueOptions): Promise<Record<string, unknown>> {
  const receivedAt = parseInstantWithOffset(options.received, '--received');
  let duration: Duration;
  try {
    duration = parseDuration(options.duration);
  } catch (error) {
    if (error instanceof InvalidDurationError) throw new BadInputError('--duration', error.message);
    throw error;
  }
  if (options.cutoff !== undefined && tryParseTimeOfDay(options.cutoff) === undefined) {
    throw new BadInputError('--cutoff', `must be HH:MM (00:00–23:59), got ${JSON.stringify(options.cutoff)}`);
  }
  let calendar = defaultCalendar();
  if (options.calendar !== undefined) {
    try {
      calendar = new WorkingCalendar(await loadCalendarFile(options.calendar));
    } catch (error) {
      if (error instanceof InvalidCalendarError) {
        const first = error.problems[0];
        const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more problems)` : '';
        throw new BadInputError('--calendar', `${first?.file}: ${first?.path || '(root)'}: ${first?.reason}${more}`);
      }
      throw error;
    }
  }
  const request = { receivedAt, rule: { duration, cutoff: options.cutoff ?? null } };
  const due = computeDueDate(calendar, request);
  return {
    receivedAt: calendar.formatInstant(receivedAt),
    effectiveReceiptDate: due.effectiveReceiptDate,
    dueAt: calendar.formatInstant(due.dueAt),
    duration: formatDuration(duration),
    cutoff: options.cutoff ?? null,
    calendar: calendar.id,
    provisional: due.provisional,
    ...(options.explain ? { explanation: explainDueDate(calendar, request, due) } : {}),
  };
}

/** `dunghan calendars check-provisional`. */
export async function runCheckProvisional(options: {
  on?: string;
  fromDate: string;
  calendar?: string;
  /** The calendar as stored (`dunghan calendars check-provisional` without --calendar). */
  definition?: CalendarDefinition | undefined;
}) {
  let calendar = options.definition ? new WorkingCalendar(options.definition) : defaultCalendar();
  if (options.calendar !== undefined) {
    try {
      calendar = new WorkingCalendar(await loadCalendarFile(options.calendar));
    } catch (error) {
      if (error instanceof InvalidCalendarError) {
        throw new BadInputError(
          '--calendar',
          `${error.problems.length} problem(s): ${error.problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')}`,
        );
      }
      throw error;
    }
  }
  const on = options.on ?? calendar.formatInstant(Date.now()).slice(0, 10);
  const day = tryParseIsoDate(on);
  if (day === undefined) throw new BadInputError('--on', `must be a date YYYY-MM-DD, got ${JSON.stringify(on)}`);
  if (!/^\d{2}-\d{2}$/.test(options.fromDate))
    throw new BadInputError('--from-date', `must be MM-DD, got ${JSON.stringify(options.fromDate)}`);
  return {
    calendar: calendar.id,
    checkedOn: on,
    toConfirm: provisionalYearsToConfirm(calendar, day, options.fromDate),
  };
}

/** The legal due date of one dossier. */
export const registerDue: Register = (program, io) => {
  program
    .command('due')
    .summary('The legal due date of one dossier')
    .description(
      'Compute the legal due date of a dossier on the Vietnamese working-day calendar and print one JSON object ' +
        '{receivedAt, effectiveReceiptDate, dueAt, duration, cutoff, calendar, provisional[, explanation]}.',
    )
    .requiredOption('--received <iso>', 'receipt instant, ISO-8601 with offset (e.g. 2024-02-07T16:30:00+07:00)')
    .requiredOption('--duration <n>', 'time limit: <N>wd working days, <N>wh working hours, <N>d calendar days')
    .option(
      '--cutoff <HH:MM>',
      'receipts at or after this time count from the next working day (default: office closing 17:00)',
    )
    .option('--calendar <file>', 'calendar file (JSON or YAML) instead of the built-in civil-service calendar')
    .addOption(new Option('--explain', 'add the explanation: effective receipt day, each day skipped and why'))
    .addHelpText(
      'after',
      '\nExample:\n  dunghan due --received 2024-02-07T16:30:00+07:00 --duration 5wd --cutoff 15:00 --explain',
    )
    .action(async (options) => {
      io.out(`${JSON.stringify(await runDue(options), null, 2)}\n`);
    });
};

import { parse as parseYaml } from 'yaml';
import { withoutByteOrderMark } from '../../support/byte-order-mark.ts';
import { InvalidInputError } from '../../support/errors.ts';
import type { CalendarProblem } from './calendar-definition.ts';
import { type CalendarDefinition, formatProblems, readCalendarData } from './calendar-definition.ts';

export type { CalendarProblem };

/** Thrown when a calendar file is invalid; lists every problem, and nothing of the file is used. */
export class InvalidCalendarError extends InvalidInputError {
  override name = 'InvalidCalendarError';
  constructor(readonly problems: CalendarProblem[]) {
    super(
      `invalid calendar (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    );
  }
}

/**
 * Parses and validates a calendar written as JSON or YAML (chosen by the file name; YAML is a superset
 * of JSON, so any other name is read as YAML). Returns the whole definition or throws
 * {@link InvalidCalendarError} with every problem.
 */
export function parseCalendarText(text: string, file: string): CalendarDefinition {
  let raw: unknown;
  try {
    raw = file.toLowerCase().endsWith('.json') ? JSON.parse(withoutByteOrderMark(text)) : parseYaml(text);
  } catch (error) {
    throw new InvalidCalendarError([
      {
        file,
        path: '',
        reason: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  const { calendar, problems } = readCalendarData(raw, file);
  if (!calendar) throw new InvalidCalendarError(problems);
  return calendar;
}

import { readFile } from 'node:fs/promises';
import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import { InvalidCalendarError, parseCalendarText } from '../domain/calendar/parse-calendar.ts';

/** Reads and validates a calendar file (JSON or YAML); unreadable files are reported like invalid ones. */
export async function loadCalendarFile(path: string): Promise<CalendarDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InvalidCalendarError([{ file: path, path: '', reason: `cannot read the file (${code})` }]);
  }
  return parseCalendarText(text, path);
}

import data from '../../../config/calendars/vn-civil-service.json' with { type: 'json' };
import { type CalendarDefinition, calendarDefinitionSchema } from './calendar-definition.ts';
import { WorkingCalendar } from './working-calendar.ts';

/** The verified Vietnamese civil-service calendar 2021–2026 (later years derived, provisional). */
export const DEFAULT_CALENDAR_DEFINITION: CalendarDefinition = calendarDefinitionSchema.parse(data);

let shared: WorkingCalendar | undefined;

/** The default calendar's index, built once per process. */
export function defaultCalendar(): WorkingCalendar {
  shared ??= new WorkingCalendar(DEFAULT_CALENDAR_DEFINITION);
  return shared;
}

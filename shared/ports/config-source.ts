import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';

/** Deadline rules and calendars, as administrators maintain them. */
export interface ConfigSource {
  listRules(): Promise<DeadlineRule[]>;
  listCalendars(): Promise<CalendarDefinition[]>;
}

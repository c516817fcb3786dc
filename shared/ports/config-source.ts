import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';
import type { UnitDirectory } from '../domain/units/unit-directory.ts';

/** Deadline rules, calendars and the unit directory, as administrators maintain them. */
export interface ConfigSource {
  listRules(): Promise<DeadlineRule[]>;
  listCalendars(): Promise<CalendarDefinition[]>;
  /** The unit directory in force; undefined while none is loaded. */
  getUnitDirectory(): Promise<UnitDirectory | undefined>;
  /**
   * A token that changes with every change of the configuration (the head of its chain), one read:
   * a cache asks it every few seconds and reloads only when it moved (issue #32).
   */
  changeMark?(): Promise<string | undefined>;
}

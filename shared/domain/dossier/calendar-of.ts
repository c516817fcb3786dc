import { DEFAULT_CALENDAR_DEFINITION } from '../calendar/default-calendar.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierState } from './dossier-state.ts';

/**
 * The one answer to "which working-day calendar does this dossier run on?" (issue #33): the calendar of
 * the rule its due date was computed under; before a rule applies (no receipt yet), the civil-service
 * calendar in force — the stored one when administrators have put a version of it, never a copy built in.
 */
export function calendarOf(
  state: Pick<DossierState, 'rule'>,
  calendars: (id: string) => WorkingCalendar,
): WorkingCalendar {
  return calendars(state.rule?.calendarId ?? DEFAULT_CALENDAR_DEFINITION.id);
}

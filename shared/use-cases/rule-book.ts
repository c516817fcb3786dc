import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION, defaultCalendar } from '../domain/calendar/default-calendar.ts';
import { WorkingCalendar } from '../domain/calendar/working-calendar.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';
import { EMPTY_DIRECTORY, UnitBook } from '../domain/units/unit-directory.ts';
import type { Clock } from '../ports/clock.ts';
import type { ConfigSource } from '../ports/config-source.ts';
import { NotFoundError } from '../support/errors.ts';

/** Rules, calendar indexes and the directory of units at one moment. */
export interface RuleBookSnapshot {
  rules: DeadlineRule[];
  calendar(id: string): WorkingCalendar;
  units: UnitBook;
}

/** Thrown when a rule names a calendar that does not exist. */
export class UnknownCalendarError extends NotFoundError {
  override name = 'UnknownCalendarError';
}

/**
 * Rules, calendars and the directory of units read from the config source and kept for a short time (default 60 s), so a
 * Lambda container does not read them for every event; every few seconds it asks whether the configuration
 * changed (one read of its chain's head) and reloads when it did, so a change is seen within seconds.
 * Calendar indexes are rebuilt only when a calendar's definition changed.
 */
export class RuleBook {
  private snapshot: RuleBookSnapshot | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private probedAt = Number.NEGATIVE_INFINITY;
  private mark: string | undefined;
  private readonly indexes = new Map<string, { json: string; calendar: WorkingCalendar }>();

  constructor(
    private readonly source: ConfigSource,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    /** How often a kept snapshot asks whether the configuration changed (one read): a unit added is seen within seconds. */
    private readonly probeMs = 5_000,
  ) {}

  async current(): Promise<RuleBookSnapshot> {
    const now = this.clock.now();
    if (this.snapshot && now - this.loadedAt < this.ttlMs) {
      if (!this.source.changeMark || now - this.probedAt < this.probeMs) return this.snapshot;
      this.probedAt = now;
      if ((await this.source.changeMark()) === this.mark) return this.snapshot;
    }
    // The mark first: a change made while the rest is read moves it again, and the next probe reloads.
    const mark = await this.source.changeMark?.();
    const [rules, calendars, directory] = await Promise.all([
      this.source.listRules(),
      this.source.listCalendars(),
      this.source.getUnitDirectory(),
    ]);
    this.mark = mark;
    this.probedAt = now;
    const byId = new Map<string, WorkingCalendar>();
    for (const definition of withDefault(calendars)) byId.set(definition.id, this.index(definition));
    this.snapshot = {
      rules,
      units: new UnitBook(directory ?? EMPTY_DIRECTORY),
      calendar: (id) => {
        const calendar = byId.get(id);
        if (!calendar) throw new UnknownCalendarError(`unknown calendar id ${JSON.stringify(id)}`);
        return calendar;
      },
    };
    this.loadedAt = this.clock.now();
    return this.snapshot;
  }

  private index(definition: CalendarDefinition): WorkingCalendar {
    const json = JSON.stringify(definition);
    const known = this.indexes.get(definition.id);
    if (known && known.json === json) return known.calendar;
    const calendar = new WorkingCalendar(definition);
    this.indexes.set(definition.id, { json, calendar });
    return calendar;
  }
}

/** The stored calendars, with the built-in civil-service calendar when none overrides it. */
function withDefault(calendars: readonly CalendarDefinition[]): CalendarDefinition[] {
  return calendars.some((c) => c.id === DEFAULT_CALENDAR_DEFINITION.id)
    ? [...calendars]
    : [DEFAULT_CALENDAR_DEFINITION, ...calendars];
}

/** Rules and calendars as a snapshot (indexes built now), for previews and recomputes. */
export function snapshotOf(
  rules: readonly DeadlineRule[],
  calendars: readonly CalendarDefinition[],
): Omit<RuleBookSnapshot, 'units'> & { calendarIds: ReadonlySet<string> } {
  const byId = new Map<string, WorkingCalendar>();
  for (const definition of withDefault(calendars)) {
    byId.set(
      definition.id,
      definition === DEFAULT_CALENDAR_DEFINITION ? defaultCalendar() : new WorkingCalendar(definition),
    );
  }
  return {
    rules: [...rules],
    calendarIds: new Set(byId.keys()),
    calendar: (id) => {
      const calendar = byId.get(id);
      if (!calendar) throw new UnknownCalendarError(`unknown calendar id ${JSON.stringify(id)}`);
      return calendar;
    },
  };
}

/** The ids of the calendars in force: the stored ones and the built-in one. */
export async function calendarIdsOf(source: ConfigSource): Promise<string[]> {
  return withDefault(await source.listCalendars()).map((c) => c.id);
}

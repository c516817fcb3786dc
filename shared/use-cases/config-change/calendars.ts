import { type CalendarDefinition, readCalendarData } from '../../domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../domain/calendar/default-calendar.ts';
import { tryParseIsoDate } from '../../domain/calendar/local-date.ts';
import {
  type CalendarDiff,
  checkHolidayCompensation,
  diffCalendars,
} from '../../domain/config-changes/calendar-checks.ts';
import type { RuleProblem } from '../../domain/rules/deadline-rule.ts';
import type { AuditEntry, CalendarVersion } from '../../ports/config-admin-store.ts';
import { vietnamDay } from '../../support/vietnam-time.ts';
import { snapshotOf } from '../rule-book.ts';
import {
  type AdminDeps,
  type Author,
  audited,
  authorOf,
  type ChangeReport,
  type ConfigDocument,
  ConfigNotFoundError,
  changeIdOf,
  InvalidConfigChangeError,
  type Plan,
  recompute,
} from './core.ts';

// ── calendars ────────────────────────────────────────────────────────────────────────────────────

/** The calendars in force (the built-in one unless overridden), with their version and provisional years. */
export async function listCalendars(deps: AdminDeps) {
  const stored = await deps.config.listCalendars();
  const all = stored.some((c) => c.id === DEFAULT_CALENDAR_DEFINITION.id)
    ? stored
    : [DEFAULT_CALENDAR_DEFINITION, ...stored];
  return Promise.all(
    all.map(async (definition) => {
      const version = await deps.config.getCalendarVersion(definition.id);
      return {
        id: definition.id,
        name: definition.name,
        version: version?.version ?? 0,
        builtIn: version === undefined,
        effectiveFrom: version?.effectiveFrom,
        legalBasis: version?.legalBasis,
        years: Object.keys(definition.years).sort(),
        provisionalYears: Object.entries(definition.years)
          .filter(([, y]) => y.provisional)
          .map(([y]) => y),
      };
    }),
  );
}

/** A calendar in force and the list of its versions. */
export async function getCalendar(deps: AdminDeps, id: string) {
  const current = await currentCalendar(deps, id);
  if (!current) throw new ConfigNotFoundError(`no calendar ${JSON.stringify(id)}`);
  const versions = await deps.config.listCalendarVersions(id);
  return {
    current,
    versions: versions.map(({ definition: _definition, ...meta }) => meta),
  };
}

async function currentCalendar(deps: AdminDeps, id: string): Promise<CalendarVersion | undefined> {
  const stored = await deps.config.getCalendarVersion(id);
  if (stored || id !== DEFAULT_CALENDAR_DEFINITION.id) return stored;
  return {
    id,
    version: 0,
    effectiveFrom: '',
    legalBasis: DEFAULT_CALENDAR_DEFINITION.legalBasis.join('; '),
    author: 'built-in',
    at: '',
    definition: DEFAULT_CALENDAR_DEFINITION,
  };
}

export interface CalendarPutOptions {
  author: Author;
  /** The decision or notice the change implements (số hiệu văn bản). */
  legalBasis: string;
  /** YYYY-MM-DD; default: today. */
  effectiveFrom?: string | undefined;
}

interface CheckedCalendar {
  definition?: CalendarDefinition | undefined;
  current?: CalendarVersion | undefined;
  previous?: CalendarVersion | undefined;
  problems: RuleProblem[];
}

async function checkCalendar(
  deps: AdminDeps,
  document: ConfigDocument,
  options?: Partial<CalendarPutOptions>,
): Promise<CheckedCalendar> {
  const problems: RuleProblem[] = [];
  if (document.parseError !== undefined) {
    return { problems: [{ file: document.name, path: '', reason: document.parseError }] };
  }
  const { calendar, problems: schemaProblems } = readCalendarData(document.data, document.name);
  problems.push(...schemaProblems);
  if (calendar) problems.push(...checkHolidayCompensation(calendar, document.name));
  if (options && options.legalBasis !== undefined && options.legalBasis.trim() === '') {
    problems.push({
      file: document.name,
      path: 'legalBasis',
      reason: 'must cite the decision or notice (số hiệu văn bản)',
    });
  }
  if (options?.effectiveFrom !== undefined && tryParseIsoDate(options.effectiveFrom) === undefined) {
    problems.push({ file: document.name, path: 'effectiveFrom', reason: 'must be a date YYYY-MM-DD' });
  }
  if (!calendar) return { problems };
  const current = await currentCalendar(deps, calendar.id);
  // The version before the current one: when the file is already in force, this is the change to finish.
  const previous =
    current && current.version > 1 && JSON.stringify(current.definition) === JSON.stringify(calendar)
      ? (await deps.config.listCalendarVersions(calendar.id)).find((v) => v.version === current.version - 1)
      : undefined;
  return { definition: calendar, current, previous, problems };
}

/** Validates a calendar file: schema, compensating days for holidays on weekends; every problem. */
export async function validateCalendar(deps: AdminDeps, document: ConfigDocument) {
  const { definition, problems } = await checkCalendar(deps, document);
  return { valid: problems.length === 0, id: definition?.id, problems };
}

/** The settings and days that differ from the calendar in force (over the current and next two years). */
export async function diffCalendarFile(
  deps: AdminDeps,
  document: ConfigDocument,
): Promise<CalendarDiff & { id?: string | undefined; problems: RuleProblem[] }> {
  const checked = await checkCalendar(deps, document);
  if (!checked.definition) return { created: false, settingsChanged: [], days: [], problems: checked.problems };
  return { id: checked.definition.id, ...calendarDiff(deps, checked, false), problems: checked.problems };
}

/**
 * The file against the calendar in force; with `resume`, when the file is already in force (a re-put),
 * the version before it against it — the change an interrupted put still has to carry to the dossiers.
 */
function calendarDiff(deps: AdminDeps, checked: CheckedCalendar, resume: boolean): CalendarDiff {
  const year = Number(vietnamDay(deps.clock.now()).slice(0, 4));
  const definition = checked.definition as CalendarDefinition;
  const previous = resume ? checked.previous : undefined;
  const before = previous ?? checked.current;
  const after = previous ? (checked.current as CalendarVersion).definition : definition;
  return diffCalendars(before?.definition, after, year - 1, year + 2);
}

/** "What moves if I apply this calendar?" — the open dossiers whose dates or stage would change; writes nothing. */
export async function previewCalendar(
  deps: AdminDeps,
  document: ConfigDocument,
): Promise<ChangeReport & { diff: CalendarDiff }> {
  const checked = await checkCalendar(deps, document);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const plan = await calendarPlan(deps, checked, '');
  const report = await recompute(deps, plan, { changeId: plan.changeId, author: '', reason: plan.reason }, false);
  return { ...report, diff: plan.diff };
}

/**
 * Puts a new version of a calendar (validated whole; a concurrent put is refused), then recomputes the
 * open dossiers on it that a changed day or setting touches, recording the change in each one's history
 * and in the audit. Putting the same file again adds no version and completes an interrupted recompute.
 */
export async function putCalendar(
  deps: AdminDeps,
  document: ConfigDocument,
  options: CalendarPutOptions,
): Promise<ChangeReport & { version: number; diff: CalendarDiff }> {
  const checked = await checkCalendar(deps, document, options);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const definition = checked.definition as CalendarDefinition;
  const at = new Date(deps.clock.now()).toISOString();
  const plan = await calendarPlan(deps, checked, options.legalBasis);
  const unchanged =
    checked.current !== undefined && JSON.stringify(checked.current.definition) === JSON.stringify(definition);
  const version = unchanged ? (checked.current as CalendarVersion).version : (checked.current?.version ?? 0) + 1;
  const { author, actor } = authorOf(options.author);
  const entry: AuditEntry = {
    changeId: plan.changeId,
    at,
    author,
    ...(actor ? { actor } : {}),
    action: 'calendar.put',
    status: 'applying',
    sources: [document.name],
    legalBasis: [options.legalBasis],
    what: {
      calendarId: definition.id,
      version,
      settingsChanged: plan.diff.settingsChanged,
      days: plan.diff.days.map(
        (d) =>
          `${d.date}: ${d.before.working ? 'làm việc' : 'nghỉ'} → ${d.after.working ? 'làm việc' : 'nghỉ'}${d.after.name ? ` (${d.after.name})` : ''}`,
      ),
    },
  };
  return audited(deps, entry, async () => {
    if (!unchanged) {
      await deps.config.putCalendarVersion(
        {
          id: definition.id,
          version,
          effectiveFrom: options.effectiveFrom ?? at.slice(0, 10),
          legalBasis: options.legalBasis,
          author,
          at,
          source: document.name,
          definition,
        },
        // The built-in calendar counts as version 0: not stored.
        checked.current?.version ?? 0,
      );
    }
    const report = await recompute(deps, plan, { changeId: plan.changeId, author, reason: plan.reason }, true);
    return { ...report, version, diff: plan.diff };
  });
}

/**
 * Records the change as `applying` before anything is written (no change goes unaudited), then as
 * `applied` with the dossiers moved, or `failed` with the reason (a change left `applying` was cut off:
 * putting it again completes it, as a new entry).
 */

async function calendarPlan(
  deps: AdminDeps,
  checked: CheckedCalendar,
  legalBasis: string,
): Promise<Plan & { diff: CalendarDiff }> {
  const definition = checked.definition as CalendarDefinition;
  const [rules, calendars] = await Promise.all([deps.config.listRules(), deps.config.listCalendars()]);
  const diff = calendarDiff(deps, checked, true);
  // When the file is already in force (a re-run), recount from the version before it.
  const before = checked.previous?.definition ?? checked.current?.definition;
  const withCalendar = (replacement: CalendarDefinition | undefined) => [
    ...calendars.filter((c) => c.id !== definition.id),
    ...(replacement ? [replacement] : []),
  ];
  const changedDays = diff.days.map((d) => d.date);
  const named = diff.days
    .slice(0, 5)
    .map(
      (d) =>
        `${d.date.split('-').reverse().join('/')}${d.after.name ? ` ${d.after.name}` : d.after.working ? ' làm việc' : ' nghỉ'}`,
    )
    .join('; ');
  return {
    changeId: changeIdOf('calendar', [JSON.stringify(definition), legalBasis]),
    reason: `Thay đổi lịch làm việc ${definition.id}${legalBasis ? ` (${legalBasis})` : ''}${named ? `: ${named}${diff.days.length > 5 ? '…' : ''}` : ''}`,
    current: snapshotOf(rules, withCalendar(before)),
    next: snapshotOf(rules, withCalendar(definition)),
    reresolveRule: false,
    diff,
    touches: (dossier) => {
      if (dossier.calendarId !== definition.id) return false;
      if (diff.created || diff.settingsChanged.length > 0 || dossier.status !== 'open' || !dossier.dueDay) return true;
      // Only a day between the clock's start and the due day can move a due date (or its stages).
      const due = dossier.dueDay;
      return changedDays.some((day) => day >= dossier.clockDay && day <= due);
    },
  };
}

import { createHash } from 'node:crypto';
import { type CalendarDefinition, formatProblems, readCalendarData } from '../domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../domain/calendar/default-calendar.ts';
import { tryParseIsoDate } from '../domain/calendar/local-date.ts';
import { type CalendarDiff, checkHolidayCompensation, diffCalendars } from '../domain/config/calendar-checks.ts';
import { type ConfigSnapshot, type DossierMove, planRecompute } from '../domain/config/recompute-dossier.ts';
import { checkRuleVersions, diffRules, ruleContent, ruleMayApply } from '../domain/config/rule-versions.ts';
import { type DeadlineRule, type RuleProblem, readRulesData } from '../domain/rules/deadline-rule.ts';
import type { Clock } from '../ports/clock.ts';
import type { AuditEntry, CalendarVersion, ConfigAdminStore } from '../ports/config-admin-store.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { NotClosedDossier, OpenDossierIndex } from '../ports/open-dossier-index.ts';
import type { QuarantineStore } from '../ports/quarantine-store.ts';
import type { ReportIndex } from '../ports/report-index.ts';
import { mapLimit } from '../support/map-limit.ts';
import { publishOwed } from './outbox.ts';
import { snapshotOf } from './rule-book.ts';
import { saveWithRetry } from './save-with-retry.ts';

export interface AdminDeps {
  config: ConfigAdminStore;
  dossiers: DossierStore;
  /** The dossiers not closed yet, as the report index's live rows summarise them. */
  openDossiers: OpenDossierIndex;
  clock: Clock;
  /** Publishes what a recompute owes the bus (a violation that appears with the new dates). */
  publisher?: EventPublisher | undefined;
  /** Dossiers recomputed in parallel. */
  concurrency?: number | undefined;
  /** The report index supervisors' reports are counted from. */
  reports?: ReportIndex | undefined;
  /** The dossiers the detector parked (operators list and retry them). */
  quarantine?: QuarantineStore | undefined;
}

/** A rules or calendar file as read at the edge: its parsed content, or why it could not be parsed. */
export interface ConfigDocument {
  name: string;
  data?: unknown;
  parseError?: string | undefined;
}

/** Every problem of a change, by file and path; nothing of the change was applied. */
export class InvalidConfigChangeError extends Error {
  override name = 'InvalidConfigChangeError';
  constructor(readonly problems: RuleProblem[]) {
    super(
      `invalid configuration change (${problems.length} problem${problems.length === 1 ? '' : 's'}), nothing applied:\n${formatProblems(problems)}`,
    );
  }
}

/** Thrown when a named rule or calendar does not exist. */
export class ConfigNotFoundError extends Error {
  override name = 'ConfigNotFoundError';
}

/** What a preview or an apply reports. */
export interface ChangeReport {
  changeId: string;
  /** Dossiers not closed that the change could touch (read from the not-closed index). */
  examined: number;
  moves: DossierMove[];
}

// ── rules ────────────────────────────────────────────────────────────────────────────────────────

/** Every stored rule version, by scope then effective date. */
export async function listRules(deps: AdminDeps): Promise<DeadlineRule[]> {
  return (await deps.config.listRules()).sort(
    (a, b) => a.scopeKey.localeCompare(b.scopeKey) || a.effectiveFrom.localeCompare(b.effectiveFrom),
  );
}

/** The versions of one scope (`PROC#1.004227`, `FIELD#đất đai`, `GLOBAL`) or one version (`…@2025-07-01`). */
export async function getRule(deps: AdminDeps, id: string): Promise<DeadlineRule[]> {
  const found = (await listRules(deps)).filter((r) => r.id === id || r.scopeKey === id);
  if (found.length === 0) throw new ConfigNotFoundError(`no rule ${JSON.stringify(id)}`);
  return found;
}

interface CheckedRules {
  incoming: DeadlineRule[];
  stored: DeadlineRule[];
  calendars: CalendarDefinition[];
  problems: RuleProblem[];
}

async function checkRules(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<CheckedRules> {
  const problems: RuleProblem[] = [];
  const incoming: DeadlineRule[] = [];
  for (const document of documents) {
    if (document.parseError !== undefined) {
      problems.push({ file: document.name, path: '', reason: document.parseError });
      continue;
    }
    const read = readRulesData(document.data, document.name);
    incoming.push(...read.rules);
    problems.push(...read.problems);
  }
  if (documents.length === 0) problems.push({ file: '', path: '', reason: 'no rules file given' });
  const [stored, calendars] = await Promise.all([deps.config.listRules(), deps.config.listCalendars()]);
  const calendarIds = new Set([DEFAULT_CALENDAR_DEFINITION.id, ...calendars.map((c) => c.id)]);
  problems.push(...checkRuleVersions(stored, incoming, calendarIds));
  if (![...stored, ...incoming].some((r) => r.scope.kind === 'global')) {
    // Without one, a dossier of a procedure and field with no rule could not be counted at all.
    problems.push({ file: '', path: 'GLOBAL', reason: 'the rule set needs a global default (global: true)' });
  }
  return { incoming, stored, calendars, problems };
}

/** Validates rules files against the stored rules: every problem, nothing written. */
export async function validateRules(
  deps: AdminDeps,
  documents: readonly ConfigDocument[],
): Promise<{ valid: boolean; rules: number; problems: RuleProblem[] }> {
  const { incoming, problems } = await checkRules(deps, documents);
  return { valid: problems.length === 0, rules: incoming.length, problems };
}

/** What the files add to the stored rules (new versions), repeat (identical) or contradict. */
export async function diffRuleFiles(deps: AdminDeps, documents: readonly ConfigDocument[]) {
  const { incoming, stored, problems } = await checkRules(deps, documents);
  const diff = diffRules(stored, incoming);
  return {
    added: diff.added.map(summariseRule),
    unchanged: diff.unchanged.map((r) => r.id),
    conflicting: diff.conflicting.map(({ incoming: i, stored: s }) => ({
      id: i.id,
      stored: summariseRule(s),
      incoming: summariseRule(i),
    })),
    problems,
  };
}

/** "What moves if I apply these rules?" — the open dossiers whose dates or stage would change; writes nothing. */
export async function previewRules(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<ChangeReport> {
  const checked = await checkRules(deps, documents);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const plan = rulesPlan(checked);
  return recompute(deps, plan, { changeId: plan.changeId, author: '', reason: plan.reason }, false);
}

/**
 * Puts new rule versions (validated as a whole: one problem and nothing is written), then recomputes
 * the open dossiers received since they take effect, recording the change in each one's history and in
 * the audit. Putting the same files again writes nothing new and completes an interrupted recompute.
 */
export async function putRules(
  deps: AdminDeps,
  documents: readonly ConfigDocument[],
  author: string,
): Promise<ChangeReport & { written: number; added: string[] }> {
  const checked = await checkRules(deps, documents);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const plan = rulesPlan(checked);
  const at = new Date(deps.clock.now()).toISOString();
  const added = diffRules(checked.stored, checked.incoming).added;
  const entry: AuditEntry = {
    changeId: plan.changeId,
    at,
    author,
    action: 'rules.put',
    status: 'applying',
    sources: documents.map((d) => d.name),
    legalBasis: [...new Set(checked.incoming.map((r) => r.legalBasis))],
    what: { added: added.map((r) => r.id), repeated: checked.incoming.length - added.length },
  };
  return audited(deps, entry, async () => {
    const written = await deps.config.putRuleVersions(added, { author, at, changeId: plan.changeId });
    const report = await recompute(deps, plan, { changeId: plan.changeId, author, reason: plan.reason }, true);
    return { ...report, written, added: added.map((r) => r.id) };
  });
}

interface Plan {
  changeId: string;
  reason: string;
  current: ConfigSnapshot;
  next: ConfigSnapshot;
  reresolveRule: boolean;
  touches: (dossier: NotClosedDossier) => boolean;
}

function rulesPlan(checked: CheckedRules): Plan {
  const known = new Set(checked.stored.map((r) => r.id));
  const nextRules = [...checked.stored, ...checked.incoming.filter((r) => !known.has(r.id))];
  const bases = [...new Set(checked.incoming.map((r) => r.legalBasis))].join('; ');
  return {
    changeId: changeIdOf('rules', checked.incoming.map(ruleContent).sort()),
    reason: `Áp dụng quy tắc thời hạn mới (${bases})`,
    current: snapshotOf(checked.stored, checked.calendars),
    next: snapshotOf(nextRules, checked.calendars),
    reresolveRule: true,
    // Repeated versions count too, so putting a change again completes an interrupted recompute.
    touches: (dossier) => checked.incoming.some((rule) => ruleMayApply(rule, dossier)),
  };
}

function summariseRule(rule: DeadlineRule) {
  return {
    id: rule.id,
    effectiveFrom: rule.effectiveFrom,
    legalBasis: rule.legalBasis,
    duration: rule.duration,
    cutoff: rule.cutoff,
    steps: rule.steps.length,
    calendarId: rule.calendarId,
    source: rule.source,
  };
}

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
  author: string;
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
  const year = new Date(deps.clock.now() + 7 * 3_600_000).getUTCFullYear();
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
  const entry: AuditEntry = {
    changeId: plan.changeId,
    at,
    author: options.author,
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
          author: options.author,
          at,
          source: document.name,
          definition,
        },
        // The built-in calendar counts as version 0: not stored.
        checked.current?.version ?? 0,
      );
    }
    const report = await recompute(
      deps,
      plan,
      { changeId: plan.changeId, author: options.author, reason: plan.reason },
      true,
    );
    return { ...report, version, diff: plan.diff };
  });
}

/**
 * Records the change as `applying` before anything is written (no change goes unaudited), then as
 * `applied` with the dossiers moved, or `failed` with the reason (a change left `applying` was cut off:
 * putting it again completes it, as a new entry).
 */
async function audited<T extends ChangeReport>(deps: AdminDeps, entry: AuditEntry, work: () => Promise<T>): Promise<T> {
  await deps.config.putAudit(entry);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The change's own error is what the caller must see, even if the store refuses this write too.
    await deps.config
      .putAudit({ ...entry, status: 'failed', error: (error as Error).message?.slice(0, 500) })
      .catch(() => undefined);
    throw error;
  }
  await deps.config.putAudit({ ...entry, status: 'applied', dossiersMoved: result.moves.length });
  return result;
}

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

// ── recompute ────────────────────────────────────────────────────────────────────────────────────

async function recompute(
  deps: AdminDeps,
  plan: Plan,
  why: { changeId: string; author: string; reason: string },
  write: boolean,
): Promise<ChangeReport> {
  const candidates = await deps.openDossiers.findNotClosed(plan.touches);
  const now = deps.clock.now();
  const moves = await mapLimit(candidates, deps.concurrency ?? 8, async (candidate) => {
    let failure: unknown;
    // An event or a detector run may write the dossier in between: it is read again and recounted.
    const move = await saveWithRetry<DossierMove | undefined>(deps.dossiers, candidate.dossierId, async (record) => {
      if (!record) return { done: undefined };
      const log = (await deps.dossiers.listEvents(candidate.dossierId)).map((e) => e.event);
      const planned = planRecompute(
        record,
        log,
        { current: plan.current, next: plan.next },
        { ...why, now, reresolveRule: plan.reresolveRule },
      );
      if (!planned || !write) return { done: planned?.move };
      const flushed = deps.publisher ? await publishOwed(deps.publisher, planned.record) : { record: planned.record };
      failure = 'failure' in flushed ? flushed.failure : undefined;
      return { save: flushed.record, after: () => planned.move };
    });
    if (failure) throw failure;
    return move;
  });
  return {
    changeId: why.changeId,
    examined: candidates.length,
    moves: moves.filter((m): m is DossierMove => m !== undefined),
  };
}

function changeIdOf(kind: string, parts: readonly string[]): string {
  return `${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)}`;
}

/**
 * The initial load of a whole configuration (`dunghan seed`, the local pipeline's first start): rules
 * and calendars as validated files, written at once and audited like any change. Open dossiers are not
 * recomputed: a seed precedes them; later changes go through put, which previews and recomputes.
 */
export async function seedConfig(
  deps: Pick<AdminDeps, 'config' | 'clock'>,
  loaded: { rules: readonly DeadlineRule[]; calendars: readonly CalendarDefinition[] },
  author: string,
  sources: readonly string[],
): Promise<{ changeId: string; rules: number; calendars: number }> {
  const at = new Date(deps.clock.now()).toISOString();
  const changeId = changeIdOf('seed', [
    ...loaded.rules.map(ruleContent).sort(),
    ...loaded.calendars.map((c) => JSON.stringify(c)),
  ]);
  await deps.config.putAll(loaded.rules, loaded.calendars, author, at);
  await deps.config.putAudit({
    changeId,
    at,
    author,
    action: 'seed',
    status: 'applied',
    sources: [...sources],
    legalBasis: [],
    what: { rules: loaded.rules.length, calendars: loaded.calendars.map((c) => c.id) },
  });
  return { changeId, rules: loaded.rules.length, calendars: loaded.calendars.length };
}

/** The audited changes, oldest first. */
export async function listAudit(deps: AdminDeps): Promise<AuditEntry[]> {
  return deps.config.listAudit();
}

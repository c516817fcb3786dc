import type { DossierEvent } from '../../contracts/dossier-events.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { type DossierRecord, nextRecord } from '../dossier/dossier-record.ts';
import { foldDossier, foldMarkOf } from '../dossier/dossier-state.ts';
import { STAGES, type Stage, stageThresholds } from '../dossier/stages.ts';
import { type DeadlineRule, resolveRule } from '../rules/deadline-rule.ts';

/** The rules and calendars a recompute counts with (the stored ones, or those a preview imagines). */
export interface ConfigSnapshot {
  rules: readonly DeadlineRule[];
  calendar(id: string): WorkingCalendar;
}

/** Why and by whom a recompute is made, for the dossier's history. */
export interface RecomputeReason {
  changeId: string;
  author: string;
  reason: string;
  now: number;
  /** Re-resolve the rule in force on the receipt date (a rule change) instead of keeping the frozen one. */
  reresolveRule: boolean;
}

/** One dossier's dates and stage-by-time before and after a change. */
export interface DossierDates {
  ruleId?: string | undefined;
  originalDueAt?: string | undefined;
  dueAt?: string | null | undefined;
  /** The stage the time passed calls for at `now` (the detector moves the dossier there on its next run). */
  stageByTime: Stage;
  steps: string[];
}

export interface DossierMove {
  dossierId: string;
  field: string;
  status: string;
  before: DossierDates;
  after: DossierDates;
}

/** The stage a dossier's clock calls for at `now` (ON_TRACK for one that is not running). */
export function stageByTime(record: DossierRecord, calendar: WorkingCalendar | undefined, now: number): Stage {
  const { state } = record;
  if (!calendar || state.status !== 'open' || !state.dueAt || !state.rule) return 'ON_TRACK';
  const thresholds = stageThresholds(
    calendar,
    Date.parse(state.dueAt),
    state.rule.warnLeadTime,
    record.extendedDueAt === null ? null : Date.parse(record.extendedDueAt),
  );
  let stage: Stage = 'ON_TRACK';
  for (const next of STAGES) {
    if (next === 'ON_TRACK') continue;
    const at = thresholds[next];
    if (at === undefined || at > now) break;
    stage = next;
  }
  return stage;
}

function datesOf(record: DossierRecord, calendar: WorkingCalendar | undefined, now: number): DossierDates {
  const { state } = record;
  return {
    ruleId: state.rule?.ruleId,
    originalDueAt: state.originalDueAt,
    dueAt: state.dueAt,
    stageByTime: stageByTime(record, calendar, now),
    steps: state.steps.map((s) => s.dueAt),
  };
}

/**
 * Recounts one dossier under the next rules and calendars (`current` is what it was counted with). Returns the move (old → new dates and
 * stage-by-time) and the record to store when anything differs, or nothing when the change does not
 * touch it. Stages already reached, letters, the apology and the re-appointment are kept (a change never
 * undoes what was sent); the dossier's next action is rescheduled, so one that becomes due or overdue
 * is picked up by the detector's next run. The move is added to the record's due-date history, whose
 * first entry keeps the original legal due date as first counted.
 */
export function planRecompute(
  record: DossierRecord,
  events: readonly DossierEvent[],
  config: { current: ConfigSnapshot; next: ConfigSnapshot },
  why: RecomputeReason,
): { move: DossierMove; record: DossierRecord } | undefined {
  const { state } = record;
  if (!state.rule || !state.received) return undefined;
  const state2 = foldDossier(state.dossierId, events, {
    calendar: (id) => config.next.calendar(id),
    resolveRule: (query) => resolveRule(config.next.rules, query),
    frozenRule: why.reresolveRule ? undefined : state.rule,
  });
  const oldCalendar = safeCalendar(config.current, state.rule.calendarId);
  const newCalendar = state2.rule ? config.next.calendar(state2.rule.calendarId) : undefined;
  const candidate = nextRecord(record, state2, newCalendar);
  const before = datesOf(record, oldCalendar, why.now);
  const after = datesOf(candidate, newCalendar, why.now);
  const sameRule = JSON.stringify(state.rule) === JSON.stringify(state2.rule);
  if (sameRule && JSON.stringify(before) === JSON.stringify(after)) return undefined;
  const at = new Date(why.now).toISOString();
  return {
    move: { dossierId: state.dossierId, field: state.received.procedure.field, status: state.status, before, after },
    record: {
      ...candidate,
      folded: foldMarkOf(events),
      dueDateChanges: boundedChanges([
        ...(record.dueDateChanges ?? []),
        {
          changeId: why.changeId,
          at,
          author: why.author,
          reason: why.reason,
          before: { ruleId: before.ruleId, originalDueAt: before.originalDueAt, dueAt: before.dueAt },
          after: { ruleId: after.ruleId, originalDueAt: after.originalDueAt, dueAt: after.dueAt },
        },
      ]),
    },
  };
}

/** Due-date changes kept on the record: the first (it holds the date as first counted) and the latest. */
export const KEPT_DUE_DATE_CHANGES = 10;

/** Keeps the record bounded however many changes administrators make; the audit log keeps them all. */
function boundedChanges<T>(changes: T[]): T[] {
  if (changes.length <= KEPT_DUE_DATE_CHANGES) return changes;
  return [changes[0] as T, ...changes.slice(changes.length - (KEPT_DUE_DATE_CHANGES - 1))];
}

function safeCalendar(config: ConfigSnapshot, id: string): WorkingCalendar | undefined {
  try {
    return config.calendar(id);
  } catch {
    return undefined;
  }
}

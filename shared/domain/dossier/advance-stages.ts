import type { DeadlineEventType, OutboundEvent } from '../../contracts/outbound-events.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { computeDueDate } from '../due-date/compute-due-date.ts';
import {
  type DossierRecord,
  type NotificationKind,
  type OwedNotification,
  scheduleNextAction,
} from './dossier-record.ts';
import { responsibleNow } from './responsibility.ts';
import { STAGES, type Stage, stageThresholds } from './stages.ts';
import { stepAlerts } from './step-clocks.ts';

/** What one detector pass did to one dossier. */
export interface StageAdvance {
  record: DossierRecord;
  /** Stages newly reached, in order (several when runs were missed). */
  reached: Stage[];
  /** Notifications newly owed. */
  owed: OwedNotification[];
}

const NOTIFY: Partial<Record<Stage, NotificationKind>> = {
  DUE_SOON: 'due_soon',
  APOLOGY_DEADLINE: 'apology_deadline_missed',
  OVERDUE: 'overdue',
  SECOND_OVERRUN: 'second_overrun',
};

const EVENT_OF: Partial<Record<Stage, DeadlineEventType>> = {
  DUE_SOON: 'DossierDueSoon',
  APOLOGY_DEADLINE: 'ApologyDeadlineMissed',
  OVERDUE: 'DossierOverdue',
  SECOND_OVERRUN: 'SecondOverrun',
};

/**
 * Moves an open dossier forward to the stage its clock has reached at `now` — by time passed, never by
 * "due in exactly N days", so a missed run only means several stages at once. Each stage is reached at
 * most once per clock cycle and owes its notification and out-event; reaching DUE_SOON drafts the
 * apology with the proposed new return date. The apology-deadline alert is skipped when an apology is
 * already approved. Resolved, withdrawn, refused, suspended or waiting dossiers do not move.
 */
export function advanceStages(record: DossierRecord, calendar: WorkingCalendar, now: number): StageAdvance {
  const { state } = record;
  const unchanged = { record, reached: [], owed: [] };
  if (state.status !== 'open' || !state.dueAt || !state.rule) return unchanged;
  const thresholds = stageThresholds(
    calendar,
    Date.parse(state.dueAt),
    state.rule.warnLeadTime,
    record.extendedDueAt === null ? null : Date.parse(record.extendedDueAt),
  );
  const at = new Date(now).toISOString();
  const reached: Stage[] = [];
  let stage = record.stage;
  for (const next of STAGES.slice(STAGES.indexOf(stage) + 1)) {
    const threshold = next === 'ON_TRACK' ? undefined : thresholds[next];
    if (threshold === undefined || threshold > now) break;
    reached.push(next);
    stage = next;
  }
  const steps = stepAlerts(state, calendar, (id) => record.notifications[id] !== undefined).filter((a) => a.at <= now);
  if (reached.length === 0 && steps.length === 0) return unchanged;
  const notifications = { ...record.notifications };
  const outbox = { ...record.outbox };
  const owed: OwedNotification[] = [];
  for (const alert of steps) {
    // A warning the detector reaches only after the overrun is moot: the overrun alert says more.
    if (alert.kind === 'step_due_soon' && steps.some((a) => a.step === alert.step && a.kind === 'step_overdue'))
      continue;
    const notification: OwedNotification = {
      id: alert.id,
      kind: alert.kind,
      step: alert.step,
      createdAt: at,
      attempts: 0,
    };
    notifications[alert.id] = notification;
    owed.push(notification);
  }
  let apology = record.apology;
  for (const next of reached) {
    if (next === 'DUE_SOON' && apology.status === 'none') {
      apology = { ...apology, status: 'drafted', draftedAt: at, proposedReturnAt: proposedReturnAt(record, calendar) };
      const drafted = outEvent(record, 'ApologyDrafted', `${state.dossierId}#apology_drafted`, at);
      outbox[drafted.detail.eventId] = drafted;
    }
    const approved = apology.status === 'approved' || apology.status === 'issued';
    const kind = NOTIFY[next];
    if (kind && !(next === 'APOLOGY_DEADLINE' && approved)) {
      const id = `${state.dossierId}#c${state.cycle}#${kind}`;
      if (!notifications[id]) {
        const notification: OwedNotification = { id, kind, createdAt: at, attempts: 0 };
        notifications[id] = notification;
        owed.push(notification);
      }
    }
    const type = EVENT_OF[next];
    if (type && !(next === 'APOLOGY_DEADLINE' && approved)) {
      const event = outEvent(record, type, `${state.dossierId}#c${state.cycle}#${next}`, at);
      outbox[event.detail.eventId] = event;
    }
  }
  const moved: DossierRecord = {
    ...record,
    stage,
    apology,
    notifications,
    outbox,
    stagesReached: [...record.stagesReached, ...reached.map((s) => ({ stage: s, cycle: state.cycle, at }))],
  };
  moved.nextActionAt = scheduleNextAction(moved, calendar);
  return { record: moved, reached, owed };
}

/** The new return date a draft proposes: the rule's suggested extension counted from the due date. */
export function proposedReturnAt(record: DossierRecord, calendar: WorkingCalendar): string | undefined {
  const { state } = record;
  if (!state.dueAt || !state.rule) return undefined;
  // Counted like a limit from the due day itself (that day not counted): the cut-off is pushed to the end
  // of the day so that a due date at closing still counts from its own day.
  const due = computeDueDate(calendar, {
    receivedAt: Date.parse(state.dueAt),
    rule: { duration: state.rule.suggestedExtension, cutoff: '23:59' },
  });
  return calendar.formatInstant(due.dueAt);
}

export function outEvent(record: DossierRecord, type: DeadlineEventType, eventId: string, at: string): OutboundEvent {
  const { state } = record;
  const received = state.received;
  const responsible = responsibleNow(state, Date.parse(at));
  return {
    type,
    detail: {
      schemaVersion: 1,
      eventId,
      dossierId: state.dossierId,
      ...(received?.procedure.code ? { procedureCode: received.procedure.code } : {}),
      field: received?.procedure.field ?? '',
      agencyId: received?.agency.id ?? '',
      occurredAt: at,
      dueAt: state.dueAt ?? '',
      originalDueAt: state.originalDueAt ?? '',
      ...(record.extendedDueAt ? { extendedDueAt: record.extendedDueAt } : {}),
      ...(responsible
        ? {
            responsibleUnit: {
              id: responsible.unitId,
              name: responsible.unitName,
              ...(responsible.step ? { step: responsible.step } : {}),
              dueAt: responsible.dueAt,
            },
          }
        : {}),
      stage: record.stage,
    },
  };
}

import type { OutboundEvent } from '../../contracts/outbound-events.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierState, Violation } from './dossier-state.ts';
import { nextActionAt, type Stage, stageThresholds } from './stages.ts';

/** Apology / re-appointment state, owned by the detector and the approval flow. */
export interface ApologyState {
  status: 'none' | 'drafted' | 'approved' | 'issued';
}

/** What is stored as `DOSSIER#<id>` / `META`: the event-derived state plus what the detector owns. */
export interface DossierRecord {
  state: DossierState;
  stage: Stage;
  /** The clock cycle the stage belongs to; a supplement restart starts a new cycle at ON_TRACK. */
  stageCycle: number;
  /** When the detector must next look (open, running dossiers only); drives the sparse GSI. */
  nextActionAt: string | null;
  /** The one re-appointment (NĐ 61/2018 Điều 19 k9); null until approved. */
  extendedDueAt: string | null;
  apology: ApologyState;
  /** Events owed to the bus, keyed by their deterministic id, removed once published. */
  outbox: Record<string, OutboundEvent>;
  /** Optimistic-locking version; 0 for a dossier not stored yet. */
  version: number;
}

/**
 * The record to store after folding a dossier's events: keeps what the detector owns (stage, apology,
 * extension) unless a new clock cycle began, and adds an outbox entry for each violation seen for the
 * first time.
 */
export function nextRecord(
  previous: DossierRecord | undefined,
  state: DossierState,
  calendar: WorkingCalendar | undefined,
): DossierRecord {
  const sameCycle = previous !== undefined && previous.stageCycle === state.cycle;
  const stage: Stage = sameCycle ? previous.stage : 'ON_TRACK';
  const extendedDueAt = previous?.extendedDueAt ?? null;
  let next: string | null = null;
  if (calendar && state.rule && state.status === 'open' && state.dueAt) {
    const thresholds = stageThresholds(
      calendar,
      Date.parse(state.dueAt),
      state.rule.warnLeadTime,
      extendedDueAt === null ? null : Date.parse(extendedDueAt),
    );
    const at = nextActionAt(stage, thresholds);
    next = at === undefined ? null : calendar.formatInstant(at);
  }
  const outbox: Record<string, OutboundEvent> = { ...(previous?.outbox ?? {}) };
  const known = new Set((previous?.state.violations ?? []).map((v) => v.code));
  for (const violation of state.violations) {
    if (known.has(violation.code)) continue;
    const event = violationEvent(state, violation);
    if (event) outbox[event.detail.eventId] = event;
  }
  return {
    state,
    stage,
    stageCycle: state.cycle,
    nextActionAt: next,
    extendedDueAt,
    apology: previous?.apology ?? { status: 'none' },
    outbox,
    version: previous?.version ?? 0,
  };
}

function violationEvent(state: DossierState, violation: Violation): OutboundEvent | undefined {
  const received = state.received;
  if (!received) return undefined;
  const common = {
    schemaVersion: 1 as const,
    dossierId: state.dossierId,
    ...(received.procedure.code ? { procedureCode: received.procedure.code } : {}),
    field: received.procedure.field,
    agencyId: received.agency.id,
    occurredAt: violation.at,
    receivedAt: received.receivedAt,
    legalDueAt: violation.detail.legalDueAt ?? '',
  };
  if (violation.code === 'receipt_without_appointment') {
    return {
      type: 'ReceiptWithoutAppointment',
      detail: { ...common, eventId: `${state.dossierId}#receipt_without_appointment` },
    };
  }
  return {
    type: 'AppointmentBeyondDueDate',
    detail: {
      ...common,
      eventId: `${state.dossierId}#appointment_after_due`,
      appointmentAt: violation.detail.appointmentAt ?? '',
    },
  };
}

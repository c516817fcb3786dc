import type { DossierRecord } from '../dossier/dossier-record.ts';
import { isClosed, type SupplementSummary } from '../dossier/dossier-state.ts';
import { recordViolations } from '../dossier/re-appointment.ts';

/**
 * What reports need of one dossier, derived from its record and stored with it (projected into the
 * report index), so a report reads one small row per dossier and never the whole record. Instants are
 * ISO-8601 as stored; no personal data (no applicant, no official).
 */
export interface ReportRow {
  id: string;
  unitId: string;
  unitName: string;
  parentId?: string | undefined;
  parentName?: string | undefined;
  field: string;
  procedureCode?: string | undefined;
  channel: 'online' | 'in_person' | 'postal';
  receivedAt: string;
  /** The appointment written on the receipt, if any. */
  appointmentAt?: string | undefined;
  status: 'open' | 'suspended' | 'awaiting_supplement' | 'resolved' | 'withdrawn' | 'refused';
  resolvedAt?: string | undefined;
  closedAt?: string | undefined;
  /** The legal due date (after restarts and suspensions); null while waiting for a supplement. */
  dueAt?: string | null | undefined;
  originalDueAt?: string | undefined;
  /** The one re-appointment, once approved. */
  extendedDueAt?: string | null | undefined;
  result?: 'early' | 'on_time' | 'late' | undefined;
  /** When the apology reached the citizen (email or the desk's printed letter). */
  apologyIssuedAt?: string | undefined;
  violations: string[];
  /** The receipt came through the national portal's sync feed (or an export read as it, ADR 0017). */
  viaSync?: true | undefined;
  /** Inter-agency steps: the unit, its own due date and when it handed the dossier on. */
  steps: { unitId: string; unitName?: string | undefined; dueAt: string; finishedAt?: string | undefined }[];
  /** The citizen's supplements, when any was asked for (the QĐ 766 indicator counts them, timeliness.ts). */
  supplement?: SupplementSummary | undefined;
  /** True when the detector saw the re-appointed date pass too. */
  secondOverrun: boolean;
  /**
   * While not closed: what tells whether a rule or calendar change can touch the dossier — its calendar
   * and when its current clock cycle started (the receipt, or the completed supplement).
   */
  live?:
    | {
        calendarId: string;
        clockStartedAt: string;
        /** When the apology was drafted, while it awaits approval (`dunghan approvals`, issue #16). */
        apologyDraftedAt?: string | undefined;
      }
    | undefined;
}

/** The report row of a dossier, or undefined while its receipt event has not arrived. */
export function reportRowOf(record: DossierRecord): ReportRow | undefined {
  const { state } = record;
  const received = state.received;
  if (!received || state.status === 'awaiting_receipt') return undefined;
  return {
    id: state.dossierId,
    unitId: received.agency.id,
    unitName: received.agency.name,
    ...(received.agency.parentId ? { parentId: received.agency.parentId } : {}),
    ...(received.agency.parentName ? { parentName: received.agency.parentName } : {}),
    field: received.procedure.field,
    ...(received.procedure.code ? { procedureCode: received.procedure.code } : {}),
    channel: received.channel,
    receivedAt: received.receivedAt,
    ...(received.appointmentAt ? { appointmentAt: received.appointmentAt } : {}),
    status: state.status,
    ...(state.resolvedAt ? { resolvedAt: state.resolvedAt } : {}),
    ...(state.closedAt ? { closedAt: state.closedAt } : {}),
    ...(state.dueAt !== undefined ? { dueAt: state.dueAt } : {}),
    ...(state.originalDueAt ? { originalDueAt: state.originalDueAt } : {}),
    ...(record.extendedDueAt ? { extendedDueAt: record.extendedDueAt } : {}),
    ...(state.result ? { result: state.result } : {}),
    ...(record.apology.issuedAt ? { apologyIssuedAt: record.apology.issuedAt } : {}),
    violations: recordViolations(record),
    ...(received.eventId.startsWith('sync:') ? { viaSync: true as const } : {}),
    steps: state.steps.map((s) => ({
      unitId: s.unitId,
      ...(s.unitName ? { unitName: s.unitName } : {}),
      dueAt: s.dueAt,
      ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
    })),
    ...(state.supplement ? { supplement: state.supplement } : {}),
    secondOverrun: record.stagesReached.some((s) => s.stage === 'SECOND_OVERRUN'),
    ...(state.rule && !isClosed(state.status)
      ? {
          live: {
            calendarId: state.rule.calendarId,
            clockStartedAt: state.clockStartedAt ?? received.receivedAt,
            ...(record.apology.status === 'drafted' && record.apology.draftedAt
              ? { apologyDraftedAt: record.apology.draftedAt }
              : {}),
          },
        }
      : {}),
  };
}

import type { DossierReceived } from '../../contracts/dossier-events.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Duration } from '../due-date/duration.ts';
import type { DeadlineRule, RuleMatch } from '../rules/deadline-rule.ts';
import type { DossierCode } from './dossier-code.ts';

/*
 * What a dossier's fold produces (dossier-state.ts folds; transitions.ts applies each event), apart so
 * that both read one definition.
 */

export type DossierStatus =
  | 'awaiting_receipt'
  | 'open'
  | 'suspended'
  | 'awaiting_supplement'
  | 'resolved'
  | 'withdrawn'
  | 'refused';

export type ViolationCode = 'receipt_without_appointment' | 'appointment_after_due' | 'reappointed';

export interface Violation {
  code: ViolationCode;
  at: string;
  detail: Record<string, string>;
}

/** The rule a dossier is counted under, frozen at receipt (a later rule change never moves it silently). */
export interface AppliedRule {
  ruleId: string;
  matchedBy: RuleMatch;
  effectiveFrom: string;
  legalBasis: string;
  duration: Duration;
  cutoff: string | null;
  warnLeadTime: Duration;
  suggestedExtension: Duration;
  calendarId: string;
  sample: boolean;
}

export interface StepState {
  unitId: string;
  unitName?: string | undefined;
  duration: Duration;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  dueAt: string;
  result?: 'early' | 'on_time' | 'late' | undefined;
}

export interface ClockEntry {
  at: string;
  kind:
    | 'received'
    | 'supplement_requested'
    | 'restarted'
    | 'suspended'
    | 'resumed'
    | 'handed_over'
    | 'processing'
    | 'reappointed'
    | 'resolved'
    | 'returned'
    | 'withdrawn'
    | 'refused'
    | 'ignored';
  eventId: string;
  note?: string | undefined;
}

/** A dossier's state: a pure function of the set of its events (any arrival order gives the same state). */
export interface DossierState {
  dossierId: string;
  code: DossierCode;
  status: DossierStatus;
  received?: DossierReceived | undefined;
  rule?: AppliedRule | undefined;
  /** True when no rule exists for the procedure and a field or global default was used. */
  ruleFallback: boolean;
  cycle: number;
  clockStartedAt?: string | undefined;
  effectiveReceiptDate?: string | undefined;
  suspensions: { from: string; to?: string | undefined; reason: string }[];
  originalDueAt?: string | undefined;
  /** The current legal due date (after restarts and suspensions); null while the clock waits for a supplement. */
  dueAt?: string | null | undefined;
  /** True while a suspension is open: the due date will move when it ends. */
  paused: boolean;
  provisional: boolean;
  steps: StepState[];
  handovers: { fromUnitId: string; toUnitId: string; at: string }[];
  /** The unit the dossier was last handed to (kept on the stored record, which drops `handovers`). */
  holderUnitId?: string | undefined;
  /**
   * The citizen's supplements (yêu cầu bổ sung), kept as a summary bounded whatever the history: what the
   * QĐ 766 timeliness indicator counts (how many requests, the time the citizen took; issue #19).
   */
  supplement?: SupplementSummary | undefined;
  /** Changes of the printed appointment after receipt (the sync feed's NgayHenTra re-sent), in order. */
  reappointments?: { at: string; appointmentAt: string }[] | undefined;
  history: ClockEntry[];
  resolvedAt?: string | undefined;
  returnedAt?: string | undefined;
  outcome?: 'approved' | 'rejected' | undefined;
  closedAt?: string | undefined;
  closeReason?: string | undefined;
  result?: 'early' | 'on_time' | 'late' | undefined;
  violations: Violation[];
  eventIds: string[];
}

/** The supplements a dossier was asked for: how many, the last request and answer, the time waited. */
export interface SupplementSummary {
  requests: number;
  lastRequestedAt: string;
  /** When the last request was answered by a complete dossier; absent while the citizen has not come back. */
  lastSuppliedAt?: string | undefined;
  /** The time the citizen took over every answered request, in milliseconds. */
  waitedMs: number;
}

export interface FoldContext {
  /** The calendar with this id (the rule names it). */
  calendar: (id: string) => WorkingCalendar;
  /** Finds the rule in force for a receipt; called only when the dossier has no frozen rule yet. */
  resolveRule: (query: {
    procedureCode?: string | undefined;
    field: string;
    receiptDate: string;
  }) => { rule: DeadlineRule; matchedBy: RuleMatch } | undefined;
  /** The rule frozen on the stored dossier, if any. */
  frozenRule?: AppliedRule | undefined;
}

/** The statuses that close a dossier: no clock runs, no alert is owed (the one home of the set). */
export const CLOSED_STATUSES: ReadonlySet<DossierStatus> = new Set(['resolved', 'withdrawn', 'refused']);

export function isClosed(status: DossierStatus): boolean {
  return CLOSED_STATUSES.has(status);
}

import type { Actor } from '../domain/authority/actors.ts';
import { decide } from '../domain/authority/authority.ts';
import type { WorkingCalendar } from '../domain/calendar/working-calendar.ts';
import { explanation } from '../domain/citizen/citizen-view.ts';
import { calendarOf } from '../domain/dossier/calendar-of.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type ClockEntry, foldDossier, isClosed } from '../domain/dossier/dossier-state.ts';
import { recordViolations } from '../domain/dossier/re-appointment.ts';
import { responsibleNow } from '../domain/dossier/responsibility.ts';
import { type ApologyLetter, buildApologyLetter } from '../domain/letters/apology-letter.ts';
import { buildControlSlip, type ControlSlip } from '../domain/letters/control-slip.ts';
import { buildReceiptSlip, type ReceiptSlip } from '../domain/letters/receipt-slip.ts';
import { resolveRule } from '../domain/rules/deadline-rule.ts';
import { dossierUnits, letterIssuer, unitsMissingFrom, withUnitNames } from '../domain/units/routing.ts';
import { workingTimeVi } from '../domain/vietnamese/format.ts';
import type { Clock } from '../ports/clock.ts';
import { authentic, type DossierStore } from '../ports/dossier-store.ts';
import type { RuleBook } from './rule-book.ts';

export interface DescribeDossierDeps {
  store: DossierStore;
  rules: RuleBook;
  clock: Clock;
}

/**
 * A dossier as `dunghan dossier` shows it: its dates, stage, steps, the unit answering for a delay
 * (issue #15), the units it names that the directory lacks, and its history — folded again from the
 * dossier's event log, since the record keeps none (ADR 0011). Undefined when there is no such dossier.
 */
export async function describeDossier(deps: DescribeDossierDeps, dossierId: string, actor: Actor | undefined) {
  const { record } = await deps.store.load(dossierId);
  if (!record) return undefined;
  const book = await deps.rules.current();
  // A dossier outside the actor's units is answered as one that does not exist (ADR 0023).
  if (!decide(actor, 'dossier.read', { units: dossierUnits(record.state) }, book.units).allowed) return undefined;
  const { state } = record;
  const log = await deps.store.listEvents(dossierId);
  const history = foldDossier(dossierId, authentic(log), {
    calendar: book.calendar,
    resolveRule: (query) => resolveRule(book.rules, query),
    frozenRule: state.rule,
  }).history;
  const now = deps.clock.now();
  const calendar = calendarOf(state, book.calendar);
  const named = withUnitNames(record, book.units).state;
  const responsible = responsibleNow(named, now);
  return {
    dossierId: state.dossierId,
    status: state.status === 'awaiting_receipt' ? 'awaiting_receipt' : isClosed(state.status) ? state.status : 'open',
    phase: state.status,
    stage: record.stage,
    procedure: state.received?.procedure,
    agencyId: state.received?.agency.id,
    receivedAt: state.received?.receivedAt ?? null,
    effectiveReceiptDate: state.effectiveReceiptDate ?? null,
    originalDueAt: state.originalDueAt ?? null,
    dueAt: state.dueAt ?? null,
    extendedDueAt: record.extendedDueAt,
    nextActionAt: record.nextActionAt,
    paused: state.paused,
    provisional: state.provisional,
    rule: state.rule ?? null,
    ruleFallback: state.ruleFallback,
    cycle: state.cycle,
    // Each step with its unit's name from the directory when the receipt named only its id.
    steps: named.steps,
    responsibleUnit: responsible
      ? {
          ...responsible,
          late: workingTimeVi(
            calendar,
            Date.parse(responsible.dueAt),
            responsible.until ? Date.parse(responsible.until) : now,
          ),
        }
      : null,
    missingUnits: state.received ? unitsMissingFrom(state, book.units) : [],
    result: state.result ?? null,
    violations: recordViolations(record),
    dueDateChanges: record.dueDateChanges ?? [],
    /** Why the due date in force is what it is, in plain Vietnamese (the citizens' page says it alike). */
    dueDateExplanation: explanation(record, calendar, now),
    history: withApology(history, record, calendar),
    apologyStatus: record.apology.status,
    // A draft a head returned unsigned: when, who, and what the desk is to set right (issue #34).
    ...(record.apology.returned && record.apology.status === 'drafted'
      ? {
          apologyReturned: {
            at: record.apology.returned.at,
            by: record.apology.returned.by,
            note: record.apology.returned.note,
          },
        }
      : {}),
    version: record.version,
  };
}

/** The dossier's process-control slip at the clock's now (issue #15); undefined when there is no such dossier. */
export async function dossierSlip(
  deps: DescribeDossierDeps,
  dossierId: string,
  actor: Actor | undefined,
): Promise<ControlSlip | undefined> {
  const found = await readable(deps, dossierId, actor);
  return found && buildControlSlip(found.record.state, found.calendar, found.book.units, deps.clock.now());
}

/**
 * The dossier's receipt slip (Mẫu 01) with the address of its status page (issue #18); undefined when
 * there is no such received dossier, or the actor may not read it (answered alike).
 */
export async function receiptSlip(
  deps: DescribeDossierDeps,
  dossierId: string,
  actor: Actor | undefined,
  statusPage: string,
): Promise<ReceiptSlip | undefined> {
  const found = await readable(deps, dossierId, actor);
  return found && buildReceiptSlip(found.record.state, found.calendar, statusPage);
}

/**
 * The dossier's apology letter (Mẫu 04) as it stands — the draft, or the approved letter with its new
 * date — for a dossier whose apology is owed (drafted or later); undefined when there is none, or the
 * actor may not read the dossier (answered alike).
 */
export async function dossierLetter(
  deps: DescribeDossierDeps,
  dossierId: string,
  actor: Actor | undefined,
): Promise<ApologyLetter | undefined> {
  const found = await readable(deps, dossierId, actor);
  if (!found || found.record.apology.status === 'none') return undefined;
  const now = deps.clock.now();
  return buildApologyLetter(found.record, found.calendar, now, letterIssuer(found.record, found.book.units, now));
}

/** A received dossier the actor may read, with the rule book and its calendar; else undefined. */
async function readable(deps: DescribeDossierDeps, dossierId: string, actor: Actor | undefined) {
  const { record } = await deps.store.load(dossierId);
  if (!record?.state.received) return undefined;
  const book = await deps.rules.current();
  if (!decide(actor, 'dossier.read', { units: dossierUnits(record.state) }, book.units).allowed) return undefined;
  return { record, book, calendar: calendarOf(record.state, book.calendar) };
}

const VIA: Partial<Record<string, string>> = { apology_to_citizen: 'email', apology_zns: 'Zalo', apology_sms: 'SMS' };

/** How the apology reached the citizen: the channels that sent it, else the desk's printed letter. */
function issuedNote(record: DossierRecord): string {
  const via = Object.values(record.notifications)
    .filter((n) => n.sentAt && VIA[n.kind])
    .sort((a, b) => String(a.sentAt).localeCompare(String(b.sentAt)))
    .map((n) => VIA[n.kind] as string);
  if (via.length === 0) return 'printable letter sent to the desk';
  return via.length === 1 && via[0] === 'email'
    ? 'emailed to the applicant'
    : `sent to the applicant by ${via.join(' and ')}`;
}

/** Who signed, as their sign-in names them: ` (head:H21.65.01, signed in as 8f2c…)`. */
function approverNote(approver: DossierRecord['apology']['approver']): string {
  if (!approver) return '';
  return ` (${[...(approver.grants ?? []), `signed in as ${approver.id}`].join(', ')})`;
}

/**
 * The history folded from the events, with the approval and the issue of the apology (issue #16): they
 * are the detector's and the approval page's, not events of the one-stop system, so the record keeps them.
 */
function withApology(history: readonly ClockEntry[], record: DossierRecord, calendar: WorkingCalendar) {
  const { apology } = record;
  type Entry =
    | ClockEntry
    | { at: string; kind: 'apology_approved' | 'apology_issued' | 'apology_returned'; note: string };
  // Who did it, where a person did (staff's names, never the citizen's): the receiving official, the head.
  const entries: (Entry & { by?: string | undefined })[] = history.map((h) =>
    h.kind === 'received' && record.state.received ? { ...h, by: record.state.received.official.name } : h,
  );
  if (apology.returned)
    entries.push({
      at: calendar.formatInstant(Date.parse(apology.returned.at)),
      kind: 'apology_returned',
      note: `by ${apology.returned.by}: ${apology.returned.note}`,
      by: apology.returned.by,
    });
  if (apology.approvedAt)
    entries.push({
      // In local time, as the events' own instants are written.
      at: calendar.formatInstant(Date.parse(apology.approvedAt)),
      kind: 'apology_approved',
      note: `by ${apology.approvedBy ?? ''}${approverNote(apology.approver)}; new return date ${record.extendedDueAt ?? ''}; reason: ${apology.reason ?? ''}`,
      ...(apology.approvedBy ? { by: apology.approvedBy } : {}),
    });
  if (apology.issuedAt)
    entries.push({
      at: calendar.formatInstant(Date.parse(apology.issuedAt)),
      kind: 'apology_issued',
      note: issuedNote(record),
    });
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

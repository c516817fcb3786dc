import { InvalidLinkError, verifyApprovalToken } from '../domain/approval-link.ts';
import { type Actor, actorRecord } from '../domain/authority/actors.ts';
import { authorize, decide, inScope, scopeOf } from '../domain/authority/authority.ts';
import { calendarOf } from '../domain/dossier/calendar-of.ts';
import {
  type ApologyChannel,
  CITIZEN_CHANNELS,
  type DossierRecord,
  type OwedNotification,
} from '../domain/dossier/dossier-record.ts';
import {
  ApprovalRefusedError,
  approvalAnnouncement,
  approveApology,
  returnDraft,
} from '../domain/dossier/re-appointment.ts';
import { type ApologyLetter, buildApologyLetter } from '../domain/letters/apology-letter.ts';
import { apologyIssuerDesk, dossierUnits, letterIssuer } from '../domain/units/routing.ts';
import type { UnitBook } from '../domain/units/unit-directory.ts';
import { shortDateTime } from '../domain/vietnamese/format.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { OpenDossierIndex } from '../ports/open-dossier-index.ts';
import { NotFoundError } from '../support/errors.ts';
import type { RuleBook } from './rule-book.ts';
import { saveWithRetry } from './save-with-retry.ts';

export interface ApprovalDeps {
  store: DossierStore;
  rules: RuleBook;
  clock: Clock;
  linkSecret: string;
  /** Announces the approval, so the delivery function sends the letter at once (issue #16). */
  publisher?: EventPublisher | undefined;
}

/** Thrown when there is no such dossier (or nothing to approve). */
export class DossierNotFoundError extends NotFoundError {
  override name = 'DossierNotFoundError';
}

/** What the approval page shows before approving. */
export interface ApprovalView {
  record: DossierRecord;
  letter: ApologyLetter;
  proposedReturnDate: string;
  originalDueAt: string;
  /** Set once approved (a used link shows it instead of the form): when, by whom, and what was sent. */
  approval?: ApprovalDone | undefined;
}

/** An approval as a used link shows it, dates as officials read them (HH:mm dd/mm/yyyy, Vietnam time). */
export interface ApprovalDone {
  at: string;
  by: string;
  reason: string;
  newReturnDate: string;
  channel: ApologyChannel;
  /** When and how the letter went out (to the citizen, or to the desk to print); absent while it waits. */
  sentAt?: string | undefined;
  sentVia?: 'email' | 'zns' | 'sms' | 'desk' | undefined;
}

const SENT_VIA: Partial<Record<OwedNotification['kind'], ApprovalDone['sentVia']>> = {
  apology_to_citizen: 'email',
  apology_zns: 'zns',
  apology_sms: 'sms',
  apology_letter_for_desk: 'desk',
};

/**
 * May this actor sign this dossier's apology? Only a head of the unit that issues it (the directory's
 * signer policy), and — when the link names one — only the head it was mailed to. Any other signed-in
 * person is answered as if the dossier did not exist (ADR 0023).
 */
function authorizeApproval(
  actor: Actor | undefined,
  record: DossierRecord,
  book: Awaited<ReturnType<RuleBook['current']>>,
  now: number,
  boundTo?: string | undefined,
): void {
  const issuer = apologyIssuerDesk(record, book.units, now);
  const approve = decide(actor, 'dossier.approve', { units: [issuer.unitId], boundTo }, book.units);
  if (approve.allowed) return;
  // Who may not even read the dossier learns nothing of it; who may read it is told why they cannot sign.
  if (actor && !decide(actor, 'dossier.read', { units: dossierUnits(record.state) }, book.units).allowed)
    throw new DossierNotFoundError(`no dossier ${record.state.dossierId}`);
  authorize(actor, 'dossier.approve', { units: [issuer.unitId], boundTo }, book.units);
}

/**
 * Checks the link and the signed-in head, and loads what the page shows; refuses tampered, expired or
 * foreign links, and anyone but the head the link was issued to.
 */
export async function viewApproval(
  deps: ApprovalDeps,
  dossierId: string,
  token: string,
  actor: Actor | undefined,
): Promise<ApprovalView> {
  const { boundTo } = verifyApprovalToken(deps.linkSecret, token, dossierId, deps.clock.now());
  return approvalView(deps, dossierId, actor, boundTo);
}

/**
 * What the console's approval page shows (issue #34): the same view as a link's, for a head signed in
 * on the console — no link, so any head of the issuing unit (the authority decides).
 */
export async function viewApprovalAtDesk(
  deps: Omit<ApprovalDeps, 'linkSecret'>,
  dossierId: string,
  actor: Actor | undefined,
): Promise<ApprovalView> {
  return approvalView(deps, dossierId, actor, undefined);
}

async function approvalView(
  deps: Omit<ApprovalDeps, 'linkSecret'>,
  dossierId: string,
  actor: Actor | undefined,
  boundTo: string | undefined,
): Promise<ApprovalView> {
  const now = deps.clock.now();
  const { record } = await deps.store.load(dossierId);
  if (!record?.state.received) throw new DossierNotFoundError(`no dossier ${dossierId}`);
  const book = await deps.rules.current();
  authorizeApproval(actor, record, book, now, boundTo);
  const calendar = calendarOf(record.state, book.calendar);
  const { apology } = record;
  const sent = Object.values(record.notifications)
    .filter((n) => (CITIZEN_CHANNELS.has(n.kind) || n.kind === 'apology_letter_for_desk') && n.sentAt)
    .sort((a, b) => String(a.sentAt).localeCompare(String(b.sentAt)))[0];
  const done =
    (apology.status === 'approved' || apology.status === 'issued') && apology.approvedAt
      ? {
          at: shortDateTime(calendar, Date.parse(apology.approvedAt)),
          by: apology.approvedBy ?? '',
          reason: apology.reason ?? '',
          newReturnDate: record.extendedDueAt
            ? shortDateTime(calendar, Date.parse(record.extendedDueAt)).slice(-10)
            : '',
          channel: apology.channel ?? 'desk',
          ...(sent?.sentAt
            ? { sentAt: shortDateTime(calendar, Date.parse(sent.sentAt)), sentVia: SENT_VIA[sent.kind] }
            : {}),
        }
      : undefined;
  return {
    ...(done ? { approval: done } : {}),
    record,
    letter: buildApologyLetter(record, calendar, now, letterIssuer(record, book.units, now)),
    proposedReturnDate: (record.apology.proposedReturnAt ?? record.state.dueAt ?? '').slice(0, 10),
    originalDueAt: record.state.dueAt ?? record.state.originalDueAt ?? '',
  };
}

/**
 * Approves the apology through a signed link: verifies the link, applies the one re-appointment with a
 * conditional write ({@link saveWithRetry}: re-checked on the newer record after a concurrent change), and returns the
 * approved record. A replayed link finds the apology already approved and is refused.
 */
export async function approveThroughLink(
  deps: ApprovalDeps,
  input: ApprovalRequest & { token: string },
): Promise<DossierRecord> {
  const { boundTo } = verifyApprovalToken(deps.linkSecret, input.token, input.dossierId, deps.clock.now());
  return approve(deps, input, boundTo);
}

/** What a head asks: the dossier, the reason and the one new date; who they are comes from their sign-in. */
export interface ApprovalRequest {
  dossierId: string;
  reason: string;
  newReturnDate: string;
  actor: Actor | undefined;
}

/**
 * Approves the apology from the desk (`dunghan approve`, issue #16) or through a verified link: the one
 * re-appointment with a conditional write ({@link saveWithRetry}), then the announcement that makes the
 * delivery function send the letter at once.
 */
export async function approveAtDesk(
  deps: Omit<ApprovalDeps, 'linkSecret'>,
  input: ApprovalRequest,
): Promise<DossierRecord> {
  return approve(deps, input, undefined);
}

async function approve(
  deps: Omit<ApprovalDeps, 'linkSecret'>,
  input: ApprovalRequest,
  boundTo: string | undefined,
): Promise<DossierRecord> {
  const now = deps.clock.now();
  const saved = await saveWithRetry(deps.store, input.dossierId, async (record) => {
    if (!record?.state.received) throw new DossierNotFoundError(`no dossier ${input.dossierId}`);
    const book = await deps.rules.current();
    // Asked again on the record being saved: the issuing unit is the record's, whatever changed since the page.
    authorizeApproval(input.actor, record, book, now, boundTo);
    const calendar = calendarOf(record.state, book.calendar);
    const approvedBy = input.actor?.kind === 'person' ? input.actor.name : '';
    const approval = {
      reason: input.reason,
      newReturnDate: input.newReturnDate,
      approvedBy,
      ...(input.actor ? { approver: actorRecord(input.actor) } : {}),
    };
    return { save: approveApology(record, approval, calendar, now), after: (stored) => stored };
  });
  // Announced once stored, so the delivery function finds the approval; if the bus refuses, the
  // scheduled detector delivers the letter (the approval made it the dossier's next action).
  if (deps.publisher) await deps.publisher.publish([approvalAnnouncement(saved)]).catch(() => undefined);
  return saved;
}

/**
 * A head returns the draft unsigned, saying what the desk is to set right (issue #34): asked of the
 * authority as an approval is (a head of the issuing unit), written with a conditional write; the
 * draft keeps awaiting a head and the law's clock runs on.
 */
export async function returnDraftAtDesk(
  deps: Omit<ApprovalDeps, 'linkSecret'>,
  input: { dossierId: string; note: string; actor: Actor | undefined },
): Promise<DossierRecord> {
  const now = deps.clock.now();
  return saveWithRetry(deps.store, input.dossierId, async (record) => {
    if (!record?.state.received) throw new DossierNotFoundError(`no dossier ${input.dossierId}`);
    authorizeApproval(input.actor, record, await deps.rules.current(), now, undefined);
    const returned = returnDraft(
      record,
      {
        note: input.note,
        returnedBy: input.actor?.kind === 'person' ? input.actor.name : '',
        ...(input.actor ? { returner: actorRecord(input.actor) } : {}),
      },
      now,
    );
    return { save: returned, after: (stored) => stored };
  });
}

export { ApprovalRefusedError, InvalidLinkError };

/**
 * The dossiers whose drafted apology awaits approval, the oldest draft first (`dunghan approvals`), of
 * the units the actor may list them for (ADR 0023).
 */
export async function listAwaitingApproval(index: OpenDossierIndex, actor: Actor | undefined, units: UnitBook) {
  const scope = scopeOf(actor, 'approvals.list');
  const waiting = await index.findNotClosed(
    (d) => d.apologyDraftedAt !== undefined && (scope.all || (d.unitIds ?? []).some((u) => inScope(scope, u, units))),
  );
  return waiting
    .map((d) => ({
      dossierId: d.dossierId,
      field: d.field,
      ...(d.procedureCode ? { procedureCode: d.procedureCode } : {}),
      dueDay: d.dueDay ?? null,
      draftedAt: d.apologyDraftedAt as string,
    }))
    .sort((a, b) => (a.draftedAt < b.draftedAt ? -1 : a.draftedAt > b.draftedAt ? 1 : 0));
}

/**
 * Whom an official holding an expired (but authentic) link should ask: the desk that received the
 * dossier, which can approve at the desk (`dunghan approve`) or wait for the next digest's new link.
 */
export async function whomToAsk(
  deps: Pick<ApprovalDeps, 'store'>,
  dossierId: string,
): Promise<{ unitName: string; officialName: string } | undefined> {
  const received = (await deps.store.load(dossierId)).record?.state.received;
  return received ? { unitName: received.agency.name, officialName: received.official.name } : undefined;
}

import { InvalidLinkError, verifyApprovalToken } from '../domain/approval-link.ts';
import { defaultCalendar } from '../domain/calendar/default-calendar.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { ApprovalRefusedError, approveApology } from '../domain/dossier/re-appointment.ts';
import { type ApologyLetter, buildApologyLetter } from '../domain/letters/apology-letter.ts';
import { letterIssuer } from '../domain/units/routing.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierStore } from '../ports/dossier-store.ts';
import { NotFoundError } from '../support/errors.ts';
import type { RuleBook } from './rule-book.ts';
import { saveWithRetry } from './save-with-retry.ts';

export interface ApprovalDeps {
  store: DossierStore;
  rules: RuleBook;
  clock: Clock;
  linkSecret: string;
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
}

/** Checks the link and loads what the page shows; refuses tampered, expired or foreign links. */
export async function viewApproval(deps: ApprovalDeps, dossierId: string, token: string): Promise<ApprovalView> {
  const now = deps.clock.now();
  verifyApprovalToken(deps.linkSecret, token, dossierId, now);
  const { record } = await deps.store.load(dossierId);
  if (!record?.state.received) throw new DossierNotFoundError(`no dossier ${dossierId}`);
  const book = await deps.rules.current();
  const calendar = book.calendar(record.state.rule?.calendarId ?? 'vn-civil-service');
  return {
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
  input: { dossierId: string; token: string; reason: string; newReturnDate: string; approvedBy: string },
): Promise<DossierRecord> {
  const now = deps.clock.now();
  verifyApprovalToken(deps.linkSecret, input.token, input.dossierId, now);
  return saveWithRetry(deps.store, input.dossierId, async (record) => {
    if (!record?.state.received) throw new DossierNotFoundError(`no dossier ${input.dossierId}`);
    const calendar = (await deps.rules.current()).calendar(record.state.rule?.calendarId ?? defaultCalendar().id);
    return { save: approveApology(record, input, calendar, now), after: (saved) => saved };
  });
}

export { ApprovalRefusedError, InvalidLinkError };

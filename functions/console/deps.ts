import type { Platform } from '../../shared/adapters/platform.ts';
import type { AuditAnchorStore } from '../../shared/ports/audit-trail.ts';
import type { IdentityMirror } from '../../shared/ports/identity-mirror.ts';
import type { OpenDossierIndex } from '../../shared/ports/open-dossier-index.ts';
import type { QueueIndex } from '../../shared/ports/queue-index.ts';
import type { ReportIndex } from '../../shared/ports/report-index.ts';
import type { AdminDeps } from '../../shared/use-cases/administer-config.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approve-through-link.ts';
import type { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { adminDeps } from '../admin-api/deps.ts';

/**
 * What the console's pages use (issue #34): the dossiers and the rule book, the approval's announcement
 * on the bus, the report index (reports, the drafts awaiting approval) and the administrators' use
 * cases (the table of configuration kinds). Its own function: the pages' sign-in keeps its narrower one.
 */
export interface ConsoleDeps extends Omit<ApprovalDeps, 'linkSecret'> {
  rules: RuleBook;
  reports: ReportIndex & OpenDossierIndex & QueueIndex;
  admin: AdminDeps;
  /** Where the audit's days are anchored and verifications marked (ADR 0021): the administrators' status. */
  anchors: AuditAnchorStore;
  /** On AWS, the Cognito pools people sign in to: a change of the user directory is mirrored there. */
  identities?: IdentityMirror | undefined;
  /** Origins the pages' forms may post to besides their own (the issuer's sign-out). */
  formTargets?: readonly string[] | undefined;
}

/** The console's composition root. */
export function consoleDeps(platform: Platform, anchors: AuditAnchorStore): Omit<ConsoleDeps, 'formTargets'> {
  const admin = adminDeps(platform);
  return {
    store: platform.table.dossiers,
    rules: admin.rules as RuleBook,
    clock: platform.clock,
    publisher: platform.publisher,
    reports: platform.table.reports,
    admin,
    anchors,
  };
}

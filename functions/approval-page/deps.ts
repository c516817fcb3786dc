import type { Platform } from '../../shared/adapters/platform.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approve-through-link.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

/** The approval page's composition root (public, signed links; announces an approval on the bus). */
export function approvalDeps(platform: Platform, linkSecret: string): ApprovalDeps {
  return {
    store: platform.table.dossiers,
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    clock: platform.clock,
    linkSecret,
    publisher: platform.publisher,
  };
}

/** Approving from the desk (`dunghan approve`): the same dependencies, no link to verify. */
export function deskApprovalDeps(platform: Platform): Omit<ApprovalDeps, 'linkSecret'> {
  const { linkSecret: _none, ...deps } = approvalDeps(platform, '');
  return deps;
}

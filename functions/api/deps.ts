import type { Platform } from '../../shared/adapters/platform.ts';
import type { AdminDeps } from '../../shared/use-cases/administer-config.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approve-through-link.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

/** The approval page's composition root (public, signed links). */
export function approvalDeps(platform: Platform, linkSecret: string): ApprovalDeps {
  return {
    store: platform.table.dossiers,
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    clock: platform.clock,
    linkSecret,
  };
}

/** The administrators' composition root (IAM-signed API routes, and the `dunghan` command). */
export function adminDeps(platform: Platform): AdminDeps {
  const { table } = platform;
  return {
    config: table.config,
    dossiers: table.dossiers,
    openDossiers: table.reports,
    reports: table.reports,
    quarantine: table.quarantine,
    clock: platform.clock,
    publisher: platform.publisher,
  };
}

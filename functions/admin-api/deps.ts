import type { Platform } from '../../shared/adapters/platform.ts';
import type { AdminDeps } from '../../shared/use-cases/administer-config.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

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
    rules: new RuleBook(table.config, platform.clock, platform.ruleCacheMs),
  };
}

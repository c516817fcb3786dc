import type { Platform } from '../../shared/adapters/platform.ts';
import type { LookUpDeps } from '../../shared/use-cases/look-up-dossier.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

/** The citizens' page's composition root: it reads dossiers and configuration, and counts attempts. */
export function citizenPageDeps(platform: Platform): LookUpDeps {
  return {
    store: platform.table.dossiers,
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    attempts: platform.table.attempts,
    clock: platform.clock,
  };
}

import { CachedDossierStore } from '../../shared/adapters/cached-dossier-store.ts';
import type { Platform } from '../../shared/adapters/platform.ts';
import type { IngestDeps } from '../../shared/use-cases/ingest-dossier-event.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';

/** The ingest function's composition root: the Lambda handler, the local runtime and the CLI build it here. */
export function ingestDeps(platform: Platform): IngestDeps {
  return {
    store: new CachedDossierStore(platform.table.dossiers, 2_000, { clock: platform.clock }),
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    publisher: platform.publisher,
    clock: platform.clock,
  };
}

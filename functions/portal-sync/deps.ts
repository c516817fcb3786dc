import { EventBridgeInboundSink } from '../../shared/adapters/eventbridge-publisher.ts';
import type { Platform } from '../../shared/adapters/platform.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { storedReceipts } from '../../shared/use-cases/stored-receipts.ts';
import type { SyncDeps } from '../../shared/use-cases/sync-from-portal.ts';

/** The sync feed's composition root: the directory of units (with the rules), the bus, the dead letters, the owners. */
export function syncDeps(platform: Platform): SyncDeps {
  return {
    rules: new RuleBook(platform.table.config, platform.clock, platform.ruleCacheMs),
    sink: new EventBridgeInboundSink(platform.clients.eventBridge, platform.busName),
    deadLetters: platform.table.deadLetters,
    clock: platform.clock,
    owners: platform.table.owners,
    receipts: storedReceipts(platform.table.dossiers),
  };
}

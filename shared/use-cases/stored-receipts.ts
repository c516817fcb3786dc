import type { DossierReceived } from '../contracts/dossier-events.ts';
import type { DossierBulkStore } from '../ports/dossier-store.ts';

/** The stored receipts of some dossiers (one batch read per hundred), to compare an incoming receipt with. */
export function storedReceipts(store: Pick<DossierBulkStore, 'loadMany'>) {
  return async (dossierIds: readonly string[]): Promise<Map<string, DossierReceived | undefined>> => {
    const { records } = await store.loadMany(dossierIds);
    return new Map(dossierIds.map((id) => [id, records.get(id)?.state.received]));
  };
}

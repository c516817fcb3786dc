import type { DossierReceived } from '../../contracts/dossier-events.ts';

/**
 * Whether a receipt arriving for a dossier already received says something else about it (issue #32):
 * another receipt instant, or another procedure. A dossier code is unique only within its system, so an
 * export from another source reusing codes would otherwise be merged into unrelated dossiers; and a
 * receipt re-sent with a corrected date would otherwise be taken as a duplicate and change nothing.
 * Returns what differs, naming both receipts' events, or undefined when they agree (or none is stored).
 */
export function receiptConflict(stored: DossierReceived | undefined, incoming: DossierReceived): string | undefined {
  if (!stored) return undefined;
  const differences: string[] = [];
  if (Date.parse(stored.receivedAt) !== Date.parse(incoming.receivedAt))
    differences.push(`received at ${stored.receivedAt} there, ${incoming.receivedAt} here`);
  if (stored.procedure.code && incoming.procedure.code && stored.procedure.code !== incoming.procedure.code)
    differences.push(`procedure ${stored.procedure.code} there, ${incoming.procedure.code} here`);
  if (differences.length === 0) return undefined;
  return `dossier ${incoming.dossierId} is already received (event ${stored.eventId}) with another receipt: ${differences.join('; ')}. Not merged: a receipt is not corrected by sending it again, and a code from another source is another dossier`;
}

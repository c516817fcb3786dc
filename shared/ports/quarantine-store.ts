/** A dossier the detector failed on, and whether it has been parked. */
export interface QuarantineEntry {
  dossierId: string;
  /** Runs in a row that failed on it. */
  failures: number;
  firstAt: string;
  lastAt: string;
  reason: string;
  /** Set once `failures` reached the limit: the detector leaves it alone until an operator retries it. */
  parkedAt?: string | undefined;
  /** When the administrators were told it was parked. */
  notifiedAt?: string | undefined;
}

/**
 * Dossiers the detector keeps failing on (ADR 0012). A failure is counted; after `parkAfter` runs in a
 * row it is parked, so that one dossier never holds the watermark and every other dossier's alerts;
 * a success clears the count; an operator's retry releases a parked dossier.
 */
export interface QuarantineStore {
  listQuarantine(): Promise<QuarantineEntry[]>;
  recordFailure(dossierId: string, reason: string, at: string, parkAfter: number): Promise<QuarantineEntry>;
  clearFailure(dossierId: string): Promise<void>;
  markNotified(dossierIds: readonly string[], at: string): Promise<void>;
}

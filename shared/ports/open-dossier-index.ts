/** A dossier not closed yet, as summarised by the not-closed index (no personal data). */
export interface NotClosedDossier {
  dossierId: string;
  status: string;
  calendarId: string;
  procedureCode?: string | undefined;
  field: string;
  /** Local receipt date (YYYY-MM-DD). */
  receiptDate: string;
  /** Local date the current clock cycle started (the receipt, or the complete supplement). */
  clockDay: string;
  /** Local date of the current legal due date; absent while the clock waits for a supplement. */
  dueDay?: string | undefined;
  /** When its apology was drafted, while it awaits approval. */
  apologyDraftedAt?: string | undefined;
  /** The unit that received it and the units of its inter-agency steps. */
  unitIds?: readonly string[] | undefined;
}

/** Lists the dossiers a rule or calendar change may touch, without a Scan. */
export interface OpenDossierIndex {
  /**
   * The not-closed dossiers that `keep` accepts, read page by page so only those are held in memory
   * (a province has hundreds of thousands open; a change touches a few).
   */
  findNotClosed(keep: (dossier: NotClosedDossier) => boolean): Promise<NotClosedDossier[]>;
}

/** Which sending system first sent each dossier (issue #30): the sync feed's ownership, claimed once. */
export interface DossierOwners {
  /**
   * Claims each dossier for the system unless another claimed it first (a conditional write each):
   * returns every dossier's owner after the claim, with the procedure the first claim named.
   */
  claim(
    claims: readonly { dossierId: string; system: string; procedureCode?: string | undefined }[],
    at: string,
  ): Promise<Map<string, { owner: string; procedureCode?: string | undefined }>>;
}

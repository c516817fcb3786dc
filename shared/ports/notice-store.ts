/** One-off notices (a provisional calendar year to confirm): sent once, never lost. */
export interface NoticeStore {
  /**
   * Claims a notice for sending until `until` (ISO); false when it was sent already or another run holds
   * an unexpired claim.
   */
  claimNotice(id: string, at: string, until: string): Promise<boolean>;
  markNoticeSent(id: string, at: string): Promise<void>;
}

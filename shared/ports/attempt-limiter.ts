/**
 * Counts attempts per key in fixed windows (the citizens' status page, issue #18): per dossier code and
 * per client, so guessing the four digits of a dossier, or trying many dossiers, runs out quickly.
 */
export interface AttemptLimiter {
  /** Counts one attempt under `key` in the window holding `now`; false when `limit` were already counted there. */
  attempt(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

/**
 * Counts attempts per key in sliding windows (the citizens' status page, issues #18 and #32): per dossier
 * code and per client, so guessing the four digits of a dossier, or trying many dossiers, runs out quickly.
 */
export interface AttemptLimiter {
  /** Counts one attempt under `key` at `now`; false when `limit` were already counted within `windowMs`. */
  attempt(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

/**
 * One-time codes sent to a citizen's phone (issue #32): one live code per key, kept as a digest, tried a
 * few times at most and used once.
 */
export interface OneTimeCodes {
  /** Replaces the key's code with this digest, alive until `expiresAt`. */
  putCode(key: string, digest: string, expiresAt: number): Promise<void>;
  /** Counts one try; true only when the digest is the live code's, unused, within `maxTries` — then used. */
  checkCode(key: string, digest: string, now: number, maxTries: number): Promise<boolean>;
}

/**
 * How a load → decide → conditional-save loop retries when another writer won: exponential backoff
 * with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), so writers contending for
 * one hot dossier spread out instead of colliding again in lock-step. Sixty events arriving at once on
 * one dossier are all applied within these attempts (test/reliability/wedge-inputs.test.ts).
 */
export interface RetryPolicy {
  /** Attempts before giving up (the event is then retried by its source). */
  attempts: number;
  /** Backoff cap of the first retry, ms. */
  baseMs: number;
  /** Largest backoff cap, ms. */
  capMs: number;
}

export const CONTENTION_RETRY: RetryPolicy = { attempts: 30, baseMs: 10, capMs: 1_000 };

/** The wait before attempt `attempt + 1` (attempt ≥ 1): uniform in [0, min(cap, base · 2^(attempt−1))). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 20)));
}

/** How the detector retries reading an index bucket (a Query and its records) before the bucket waits a run. */
export const READ_RETRY: RetryPolicy = { attempts: 5, baseMs: 20, capMs: 500 };

/** Runs an idempotent operation (a read), retrying a failure with {@link backoffMs} up to `policy.attempts`. */
export async function withRetry<T>(policy: RetryPolicy, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(policy, attempt)));
    }
  }
}

import { VIETNAM_OFFSET_MS } from '../../support/vietnam-time.ts';

/* No message to a citizen's phone at night (issue #18): the one home of the quiet hours. */

const HOUR = 3_600_000;
/** No message to a citizen from 21:00 to 07:00 Vietnam time (the province may narrow it, not widen it). */
export const QUIET_HOURS = { from: 21, to: 7 } as const;

/** `at`, or the next 07:00 Vietnam time when `at` falls in the quiet hours. */
export function outsideQuietHours(at: number): number {
  const local = at + VIETNAM_OFFSET_MS;
  const dayStart = Math.floor(local / (24 * HOUR)) * 24 * HOUR;
  const hour = (local - dayStart) / HOUR;
  if (hour >= QUIET_HOURS.from) return dayStart + 24 * HOUR + QUIET_HOURS.to * HOUR - VIETNAM_OFFSET_MS;
  if (hour < QUIET_HOURS.to) return dayStart + QUIET_HOURS.to * HOUR - VIETNAM_OFFSET_MS;
  return at;
}

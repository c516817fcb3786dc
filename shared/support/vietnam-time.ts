/**
 * Vietnam's offset from UTC: Asia/Ho_Chi_Minh is +07:00 all year (no daylight saving since 1975). The one
 * home of the literal; the working calendar (shared/domain/calendar) does everything else with local time.
 */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The Vietnamese calendar day (YYYY-MM-DD) of an instant. */
export function vietnamDay(epochMs: number): string {
  return new Date(epochMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Vietnamese calendar day (YYYY-MM-DD) starts. */
export function vietnamDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - VIETNAM_OFFSET_MS;
}

/** "14:30 18/03/2024": an instant as officials read it on a page, Vietnam time. */
export function vietnamMinute(epochMs: number): string {
  const local = new Date(epochMs + VIETNAM_OFFSET_MS).toISOString();
  return `${local.slice(11, 16)} ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
}

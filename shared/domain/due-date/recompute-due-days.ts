import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/**
 * Due days of many working-day limits at once, from their effective receipt days: the N-th working day
 * after each receipt day (N = 0: the day itself). Used to recompute open dossiers after a calendar
 * change: two array lookups per dossier on the calendar's index, no date parsing, no day walking.
 * Fractional or hour-based limits go through {@link computeDueDate} instead.
 */
export function recomputeWorkingDayDueDays(
  calendar: WorkingCalendar,
  receiptDays: Int32Array,
  workingDays: Int32Array,
  out: Int32Array = new Int32Array(receiptDays.length),
): Int32Array {
  if (workingDays.length !== receiptDays.length || out.length < receiptDays.length) {
    throw new RangeError('receiptDays, workingDays and out must have the same length');
  }
  for (let i = 0; i < receiptDays.length; i += 1) {
    const receipt = receiptDays[i] ?? 0;
    const n = workingDays[i] ?? 0;
    out[i] = n === 0 ? receipt : calendar.workingDayAt(calendar.rankOf(receipt + 1) + n - 1);
  }
  return out;
}

import { InvalidInputError } from '../../support/errors.ts';
/** Units a processing time limit is written in. */
export type DurationUnit = 'working_days' | 'working_hours' | 'calendar_days';

/** A processing time limit: amount and unit ("5 ngày làm việc", "8 giờ làm việc", "15 ngày"). */
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

const SUFFIX: Record<string, DurationUnit> = { wd: 'working_days', wh: 'working_hours', d: 'calendar_days' };
const SHORT: Record<DurationUnit, string> = { working_days: 'wd', working_hours: 'wh', calendar_days: 'd' };

/** Thrown when a duration text or value is not valid; the message says what is wrong. */
export class InvalidDurationError extends InvalidInputError {
  override name = 'InvalidDurationError';
}

/**
 * Parses `<N>wd` (working days), `<N>wh` (working hours) or `<N>d` (calendar days). Working days and
 * hours may be fractional (0.5wd: a half day of office time); calendar days are whole.
 */
export function parseDuration(text: string): Duration {
  const match = /^(\d+(?:\.\d+)?)(wd|wh|d)$/.exec(text.trim());
  if (!match) {
    if (/^-/.test(text.trim())) throw new InvalidDurationError(`must not be negative: ${JSON.stringify(text)}`);
    throw new InvalidDurationError(
      `must be <N>wd (working days), <N>wh (working hours) or <N>d (calendar days), got ${JSON.stringify(text)}`,
    );
  }
  const unit = SUFFIX[match[2] ?? ''] as DurationUnit;
  return validateDuration({ amount: Number(match[1]), unit });
}

/** Checks a duration value; returns it unchanged or throws {@link InvalidDurationError}. */
export function validateDuration(duration: Duration): Duration {
  const { amount, unit } = duration;
  if (!Number.isFinite(amount)) throw new InvalidDurationError('amount must be a finite number');
  if (amount < 0) throw new InvalidDurationError(`amount must not be negative, got ${amount}`);
  if (amount > 3650) throw new InvalidDurationError(`amount must be at most 3650, got ${amount}`);
  if (unit === 'calendar_days' && !Number.isInteger(amount)) {
    throw new InvalidDurationError(`calendar days must be a whole number, got ${amount}`);
  }
  if (!(unit in SHORT)) throw new InvalidDurationError(`unknown unit ${JSON.stringify(unit)}`);
  return duration;
}

/** The short text of a duration (`5wd`). */
export function formatDuration(duration: Duration): string {
  return `${duration.amount}${SHORT[duration.unit]}`;
}

/** The duration in Vietnamese ("5 ngày làm việc"). */
export function describeDurationVi(duration: Duration): string {
  const amount = String(duration.amount).replace('.', ',');
  switch (duration.unit) {
    case 'working_days':
      return duration.amount === 0 ? 'trong ngày' : `${amount} ngày làm việc`;
    case 'working_hours':
      return `${amount} giờ làm việc`;
    case 'calendar_days':
      return `${amount} ngày`;
  }
}

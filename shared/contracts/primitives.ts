import { vietnamDay } from '../support/vietnam-time.ts';
import * as z from './z.ts';

const NO_EXCEPTIONS: ReadonlySet<number> = new Set();
const LINE_BREAKS: ReadonlySet<number> = new Set([0x0a, 0x0d]);

/** True when the text has a control character (C0 or DEL), except the ones allowed. */
function hasControl(s: string, allowed: ReadonlySet<number> = NO_EXCEPTIONS): boolean {
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 || c === 0x7f) && !allowed.has(c)) return true;
  }
  return false;
}
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A single line of text: trimmed, bounded, no control characters (CR/LF would break headers and letters). */
export const line = (max = 500) =>
  z.string().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((s) => !hasControl(s), { message: 'must not contain control characters (CR, LF, tab…)' }),
  );

/** Free text (a note or a reason): may span lines, bounded, no other control characters. */
export const text = (max = 2000) =>
  z.string().check(
    z.trim(),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((s) => !hasControl(s, LINE_BREAKS), {
      message: 'must not contain control characters other than line breaks',
    }),
  );

/**
 * The years an instant may fall in. Every due date computable from them (the longest limit the contract
 * accepts, plus any suspension between two such instants) stays inside the working calendar (1990–2200).
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

/** An instant written as ISO-8601 with its offset (`2022-04-08T15:10:00+07:00`); a bare local time is ambiguous. */
export const instant = z.string().check(
  z.refine((s) => ISO_WITH_OFFSET.test(s), {
    message: 'must be ISO-8601 with an offset, e.g. 2022-04-08T15:10:00+07:00',
    abort: true,
  }),
  z.refine((s) => !Number.isNaN(Date.parse(s)) && validCalendarDate(s), {
    message: 'must be a real date and time',
    abort: true,
  }),
  z.refine((s) => inYears(s), {
    message: `must be in the years ${FIRST_YEAR}–${LAST_YEAR} (a mistyped year would put the dossier beyond any calendar)`,
  }),
);

function inYears(s: string): boolean {
  const year = Number(vietnamDay(Date.parse(s)).slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

function validCalendarDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 0));
  return date.getUTCFullYear() === y && date.getUTCMonth() + 1 === m && date.getUTCDate() === d;
}

/**
 * The longest limits the contract accepts: a year of working days (no procedure comes near; the longest
 * in the national database are 90 working days) in each unit. The domain computes anything within them.
 */
export const MAX_DURATION = { wd: 365, wh: 365 * 8, d: 730 } as const;

/** A duration as the one-stop systems send it: `<N>wd`, `<N>wh` or `<N>d`, within {@link MAX_DURATION}. */
export const durationText = z.string().check(
  z.regex(/^\d+(\.\d+)?(wd|wh|d)$/, 'must be <N>wd (working days), <N>wh (working hours) or <N>d (calendar days)'),
  z.refine((s) => !/^\d+\.\d+d$/.test(s), {
    message: 'calendar days must be a whole number (use wd or wh for part of a day)',
    abort: true,
  }),
  z.refine(
    (s) => {
      const match = /^(\d+(?:\.\d+)?)(wd|wh|d)$/.exec(s);
      return !match || Number(match[1]) <= MAX_DURATION[match[2] as keyof typeof MAX_DURATION];
    },
    { message: `must be at most ${MAX_DURATION.wd}wd, ${MAX_DURATION.wh}wh or ${MAX_DURATION.d}d` },
  ),
);

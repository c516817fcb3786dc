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

/** An instant written as ISO-8601 with its offset (`2022-04-08T15:10:00+07:00`); a bare local time is ambiguous. */
export const instant = z.string().check(
  z.refine((s) => ISO_WITH_OFFSET.test(s), {
    message: 'must be ISO-8601 with an offset, e.g. 2022-04-08T15:10:00+07:00',
    abort: true,
  }),
  z.refine((s) => !Number.isNaN(Date.parse(s)) && validCalendarDate(s), { message: 'must be a real date and time' }),
);

function validCalendarDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 0));
  return date.getUTCFullYear() === y && date.getUTCMonth() + 1 === m && date.getUTCDate() === d;
}

/** A duration as the one-stop systems send it: `<N>wd`, `<N>wh` or `<N>d`. */
export const durationText = z
  .string()
  .check(
    z.regex(/^\d+(\.\d+)?(wd|wh|d)$/, 'must be <N>wd (working days), <N>wh (working hours) or <N>d (calendar days)'),
  );

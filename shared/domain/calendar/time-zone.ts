/**
 * An IANA time zone through the platform's `Intl` — what luxon's `IANAZone` wraps, without luxon's 70 KB
 * in every function bundle (ADR 0007): whether a name is a zone, and a zone's offset at an instant.
 * `test/unit/working-calendar.test.ts` checks it against luxon across zones, centuries and DST changes.
 */
export class TimeZone {
  private readonly format: Intl.DateTimeFormat;

  /** True when the platform knows the zone (`Asia/Ho_Chi_Minh`, `UTC`); false for anything else. */
  static isValid(name: string): boolean {
    if (name.length === 0) return false;
    try {
      formatFor(name);
      return true;
    } catch {
      return false;
    }
  }

  constructor(readonly name: string) {
    // Creating a formatter costs ≈ 150 µs; calendars are built often, zones are few.
    this.format = formatFor(name);
  }

  /** Offset from UTC in minutes at an instant (the zone's wall clock minus UTC; fractional for old local mean times). */
  offset(epochMs: number): number {
    const part: Record<string, string> = {};
    for (const { type, value } of this.format.formatToParts(epochMs)) part[type] = value;
    // Years before the common era count back from 1 BC = year 0 (astronomical numbering, as Date uses).
    const year = part.era?.startsWith('B') ? 1 - Number(part.year) : Number(part.year);
    const wall = new Date(0);
    wall.setUTCFullYear(year, Number(part.month) - 1, Number(part.day));
    wall.setUTCHours(Number(part.hour) % 24, Number(part.minute), Number(part.second), 0);
    const whole = epochMs - (((epochMs % 1000) + 1000) % 1000);
    return (wall.getTime() - whole) / 60_000;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The formatter that reads a zone's wall clock, one per zone name; throws a RangeError for an unknown zone. */
function formatFor(name: string): Intl.DateTimeFormat {
  let format = formats.get(name);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formats.size >= 100) formats.clear();
    formats.set(name, format);
  }
  return format;
}

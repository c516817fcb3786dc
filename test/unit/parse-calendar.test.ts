import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCalendarFile } from '../../shared/adapters/calendar-file.ts';
import { parseIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { InvalidCalendarError, parseCalendarText } from '../../shared/domain/calendar/parse-calendar.ts';
import { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { computeDueDate } from '../../shared/domain/due-date/compute-due-date.ts';

const fixture = (name: string) => new URL(`../fixtures/calendars/${name}`, import.meta.url).pathname;

describe('calendar files', () => {
  it('loads a YAML calendar with its own office hours, days off and make-up days', async () => {
    const definition = await loadCalendarFile(fixture('valid-province.yaml'));
    const calendar = new WorkingCalendar(definition);
    expect(calendar.id).toBe('gia-lai-demo');
    expect(calendar.openingMinute).toBe(7 * 60);
    expect(calendar.isWorkingDay(parseIsoDate('2024-03-19'))).toBe(false);
    expect(calendar.isWorkingDay(parseIsoDate('2024-03-23'))).toBe(true);
    // Mon 18/3 10:00 + 1wd: Tue 19/3 is the province's day off → Wed 20/3.
    const due = computeDueDate(calendar, {
      receivedAt: Date.parse('2024-03-18T10:00:00+07:00'),
      rule: { duration: { amount: 1, unit: 'working_days' } },
    });
    expect(calendar.formatInstant(due.dueAt)).toBe('2024-03-20T17:00:00+07:00');
  });

  it('reads a JSON calendar saved with a byte order mark (Notepad, PowerShell)', () => {
    const json = JSON.stringify({ id: 'plain', name: 'Chỉ nghỉ cuối tuần', timeZone: 'Asia/Ho_Chi_Minh' });
    expect(parseCalendarText(`\uFEFF${json}`, 'plain.json').id).toBe('plain');
    expect(parseCalendarText(`\uFEFF${json}`, 'plain.yaml').id).toBe('plain');
  });

  it('loads the same calendar written as JSON', () => {
    const definition = parseCalendarText(
      JSON.stringify({
        id: 'plain',
        name: 'Chỉ nghỉ cuối tuần',
        timeZone: 'Asia/Ho_Chi_Minh',
        provisionalRule: 'none',
      }),
      'plain.json',
    );
    expect(definition.officeHours).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ]);
    expect(definition.workingWeekdays).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects an invalid file with every problem listed by file, path and reason', async () => {
    const error = await loadCalendarFile(fixture('invalid-many-problems.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCalendarError);
    const problems = (error as InvalidCalendarError).problems;
    const where = problems.map((p) => p.path);
    expect(where).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'timeZone',
        'workingWeekdays.5',
        'officeHours.1.start',
        'years.2024.daysOff.0.date',
      ]),
    );
    expect(problems.every((p) => p.file.endsWith('invalid-many-problems.yaml'))).toBe(true);
    expect(problems.find((p) => p.path === 'timeZone')?.reason).toMatch(/IANA time zone/);
    expect(problems.find((p) => p.path === 'years.2024.daysOff.0.date')?.reason).toMatch(/calendar date/);
  });

  it('reports semantic problems once the shape is right: weekend days off, weekday make-ups, wrong year, period order', () => {
    const text = readFileSync(fixture('invalid-many-problems.yaml'), 'utf8')
      .replace('id: Bad Id', 'id: bad-id')
      .replace('name: ""', 'name: Sai')
      .replace('Asia/Saigon_Nowhere', 'Asia/Ho_Chi_Minh')
      .replace('[1, 2, 3, 4, 5, 9]', '[1, 2, 3, 4, 5]')
      .replace('"25:00"', '"12:00"')
      .replace('2024-02-30', '2024-02-29');
    const error = (() => {
      try {
        parseCalendarText(text, 'fixed.yaml');
      } catch (e) {
        return e as InvalidCalendarError;
      }
      throw new Error('expected a rejection');
    })();
    const messages = error.problems.map((p) => `${p.path}: ${p.reason}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'officeHours.0.end: must be after start',
        'officeHours.1.start: must not be before the end of the previous period (periods in order, not overlapping)',
        'years.2024.daysOff.1.date: 2024-02-10 is already a weekly day off; list the compensating weekday instead',
        'years.2024.daysOff.2.date: must be a date in 2024',
        'years.2024.makeUpDays.0.date: 2024-05-06 is already a working weekday; a make-up day must fall on a normally closed day',
      ]),
    );
  });

  it('reports a file that is not JSON, or missing, as one problem naming the file', async () => {
    const broken = (await loadCalendarFile(fixture('not-json.json')).catch((e: unknown) => e)) as InvalidCalendarError;
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]?.reason).toMatch(/not valid JSON/);
    const missing = (await loadCalendarFile(fixture('nope.yaml')).catch((e: unknown) => e)) as InvalidCalendarError;
    expect(missing.problems[0]?.reason).toMatch(/cannot read the file \(ENOENT\)/);
  });
});

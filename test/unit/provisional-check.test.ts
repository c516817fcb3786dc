import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { parseIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { provisionalYearsToConfirm } from '../../shared/domain/calendar/provisional-check.ts';
import { dunghan } from '../support/run-cli.ts';

const calendar = defaultCalendar();

describe('the provisional-year check', () => {
  it('asks nothing before 1 November of a verified year', () => {
    expect(provisionalYearsToConfirm(calendar, parseIsoDate('2026-10-31'))).toEqual([]);
  });

  it('from 1 November names next year and the derived days to confirm', () => {
    const [next] = provisionalYearsToConfirm(calendar, parseIsoDate('2026-11-01'));
    expect(next?.year).toBe(2027);
    expect(next?.reason).toBe('next_year_provisional');
    expect(next?.daysOff.map((d) => d.date)).toContain('2027-02-08');
    expect(next?.notes.join(' ')).toMatch(/Lịch dự kiến/);
  });

  it('names the current year too when it has no official data, and honours a configured date', () => {
    expect(provisionalYearsToConfirm(calendar, parseIsoDate('2027-03-01')).map((y) => y.year)).toEqual([2027]);
    expect(provisionalYearsToConfirm(calendar, parseIsoDate('2026-10-15'), '10-15').map((y) => y.year)).toEqual([2027]);
  });

  it('is a CLI command printing JSON', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dunghan-provisional-'));
    const { code, stdout } = await dunghan(
      'calendars',
      'check-provisional',
      '--on',
      '2026-11-25',
      '--data-dir',
      dataDir,
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ calendar: 'vn-civil-service', checkedOn: '2026-11-25' });
    expect(out.toConfirm.map((y: { year: number }) => y.year)).toEqual([2027]);
    const bad = await dunghan('calendars', 'check-provisional', '--on', '25/11/2026', '--data-dir', dataDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dunghan: --on: must be a date YYYY-MM-DD/);
  });
});

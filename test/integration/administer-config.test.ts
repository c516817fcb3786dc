import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import type { CalendarDefinitionInput } from '../../shared/domain/calendar/calendar-definition.ts';
import {
  type AdminDeps,
  diffCalendarFile,
  InvalidConfigChangeError,
  listAudit,
  previewCalendar,
  previewRules,
  putCalendar,
  putRules,
  validateRules,
} from '../../shared/use-cases/administer-config.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';

// "Now" for the whole file: Friday 20 November 2026, mid-morning in Vietnam.
let now = Date.parse('2026-11-20T10:00:00+07:00');
const clock = { now: () => now };
let runtime: LocalRuntime;
let deps: AdminDeps;

const LAND = { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' };
const CIVIL = { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', field: 'Hộ tịch' };
const baseCalendar = JSON.parse(
  readFileSync(new URL('../../config/calendars/vn-civil-service.json', import.meta.url), 'utf8'),
) as CalendarDefinitionInput & { years: Record<string, { daysOff: unknown[] }> };

/** The built-in calendar with 24/11/2026 (Ngày Văn hóa Việt Nam) declared a day off. */
function calendarWithCultureDay() {
  const copy = structuredClone(baseCalendar);
  copy.years['2026']?.daysOff.push({
    date: '2026-11-24',
    name: 'Ngày Văn hóa Việt Nam',
    kind: 'holiday',
    source: 'QĐ thử nghiệm',
  });
  return { name: 'vn-civil-service-2026-11.json', data: copy };
}

async function deliver(event: ReturnType<typeof receivedEvent>) {
  for (const d of await runtime.deliver(event)) if (!d.ok) throw d.error;
}

/** A land dossier (8 working days from 1/7/2025) received on the given day at 09:00. */
async function receiveLand(id: string, day: string, procedure = LAND) {
  await deliver(
    receivedEvent({
      dossierId: id,
      eventId: `${id}/received`,
      occurredAt: `${day}T09:00:00+07:00`,
      receivedAt: `${day}T09:00:00+07:00`,
      appointmentAt: undefined,
      procedure,
    }),
  );
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock, mail: true, ruleCacheMs: 0 });
  deps = { config: runtime.config, dossiers: runtime.store, openDossiers: runtime.platform.table.reports, clock };
  // A population of open dossiers received across November, one resolved, one civil-status dossier.
  const days = [
    '2026-11-02',
    '2026-11-05',
    '2026-11-10',
    '2026-11-13',
    '2026-11-16',
    '2026-11-17',
    '2026-11-18',
    '2026-11-19',
  ];
  for (const [i, day] of days.entries())
    await receiveLand(`H21.65-${day.slice(2).replaceAll('-', '')}-00${10 + i}`, day);
  await receiveLand('H21.65-261117-0099', '2026-11-17');
  await deliver(
    lifecycleEvent('DossierResolved', {
      dossierId: 'H21.65-261117-0099',
      eventId: 'H21.65-261117-0099/resolved',
      occurredAt: '2026-11-19T10:00:00+07:00',
      resolvedAt: '2026-11-19T10:00:00+07:00',
      outcome: 'approved',
    }),
  );
  await receiveLand('H21.65.01-261119-0001', '2026-11-19', CIVIL);
  // The detector has run: dossiers near their due date have reached DUE_SOON and got their letters.
  await runtime.detect();
});
afterAll(async () => {
  await runtime?.close();
});
beforeEach(() => {
  now = Date.parse('2026-11-20T10:00:00+07:00');
});

async function dossier(id: string) {
  const { record } = await runtime.store.load(id);
  if (!record) throw new Error(`no dossier ${id}`);
  return record;
}

describe('a calendar change: preview, apply, audit (dynalite, no mocks)', () => {
  it('previews exactly the open dossiers whose due date spans the new holiday, then applies the same list', async () => {
    // Monday evening: the detector has moved the 13/11 dossier (due Wednesday 25/11) to DUE_SOON.
    now = Date.parse('2026-11-23T17:30:00+07:00');
    await runtime.detect();
    const before = await dossier('H21.65-261116-0014');
    expect(before.state.dueAt).toBe('2026-11-26T17:00:00+07:00');
    const dueSoon = await dossier('H21.65-261113-0013');
    expect(dueSoon.state.dueAt).toBe('2026-11-25T17:00:00+07:00');
    expect(dueSoon.stage).toBe('DUE_SOON');

    const preview = await previewCalendar(deps, calendarWithCultureDay());
    const previewed = preview.moves.map((m) => m.dossierId).sort();
    expect(preview.diff.days).toEqual([
      { date: '2026-11-24', before: { working: true }, after: { working: false, name: 'Ngày Văn hóa Việt Nam' } },
    ]);
    // Due on or after 24/11 and received before it: these move; the 2/11, 5/11 and 10/11 ones were due before.
    expect(previewed).toEqual([
      'H21.65-261113-0013',
      'H21.65-261116-0014',
      'H21.65-261117-0015',
      'H21.65-261118-0016',
      'H21.65-261119-0017',
    ]);
    // The preview wrote nothing.
    expect((await dossier('H21.65-261116-0014')).state.dueAt).toBe('2026-11-26T17:00:00+07:00');
    expect((await dossier('H21.65-261116-0014')).version).toBe(before.version);

    const applied = await putCalendar(deps, calendarWithCultureDay(), {
      author: 'admin@sonv.gialai.gov.vn',
      legalBasis: 'QĐ 24/QĐ-UBND (thử nghiệm)',
    });
    expect(applied.moves.map((m) => m.dossierId).sort()).toEqual(previewed);
    expect(applied.version).toBe(2);

    const after = await dossier('H21.65-261116-0014');
    expect(after.state.dueAt).toBe('2026-11-27T17:00:00+07:00');
    expect(after.dueDateChanges).toHaveLength(1);
    expect(after.dueDateChanges?.[0]).toMatchObject({
      author: 'admin@sonv.gialai.gov.vn',
      before: { dueAt: '2026-11-26T17:00:00+07:00', originalDueAt: '2026-11-26T17:00:00+07:00' },
      after: { dueAt: '2026-11-27T17:00:00+07:00' },
    });
    expect(after.dueDateChanges?.[0]?.reason).toContain('QĐ 24/QĐ-UBND');
    // Stages already reached (letters sent) are not undone, though the due date moved away.
    const moved = await dossier('H21.65-261113-0013');
    expect(moved.state.dueAt).toBe('2026-11-26T17:00:00+07:00');
    expect(moved.stage).toBe('DUE_SOON');
    expect(applied.moves.find((m) => m.dossierId === 'H21.65-261113-0013')).toMatchObject({
      // Two working days before Thursday 26/11 is still Monday evening, the 24th being a holiday now.
      before: { dueAt: '2026-11-25T17:00:00+07:00', stageByTime: 'DUE_SOON' },
      after: { dueAt: '2026-11-26T17:00:00+07:00', stageByTime: 'DUE_SOON' },
    });
    // Closed dossiers and those due before the holiday are untouched.
    expect((await dossier('H21.65-261117-0099')).dueDateChanges).toBeUndefined();
    expect((await dossier('H21.65-261102-0010')).dueDateChanges).toBeUndefined();

    const audit = await listAudit(deps);
    expect(audit.at(-1)).toMatchObject({
      action: 'calendar.put',
      status: 'applied',
      author: 'admin@sonv.gialai.gov.vn',
      sources: ['vn-civil-service-2026-11.json'],
      legalBasis: ['QĐ 24/QĐ-UBND (thử nghiệm)'],
      dossiersMoved: 5,
    });
  });

  it('is idempotent: putting the same calendar again adds no version and moves nothing', async () => {
    const again = await putCalendar(deps, calendarWithCultureDay(), {
      author: 'admin@sonv.gialai.gov.vn',
      legalBasis: 'QĐ 24/QĐ-UBND (thử nghiệm)',
    });
    expect(again.version).toBe(2);
    expect(again.moves).toEqual([]);
    expect((await dossier('H21.65-261116-0014')).dueDateChanges).toHaveLength(1);
    expect((await runtime.config.listCalendarVersions('vn-civil-service')).map((v) => v.version)).toEqual([2]);
    // Against the calendar in force, the same file differs in nothing.
    expect((await diffCalendarFile(deps, calendarWithCultureDay())).days).toEqual([]);
  });

  it('hands a dossier made overdue by a change to the next detector run', async () => {
    // Take the holiday back, and let time pass to Thursday evening: the 16/11 dossier is due on 26/11 again.
    now = Date.parse('2026-11-26T17:30:00+07:00');
    const result = await putCalendar(
      deps,
      { name: 'vn-civil-service.json', data: baseCalendar },
      { author: 'admin@sonv.gialai.gov.vn', legalBasis: 'QĐ 25/QĐ-UBND (bãi bỏ)' },
    );
    const move = result.moves.find((m) => m.dossierId === 'H21.65-261116-0014');
    expect(move?.after).toMatchObject({ dueAt: '2026-11-26T17:00:00+07:00', stageByTime: 'OVERDUE' });
    const record = await dossier('H21.65-261116-0014');
    expect(record.stage).not.toBe('OVERDUE');
    expect(record.dueDateChanges?.map((c) => c.after.dueAt)).toEqual([
      '2026-11-27T17:00:00+07:00',
      '2026-11-26T17:00:00+07:00',
    ]);
    expect(record.dueDateChanges?.[0]?.before.originalDueAt).toBe('2026-11-26T17:00:00+07:00');
    await runtime.detect();
    expect((await dossier('H21.65-261116-0014')).stage).toBe('OVERDUE');
  });
});

describe('a rule change: a new version for dossiers received since it takes effect', () => {
  const newLandRule = () => ({
    name: 'dat-dai-2026-11.yaml',
    data: {
      rules: [
        {
          procedureCode: '1.013831',
          name: LAND.name,
          effectiveFrom: '2026-11-16',
          legalBasis: 'QĐ 99/QĐ-UBND (thử nghiệm)',
          duration: '6wd',
        },
      ],
    },
  });

  it('previews and applies the same dossiers; dossiers received before the effective date keep their rule', async () => {
    now = Date.parse('2026-11-20T10:00:00+07:00');
    const preview = await previewRules(deps, [newLandRule()]);
    expect(preview.moves.map((m) => m.dossierId).sort()).toEqual([
      'H21.65-261116-0014',
      'H21.65-261117-0015',
      'H21.65-261118-0016',
      'H21.65-261119-0017',
    ]);
    const applied = await putRules(deps, [newLandRule()], 'admin@sonv.gialai.gov.vn');
    expect(applied.added).toEqual(['PROC#1.013831@2026-11-16']);
    expect(applied.moves.map((m) => m.dossierId).sort()).toEqual(preview.moves.map((m) => m.dossierId).sort());
    const moved = await dossier('H21.65-261119-0017');
    expect(moved.state.rule?.ruleId).toBe('PROC#1.013831@2026-11-16');
    expect(moved.state.dueAt).toBe('2026-11-27T17:00:00+07:00');
    expect(moved.dueDateChanges?.at(-1)?.before.ruleId).toBe('PROC#1.013831@2025-07-01');
    expect((await dossier('H21.65-261113-0013')).state.rule?.ruleId).toBe('PROC#1.013831@2025-07-01');
    expect((await dossier('H21.65.01-261119-0001')).dueDateChanges).toBeUndefined();
    // Old versions stay.
    const versions = (await runtime.config.listRules()).filter((r) => r.scopeKey === 'PROC#1.013831');
    expect(versions.map((r) => r.effectiveFrom).sort()).toEqual(['2018-06-21', '2025-07-01', '2026-11-16']);
    // Again: nothing new, nothing moves.
    const again = await putRules(deps, [newLandRule()], 'admin@sonv.gialai.gov.vn');
    expect(again).toMatchObject({ written: 0, moves: [] });
  });
});

describe('bad input is refused with a precise message and nothing is applied', () => {
  async function snapshot() {
    return JSON.stringify({
      rules: (await runtime.config.listRules()).length,
      calendar: (await runtime.config.getCalendarVersion('vn-civil-service'))?.version,
      audit: (await listAudit(deps)).length,
      dossier: (await dossier('H21.65-261118-0016')).version,
    });
  }

  it.each([
    [
      'overlapping versions',
      { procedureCode: '1.013831', effectiveFrom: '2026-11-16', legalBasis: 'QĐ khác', duration: '5wd' },
      /overlapping versions: a different version of PROC#1\.013831 already takes effect on 2026-11-16/,
    ],
    [
      'a negative duration',
      { global: true, effectiveFrom: '2027-01-01', legalBasis: 'QĐ', duration: '-3wd' },
      /duration/,
    ],
    [
      'a step plan longer than the total',
      {
        field: 'Đất đai',
        effectiveFrom: '2027-01-01',
        legalBasis: 'QĐ',
        duration: '5wd',
        steps: [
          { unit: 'A', duration: '3wd' },
          { unit: 'B', duration: '3wd' },
        ],
      },
      /the steps add up to 6, longer than the limit 5wd/,
    ],
    [
      'an unknown calendar id',
      { global: true, effectiveFrom: '2027-01-01', legalBasis: 'QĐ', duration: '5wd', calendarId: 'lich-khong-co' },
      /unknown calendar id "lich-khong-co"/,
    ],
  ])('rules: %s', async (_name, rule, message) => {
    const before = await snapshot();
    const valid = { global: true, effectiveFrom: '2027-02-01', legalBasis: 'QĐ 1', duration: '7wd' };
    const error = await putRules(deps, [{ name: 'bad.yaml', data: { rules: [valid, rule] } }], 'admin').catch((e) => e);
    expect(error).toBeInstanceOf(InvalidConfigChangeError);
    expect(
      (error as InvalidConfigChangeError).problems.map((p) => `${p.file}: ${p.path}: ${p.reason}`).join('\n'),
    ).toMatch(message);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    [
      'a make-up day that is not a weekend',
      (c: typeof baseCalendar) => {
        (c.years['2026'] as unknown as { makeUpDays: unknown[] }).makeUpDays.push({
          date: '2026-12-01',
          name: 'Làm bù',
        });
      },
      /years\.2026\.makeUpDays\.\d+\.date: 2026-12-01 is already a working weekday/,
    ],
    [
      'a holiday on a weekend without a compensating day',
      (c: typeof baseCalendar) => {
        const year = c.years['2026'] as unknown as { daysOff: { date: string; kind: string }[] };
        year.daysOff = year.daysOff.filter((d) => d.date !== '2026-04-27');
      },
      /Giỗ Tổ Hùng Vương \(10\/3 âm lịch\) falls on 2026-04-26, a weekly day off, and no compensating day off/,
    ],
  ])('calendars: %s', async (_name, mutate, message) => {
    const before = await snapshot();
    const data = structuredClone(baseCalendar);
    mutate(data);
    const error = await putCalendar(
      deps,
      { name: 'bad-calendar.json', data },
      { author: 'admin', legalBasis: 'QĐ' },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidConfigChangeError);
    expect(String((error as Error).message)).toMatch(message);
    expect(String((error as Error).message)).toContain('bad-calendar.json');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a calendar put that raced another administrator’s, and audits it as failed', async () => {
    now = Date.parse('2026-11-27T08:00:00+07:00'); // after every other change of this file
    const before = await dossier('H21.65-261118-0016');
    const racing: AdminDeps = {
      ...deps,
      config: Object.assign(Object.create(runtime.config), {
        // Another administrator's version lands between our read and our write.
        putCalendarVersion: async (
          version: Parameters<typeof runtime.config.putCalendarVersion>[0],
          expected: number,
        ) => {
          const theirs = await runtime.config.getCalendarVersion(version.id);
          if (theirs)
            await runtime.config.putCalendarVersion(
              { ...theirs, version: theirs.version + 1, author: 'other' },
              theirs.version,
            );
          return runtime.config.putCalendarVersion(version, expected);
        },
      }),
    };
    const error = await putCalendar(racing, calendarWithCultureDay(), { author: 'admin', legalBasis: 'QĐ 26' }).catch(
      (e) => e,
    );
    expect((error as Error).name).toBe('ConfigConflictError');
    expect((await listAudit(deps)).at(-1)).toMatchObject({
      action: 'calendar.put',
      author: 'admin',
      status: 'failed',
      error: expect.stringMatching(/changed since version/),
    });
    expect((await dossier('H21.65-261118-0016')).version).toBe(before.version);
  });

  it('refuses a calendar put without its legal basis', async () => {
    const error = await putCalendar(deps, calendarWithCultureDay(), { author: 'admin', legalBasis: ' ' }).catch(
      (e) => e,
    );
    expect(String((error as Error).message)).toMatch(/legalBasis: must cite the decision/);
  });
});

describe('a rules put on an empty store', () => {
  it('needs a global default among the stored and incoming rules', async () => {
    const empty = await startLocalRuntime({ clock, seed: 'never' });
    try {
      const emptyDeps: AdminDeps = {
        config: empty.config,
        dossiers: empty.store,
        openDossiers: empty.platform.table.reports,
        clock,
      };
      const onlyProcedure = {
        name: 'r.yaml',
        data: { rules: [{ procedureCode: '1.1', effectiveFrom: '2026-01-01', legalBasis: 'QĐ', duration: '5wd' }] },
      };
      expect((await validateRules(emptyDeps, [onlyProcedure])).problems).toEqual([
        { file: '', path: 'GLOBAL', reason: 'the rule set needs a global default (global: true)' },
      ]);
      const withGlobal = {
        name: 'g.yaml',
        data: { rules: [{ global: true, effectiveFrom: '2018-06-21', legalBasis: 'NĐ 61/2018', duration: '10wd' }] },
      };
      expect((await validateRules(emptyDeps, [onlyProcedure, withGlobal])).valid).toBe(true);
      expect((await putRules(emptyDeps, [onlyProcedure, withGlobal], 'quantri')).written).toBe(2);
    } finally {
      await empty.close();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { type CalendarDefinition, calendarDefinitionSchema } from '../../shared/domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import { checkHolidayCompensation, diffCalendars } from '../../shared/domain/config-changes/calendar-checks.ts';
import { planRecompute } from '../../shared/domain/config-changes/recompute-dossier.ts';
import { checkRuleVersions, diffRules, ruleMayApply } from '../../shared/domain/config-changes/rule-versions.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { type DeadlineRule, readRulesData, resolveRule } from '../../shared/domain/rules/deadline-rule.ts';
import { snapshotOf } from '../../shared/use-cases/rule-book.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { shippedRuleBook } from '../support/in-memory.ts';

function withYear(year: string, data: unknown): CalendarDefinition {
  const copy = structuredClone(DEFAULT_CALENDAR_DEFINITION) as unknown as { years: Record<string, unknown> };
  copy.years[year] = data;
  return calendarDefinitionSchema.parse(copy);
}

function rules(...items: Record<string, unknown>[]): DeadlineRule[] {
  const { rules: read, problems } = readRulesData({ rules: items }, 'test.yaml');
  expect(problems).toEqual([]);
  return read;
}

describe('holidays on a weekend need a compensating day (Bộ luật Lao động 2019 Điều 111 k3)', () => {
  it('finds every official year of the shipped calendar 2021–2026 correct', () => {
    expect(checkHolidayCompensation(DEFAULT_CALENDAR_DEFINITION, 'vn-civil-service.json')).toEqual([]);
  });

  it('names the holiday, its date and the year when the compensating day is missing', () => {
    // 1/5/2027 is a Saturday.
    const without = withYear('2027', { provisional: false, daysOff: [{ date: '2027-01-01', name: 'Tết Dương lịch' }] });
    expect(checkHolidayCompensation(without, 'lich.yaml')).toEqual([
      {
        file: 'lich.yaml',
        path: 'years.2027.daysOff',
        reason: expect.stringMatching(/^Ngày Quốc tế Lao động \(1\/5\) falls on 2027-05-01, a weekly day off/),
      },
    ]);
    const withCompensation = withYear('2027', {
      provisional: false,
      daysOff: [{ date: '2027-05-03', name: 'Nghỉ bù 1/5', kind: 'compensatory' }],
    });
    expect(checkHolidayCompensation(withCompensation, 'lich.yaml')).toEqual([]);
  });

  it('leaves provisional years and calendars outside the labour code alone', () => {
    expect(checkHolidayCompensation(withYear('2027', { provisional: true }), 'x')).toEqual([]);
    const none = { ...withYear('2027', { provisional: false }), provisionalRule: 'none' as const };
    expect(checkHolidayCompensation(none, 'x')).toEqual([]);
  });
});

describe('calendar diffs', () => {
  it('lists the days that change status, including a provisional year confirmed differently', () => {
    const confirmed = withYear('2027', {
      provisional: false,
      daysOff: [{ date: '2027-05-03', name: 'Nghỉ bù 1/5', kind: 'compensatory' }],
    });
    const diff = diffCalendars(DEFAULT_CALENDAR_DEFINITION, confirmed, 2026, 2027);
    expect(diff.settingsChanged).toEqual([]);
    // The derived 2027 had 1/1, the Tết block, Giỗ Tổ, 30/4 and 2/9 (+1/9): now working days.
    expect(diff.days.map((d) => d.date)).toEqual(
      expect.arrayContaining(['2027-01-01', '2027-02-05', '2027-02-09', '2027-04-16', '2027-04-30', '2027-09-02']),
    );
    expect(diff.days.find((d) => d.date === '2027-05-03')).toBeUndefined(); // a day off in both
  });

  it('reports changed settings and a new calendar', () => {
    const longer = { ...DEFAULT_CALENDAR_DEFINITION, officeHours: [{ start: '07:00', end: '17:00' }] };
    expect(diffCalendars(DEFAULT_CALENDAR_DEFINITION, longer, 2026, 2026).settingsChanged).toEqual(['officeHours']);
    expect(diffCalendars(undefined, longer, 2026, 2026)).toEqual({ created: true, settingsChanged: [], days: [] });
  });
});

describe('rule versions', () => {
  const stored = rules({ procedureCode: '1.1', effectiveFrom: '2025-07-01', legalBasis: 'NĐ A', duration: '8wd' });

  it('tells added, repeated and contradicting versions apart (the file a rule came from does not count)', () => {
    const again = rules({ procedureCode: '1.1', effectiveFrom: '2025-07-01', legalBasis: 'NĐ A', duration: '8wd' }).map(
      (r) => ({ ...r, source: 'another.yaml' }),
    );
    const other = rules({ procedureCode: '1.1', effectiveFrom: '2025-07-01', legalBasis: 'NĐ B', duration: '6wd' });
    const later = rules({ procedureCode: '1.1', effectiveFrom: '2026-01-01', legalBasis: 'NĐ C', duration: '6wd' });
    const diff = diffRules(stored, [...again, ...other, ...later]);
    expect(diff.unchanged.map((r) => r.id)).toEqual(['PROC#1.1@2025-07-01']);
    expect(diff.conflicting.map((c) => c.incoming.legalBasis)).toEqual(['NĐ B']);
    expect(diff.added.map((r) => r.id)).toEqual(['PROC#1.1@2026-01-01']);
    const problems = checkRuleVersions(stored, [...other, ...later], new Set(['vn-civil-service']));
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(
        /^overlapping versions: a different version of PROC#1\.1 already takes effect on 2025-07-01 \(NĐ A\)/,
      ),
    ]);
  });

  it('applies a version only to dossiers of its scope received since it takes effect', () => {
    const [field] = rules({ field: 'Đất  đai', effectiveFrom: '2026-11-16', legalBasis: 'QĐ', duration: '6wd' });
    if (!field) throw new Error('no rule');
    expect(ruleMayApply(field, { field: 'đất đai', receiptDate: '2026-11-16' })).toBe(true);
    expect(ruleMayApply(field, { field: 'Đất đai', receiptDate: '2026-11-15' })).toBe(false);
    expect(ruleMayApply(field, { field: 'Hộ tịch', receiptDate: '2026-11-20' })).toBe(false);
  });
});

describe('recounting one dossier after a change', () => {
  let record: DossierRecord;
  let events: DossierEvent[];
  let current: ReturnType<typeof snapshotOf>;
  let shipped: DeadlineRule[];
  beforeAll(async () => {
    const book = await (await shippedRuleBook()).current();
    shipped = book.rules;
    current = snapshotOf(shipped, []);
    events = [
      parseDossierEvent(
        receivedEvent({
          dossierId: 'H21.65-261113-0001',
          eventId: 'r',
          occurredAt: '2026-11-13T09:00:00+07:00',
          receivedAt: '2026-11-13T09:00:00+07:00',
          appointmentAt: '2026-11-25T17:00:00+07:00',
          procedure: { code: '1.013831', name: 'Đăng ký biến động', field: 'Đất đai' },
        }),
      ),
    ];
    const fresh = nextRecord(
      undefined,
      foldDossier('H21.65-261113-0001', events, {
        calendar: current.calendar,
        resolveRule: (q) => resolveRule(shipped, q),
      }),
      current.calendar('vn-civil-service'),
    );
    // The detector moved it to DUE_SOON and drafted the apology on Monday evening.
    record = advanceStages(fresh, current.calendar('vn-civil-service'), Date.parse('2026-11-23T17:30:00+07:00')).record;
  });
  const why = {
    changeId: 'c1',
    author: 'quantri',
    reason: 'Ngày Văn hóa Việt Nam',
    now: Date.parse('2026-11-23T18:00:00+07:00'),
    reresolveRule: false,
  };

  it('changes nothing when the change does not touch it', () => {
    expect(planRecompute(record, events, { current, next: current }, why)).toBeUndefined();
  });

  it('moves the due date, keeps the stage, letters and the original date in its history', () => {
    const holiday = withYear('2026', {
      ...DEFAULT_CALENDAR_DEFINITION.years['2026'],
      daysOff: [
        ...(DEFAULT_CALENDAR_DEFINITION.years['2026']?.daysOff ?? []),
        { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'holiday' },
      ],
    });
    const planned = planRecompute(record, events, { current, next: snapshotOf(shipped, [holiday]) }, why);
    expect(planned?.move).toMatchObject({
      before: { dueAt: '2026-11-25T17:00:00+07:00', stageByTime: 'DUE_SOON' },
      after: { dueAt: '2026-11-26T17:00:00+07:00' },
    });
    expect(planned?.record.stage).toBe('DUE_SOON');
    expect(planned?.record.apology).toEqual(record.apology);
    expect(planned?.record.notifications).toEqual(record.notifications);
    expect(planned?.record.stagesReached).toEqual(record.stagesReached);
    expect(planned?.record.dueDateChanges).toEqual([
      {
        changeId: 'c1',
        at: '2026-11-23T11:00:00.000Z',
        author: 'quantri',
        reason: 'Ngày Văn hóa Việt Nam',
        before: {
          ruleId: 'PROC#1.013831@2025-07-01',
          originalDueAt: '2026-11-25T17:00:00+07:00',
          dueAt: '2026-11-25T17:00:00+07:00',
        },
        after: {
          ruleId: 'PROC#1.013831@2025-07-01',
          originalDueAt: '2026-11-26T17:00:00+07:00',
          dueAt: '2026-11-26T17:00:00+07:00',
        },
      },
    ]);
  });

  it('moves a due date earlier for a make-up Saturday, and later for a swap that moves a working day off', () => {
    const year = DEFAULT_CALENDAR_DEFINITION.years['2026'];
    const makeUp = withYear('2026', {
      ...year,
      makeUpDays: [...(year?.makeUpDays ?? []), { date: '2026-11-21', name: 'Làm bù (thử nghiệm)' }],
    });
    expect(diffCalendars(DEFAULT_CALENDAR_DEFINITION, makeUp, 2026, 2026).days).toEqual([
      { date: '2026-11-21', before: { working: false }, after: { working: true, name: 'Làm bù (thử nghiệm)' } },
    ]);
    const earlier = planRecompute(record, events, { current, next: snapshotOf(shipped, [makeUp]) }, why);
    expect(earlier?.move.after.dueAt).toBe('2026-11-24T17:00:00+07:00');
    const swap = withYear('2026', {
      ...year,
      daysOff: [...(year?.daysOff ?? []), { date: '2026-11-20', name: 'Nghỉ hoán đổi (thử nghiệm)', kind: 'swapped' }],
      makeUpDays: [...(year?.makeUpDays ?? []), { date: '2026-11-28', name: 'Làm bù cho 20/11 (thử nghiệm)' }],
    });
    const later = planRecompute(record, events, { current, next: snapshotOf(shipped, [swap]) }, why);
    expect(later?.move.after.dueAt).toBe('2026-11-26T17:00:00+07:00');
  });

  it('keeps the rule frozen at receipt unless a rule change asks to re-resolve it', () => {
    const newer = [
      ...shipped,
      ...rules({ procedureCode: '1.013831', effectiveFrom: '2026-11-01', legalBasis: 'QĐ', duration: '4wd' }),
    ];
    const next = snapshotOf(newer, []);
    expect(planRecompute(record, events, { current, next }, why)).toBeUndefined();
    const planned = planRecompute(record, events, { current, next }, { ...why, reresolveRule: true });
    expect(planned?.record.state.rule?.ruleId).toBe('PROC#1.013831@2026-11-01');
    expect(planned?.move.after).toMatchObject({ dueAt: '2026-11-19T17:00:00+07:00', stageByTime: 'OVERDUE' });
  });
});

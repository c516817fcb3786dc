import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../shared/domain/reports/build-report.ts';
import { parseTimelinessRules } from '../../shared/domain/reports/parse-timeliness-rules.ts';
import { renderHtml, renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';
import {
  QD766_TIMELINESS,
  TIMELINESS_RULE_IDS,
  type TimelinessRuleId,
  type TimelinessRules,
  timelinessPoints,
} from '../../shared/domain/reports/timeliness.ts';

/**
 * The QĐ 766 timeliness indicator (ADR 0020) on a hand-built March 2024: every expected figure below is
 * worked out by hand from the dates in the rows, for every rule on and for each rule switched off.
 */
const period = { from: '2024-03-01', to: '2024-03-31' };
const after = Date.parse('2024-04-15T08:00:00+07:00');
const at = (day: string, time = '10:00') => `2024-${day}T${time}:00+07:00`;
const DAY = 86_400_000;

function row(id: string, changes: Partial<ReportRow>): ReportRow {
  return {
    id,
    unitId: 'XA',
    unitName: 'UBND xã Ia Mlah',
    field: 'Hộ tịch',
    channel: 'in_person',
    receivedAt: at('03-04'),
    appointmentAt: at('03-18', '17:00'),
    status: 'resolved',
    dueAt: at('03-18', '17:00'),
    originalDueAt: at('03-18', '17:00'),
    violations: [],
    steps: [],
    secondOverrun: false,
    ...changes,
  };
}

const resolved = (day: string) => ({ resolvedAt: at(day), closedAt: at(day) });

const MARCH: ReportRow[] = [
  // r1: finished before its appointment.
  row('r1', resolved('03-15')),
  // r2: finished after it.
  row('r2', resolved('03-20')),
  // r3: the citizen took 5 days to supplement (06/03 → 11/03); finished 21/03, 3 days after the printed
  // appointment: on time only when the citizen's time is not counted (21/03 − 5 days = 16/03 ≤ 18/03).
  // The legal clock restarted at 11/03, so its legal due date is 25/03.
  row('r3', {
    ...resolved('03-21'),
    dueAt: at('03-25', '17:00'),
    supplement: { requests: 1, lastRequestedAt: at('03-06'), lastSuppliedAt: at('03-11'), waitedMs: 5 * DAY },
  }),
  // r4: asked to supplement twice, finished well before its appointment: late only by the repeat rule.
  row('r4', {
    ...resolved('03-15'),
    receivedAt: at('03-05'),
    appointmentAt: at('03-19', '17:00'),
    dueAt: at('03-19', '17:00'),
    supplement: { requests: 2, lastRequestedAt: at('03-12'), lastSuppliedAt: at('03-13'), waitedMs: 2 * DAY },
  }),
  // r5: waiting since 14/03 for the citizen, appointment 15/03: the request ends processing (on time);
  // counted as open instead, it ends on 01/04, after its appointment (late).
  row('r5', {
    status: 'awaiting_supplement',
    receivedAt: at('03-01'),
    appointmentAt: at('03-15', '17:00'),
    dueAt: null,
    originalDueAt: at('03-15', '17:00'),
    supplement: { requests: 1, lastRequestedAt: at('03-14'), waitedMs: 0 },
  }),
  // r6: no appointment on the receipt; finished 19/03 within its legal limit (20/03).
  row('r6', {
    ...resolved('03-19'),
    receivedAt: at('03-06'),
    appointmentAt: undefined,
    dueAt: at('03-20', '17:00'),
    originalDueAt: at('03-20', '17:00'),
  }),
  // r7: refused on 10/03, before its appointment.
  row('r7', { status: 'refused', closedAt: at('03-10') }),
  // r8: received in February, finished 08/03 after its appointment (05/03): carried over, late.
  row('r8', {
    ...resolved('03-08'),
    receivedAt: '2024-02-20T10:00:00+07:00',
    appointmentAt: at('03-05', '17:00'),
    dueAt: at('03-05', '17:00'),
    originalDueAt: at('03-05', '17:00'),
  }),
  // r9: still open at the end of March, appointment 08/04: in time.
  row('r9', {
    status: 'open',
    receivedAt: at('03-25'),
    appointmentAt: at('04-08', '17:00'),
    dueAt: at('04-08', '17:00'),
    originalDueAt: at('04-08', '17:00'),
  }),
  // r10: overran 18/03, re-appointed once (apology) to 22/03, finished 21/03: on time only thanks to it.
  row('r10', { ...resolved('03-21'), extendedDueAt: at('03-22', '17:00') }),
  // r11: closed in February: not in March at all.
  row('r11', { ...resolved('02-25'), receivedAt: at('02-10') }),
  // r12: received in April.
  row('r12', { status: 'open', receivedAt: '2024-04-02T10:00:00+07:00' }),
];

function indicator(rules: TimelinessRules, rows = MARCH, now = after) {
  return buildReport(rows, { period, by: 'unit', now, timeliness: rules }).timeliness;
}

function without(id: TimelinessRuleId): TimelinessRules {
  return { ...QD766_TIMELINESS, switches: { ...QD766_TIMELINESS.switches, [id]: false } };
}

describe('the QĐ 766 timeliness indicator, worked out by hand', () => {
  it('every rule on: 7 of 10 on time (r2, r4, r8 late), 14 of 20 points', () => {
    const t = indicator(QD766_TIMELINESS);
    expect(t.total.counted).toBe(10);
    expect(t.total.onTime).toBe(7);
    expect(timelinessPoints(QD766_TIMELINESS, t.total.onTime, t.total.counted)).toBeCloseTo(14, 10);
  });

  // Each rule off in turn: [rule, on time, counted, why].
  const cases: [TimelinessRuleId, number, number, string][] = [
    ['onTimeAgainstAppointment', 6, 10, 'r10 is late against its legal due date (18/03)'],
    ['noAppointmentUsesLegalLimit', 6, 10, 'r6 has no appointment: late'],
    ['supplementTimeNotCounted', 6, 10, 'r3 finished 21/03 after its appointment 18/03'],
    ['repeatedSupplementIsLate', 8, 10, 'r4 (asked twice) finished before its appointment'],
    ['awaitingSupplementEndsAtRequest', 6, 10, 'r5 counts as open to 01/04, past 15/03'],
    ['closedWithoutResultCounted', 6, 9, 'r7 (refused) is left out'],
    ['carriedOverCounted', 7, 9, 'r8 (received in February, late) is left out'],
    ['openCountedAtPeriodEnd', 6, 9, 'r9 (open, in time) is left out'],
  ];
  it('covers every rule', () => {
    expect(cases.map(([id]) => id).sort()).toEqual([...TIMELINESS_RULE_IDS].sort());
  });
  for (const [id, onTime, counted, why] of cases) {
    it(`${id} off: ${onTime} of ${counted} (${why})`, () => {
      const rules = without(id);
      const t = indicator(rules);
      expect([t.total.onTime, t.total.counted]).toEqual([onTime, counted]);
      expect(timelinessPoints(rules, t.total.onTime, t.total.counted)).toBeCloseTo((20 * onTime) / counted, 10);
    });
  }

  it('the maximum is configurable, and nothing counted gives no score (N/A), not zero', () => {
    const rules = { ...QD766_TIMELINESS, maxPoints: 10 };
    const t = indicator(rules);
    expect(timelinessPoints(rules, t.total.onTime, t.total.counted)).toBeCloseTo(7, 10);
    const none = indicator(QD766_TIMELINESS, []);
    expect(none.total.counted).toBe(0);
    expect(timelinessPoints(QD766_TIMELINESS, 0, 0)).toBeNull();
  });

  it('counts on time two ways: the legal due date (7) and the lawful re-appointment (8) differ by r10 alone', () => {
    const t = indicator(QD766_TIMELINESS);
    expect(t.total.legalOnTime).toBe(7);
    expect(t.total.reappointedOnTime).toBe(8);
    // Switching the 766 rules changes the indicator, never the two legal counts.
    const off = indicator(without('supplementTimeNotCounted'));
    expect([off.total.legalOnTime, off.total.reappointedOnTime]).toEqual([7, 8]);
  });

  it('counts per unit and per field, and prints the rules in force with their sources', () => {
    const rows = [
      ...MARCH,
      row('b1', { ...resolved('03-20'), unitId: 'HUYEN', unitName: 'UBND huyện Krông Pa', field: 'Đất đai' }),
    ];
    const report = buildReport(rows, { period, by: 'unit', now: after });
    const huyen = report.timeliness.byUnit.find((u) => u.id === 'HUYEN');
    expect(huyen?.counts).toMatchObject({ counted: 1, onTime: 0 });
    expect(report.timeliness.byField.map((f) => f.label)).toEqual(['Đất đai', 'Hộ tịch']);
    const md = renderMarkdown(report);
    expect(md).toContain('Biểu 5. Chỉ số tiến độ giải quyết (Bộ chỉ số 766, chỉ tiêu 2.1, tối đa 20 điểm)');
    expect(md).toContain('| 1 | UBND huyện Krông Pa | 1 | 0 | 1 | 0% | 0,00 |');
    expect(md).toContain('| 2 | UBND xã Ia Mlah | 10 | 7 | 3 | 70% | 14,00 |');
    expect(md).toContain('Biểu 6. Đúng hạn tính hai cách');
    expect(md).toContain('| 2 | UBND xã Ia Mlah | 10 | 7 | 70% | 8 | 80% | 1 | 10% |');
    expect(md).toContain('Cách hiểu');
    // A finished period has no forecast.
    expect(md).not.toContain('Dự báo');
    expect(md).not.toContain('Biểu 7');
    // The dashboard's cards: the score, and on time two ways.
    const html = renderHtml(buildReport(MARCH, { period, by: 'unit', now: after }));
    expect(html).toContain(
      '<div class="value">14,00</div><div>Điểm tiến độ giải quyết (Bộ chỉ số 766, tối đa 20)</div>',
    );
    expect(html).toContain('<div class="value">70% / 80%</div><div>Đúng hạn theo luật định / theo ngày hẹn lại</div>');
  });
});

describe('the forecast and the dossiers at risk while the period runs', () => {
  const now = Date.parse(at('03-16', '12:00'));
  const rows = [
    row('f1', { ...resolved('03-10'), appointmentAt: at('03-12', '17:00') }),
    row('f2', { ...resolved('03-11'), appointmentAt: at('03-08', '17:00'), dueAt: at('03-08', '17:00') }),
    row('f3', { status: 'open', appointmentAt: at('03-20', '17:00'), dueAt: at('03-20', '17:00') }),
    row('f4', { status: 'open', appointmentAt: at('03-14', '17:00'), dueAt: at('03-14', '17:00') }),
    row('f5', {
      status: 'open',
      unitId: 'XB',
      unitName: 'UBND xã Chư Gu',
      appointmentAt: at('03-25', '17:00'),
      dueAt: at('03-25', '17:00'),
      steps: [{ unitId: 'CCT', unitName: 'Chi cục Thuế', dueAt: at('03-22', '17:00') }],
    }),
  ];
  const t = indicator(QD766_TIMELINESS, rows, now);

  it('projects each unit: open dossiers finish at their appointment, overdue ones stay late', () => {
    const xa = t.byUnit.find((u) => u.id === 'XA');
    // Now: f1 and f3 (in time) of 4; the forecast is the same 2 of 4 (f3 finishes at 20/03, f4 already late).
    expect(xa?.counts).toMatchObject({ counted: 4, onTime: 2, forecastCounted: 4, forecastOnTime: 2 });
    expect(timelinessPoints(QD766_TIMELINESS, 2, 4)).toBe(10);
    expect(t.forecast).toBe(true);
  });

  it('ranks the open dossiers on time by the points their unit would lose: 20 for the lone one, 5 of four', () => {
    expect(t.atRisk.map((d) => [d.id, d.points, d.holderName, d.step])).toEqual([
      ['f5', 20, 'Chi cục Thuế', { number: 1, of: 1 }],
      ['f3', 5, 'UBND xã Ia Mlah', undefined],
    ]);
    const md = renderMarkdown(buildReport(rows, { period, by: 'unit', now }));
    expect(md).toContain('Biểu 7. Hồ sơ đang giải quyết sẽ làm mất điểm nhiều nhất nếu quá hạn');
    // Now is 16/03 12:00: 9 days and 5 hours before 25/03 17:00.
    expect(md).toContain(
      '| 1 | f5 | UBND xã Chư Gu | Hộ tịch | 1/1 | Chi cục Thuế | 25/03/2024 17:00 | còn 9 ngày | 20,00 |',
    );
    expect(md).toContain('Dự báo điểm cuối kỳ');
  });

  it('keeps the list bounded, soonest deadlines first within a unit', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      row(`m${String(i).padStart(2, '0')}`, {
        status: 'open',
        appointmentAt: new Date(now + (30 - i) * DAY).toISOString(),
        dueAt: new Date(now + (30 - i) * DAY).toISOString(),
      }),
    );
    const list = buildReport(many, { period, by: 'unit', now, atRiskLimit: 5 }).timeliness.atRisk;
    expect(list.map((d) => d.id)).toEqual(['m29', 'm28', 'm27', 'm26', 'm25']);
  });
});

describe('the counting rules as configuration', () => {
  it('the shipped file is QĐ 766 as the portal describes it', () => {
    expect(parseTimelinessRules(readFileSync('config/timeliness.yaml', 'utf8'))).toEqual(QD766_TIMELINESS);
  });

  it('switches a rule, keeps the others, and names the field of anything it cannot use', () => {
    const rules = parseTimelinessRules('maxPoints: 10\nrules:\n  carriedOverCounted: false\n');
    expect(rules.maxPoints).toBe(10);
    expect(rules.switches.carriedOverCounted).toBe(false);
    expect(rules.switches.repeatedSupplementIsLate).toBe(true);
    expect(() => parseTimelinessRules('rules:\n  carriedOver: false\n')).toThrow(/rules\.carriedOver: is not a rule/);
    expect(() => parseTimelinessRules('rules:\n  carriedOverCounted: "no"\n')).toThrow(
      /rules\.carriedOverCounted: must be true or false/,
    );
    expect(() => parseTimelinessRules('maxPoints: 0\n')).toThrow(/maxPoints: must be a number above 0/);
    expect(() => parseTimelinessRules('points: 20\n')).toThrow(/points: is not a setting/);
    expect(() => parseTimelinessRules('rules: [\n')).toThrow(/not YAML/);
  });
});

import { describe, expect, it } from 'vitest';
import { buildReport } from '../../shared/domain/reports/build-report.ts';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';

const period = { from: '2024-03-01', to: '2024-03-31' };
const now = Date.parse('2024-04-15T08:00:00+07:00');

function row(id: string, changes: Partial<ReportRow>): ReportRow {
  return {
    id,
    unitId: 'H21.65',
    unitName: 'UBND huyện Krông Pa',
    field: 'Đất đai',
    channel: 'in_person',
    receivedAt: '2024-03-04T09:00:00+07:00',
    status: 'resolved',
    dueAt: '2024-03-18T17:00:00+07:00',
    originalDueAt: '2024-03-18T17:00:00+07:00',
    violations: [],
    steps: [],
    secondOverrun: false,
    ...changes,
  };
}

const late = {
  resolvedAt: '2024-03-25T10:00:00+07:00',
  closedAt: '2024-03-25T10:00:00+07:00',
  result: 'late' as const,
};

describe('what the supervisors lacked, counted per responsible unit', () => {
  const report = buildReport(
    [
      // Apologised two days before the due date: in time.
      row('a', { ...late, apologyIssuedAt: '2024-03-15T10:00:00+07:00' }),
      // Apologised on the due date itself: late (the law asks for at least one day before).
      row('b', { ...late, apologyIssuedAt: '2024-03-18T08:00:00+07:00' }),
      // Never apologised.
      row('c', late),
      // Resolved on time: no apology needed, whatever else happened.
      row('d', { resolvedAt: '2024-03-18T10:00:00+07:00', closedAt: '2024-03-18T10:00:00+07:00', result: 'on_time' }),
      // Still open and overdue at the end of March, the tax office's step overran: the tax office answers.
      row('e', {
        status: 'open',
        steps: [
          {
            unitId: 'VPDK',
            unitName: 'Văn phòng đăng ký đất đai',
            dueAt: '2024-03-08T17:00:00+07:00',
            finishedAt: '2024-03-08T10:00:00+07:00',
          },
          {
            unitId: 'CCT',
            unitName: 'Chi cục Thuế',
            dueAt: '2024-03-13T17:00:00+07:00',
            finishedAt: '2024-03-20T10:00:00+07:00',
          },
        ],
      }),
      // Re-appointed to 22/3 and resolved after it: a second overrun.
      row('f', { ...late, extendedDueAt: '2024-03-22T17:00:00+07:00', apologyIssuedAt: '2024-03-14T10:00:00+07:00' }),
      // Receipt without appointment, and another with an appointment beyond the legal limit.
      row('g', { ...late, violations: ['receipt_without_appointment'], apologyIssuedAt: '2024-03-10T09:00:00+07:00' }),
      row('h', { status: 'open', dueAt: '2024-04-30T17:00:00+07:00', violations: ['appointment_after_due'] }),
    ],
    { period, by: 'field', now },
  );
  const byUnit = Object.fromEntries(report.compliance.map((c) => [c.label, c.counts]));

  it('sorts apologies into in time, late and missing against the due date', () => {
    expect(byUnit['UBND huyện Krông Pa']).toMatchObject({
      apologyNeeded: 5,
      apologyInTime: 3,
      apologyLate: 1,
      apologyMissing: 1,
      secondOverruns: 1,
      receiptWithoutAppointment: 1,
      appointmentBeyondLimit: 1,
    });
  });

  it('attributes a late inter-agency hand-over, and the apology it makes owed, to the unit that held the dossier', () => {
    expect(byUnit['Chi cục Thuế']).toMatchObject({ apologyNeeded: 1, apologyMissing: 1, lateHandovers: 1 });
    expect(byUnit['Văn phòng đăng ký đất đai']).toBeUndefined();
  });

  it('adds up: every overdue dossier needs exactly one apology, counted once', () => {
    expect(report.complianceTotal.apologyNeeded).toBe(report.total.late + report.total.inProgressOverdue);
    const { apologyInTime, apologyLate, apologyMissing, apologyNeeded } = report.complianceTotal;
    expect(apologyInTime + apologyLate + apologyMissing).toBe(apologyNeeded);
  });

  it('counts a dossier open at the end of the period as in progress, overdue or within time', () => {
    expect(report.total).toMatchObject({
      received: 8,
      resolved: 6,
      late: 5,
      onTime: 1,
      inProgress: 2,
      inProgressOverdue: 1,
      inProgressWithinTime: 1,
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => buildReport([], { period: { from: '2024-03-31', to: '2024-03-01' }, by: 'field', now })).toThrow(
      RangeError,
    );
  });
});

describe('report grouping and unit filter', () => {
  const rows = [
    row('x1', { ...late }),
    row('x2', { unitId: 'H21.65.01', unitName: 'UBND xã Ia Rmok', parentId: 'H21.65', ...late }),
    row('x3', { unitId: 'H22.01', unitName: 'UBND huyện khác', ...late }),
    row('x4', { receivedAt: '2024-04-02T09:00:00+07:00', status: 'open', dueAt: '2024-04-20T17:00:00+07:00' }),
  ];

  it('keeps a unit and the units under it', () => {
    const report = buildReport(rows, { period, by: 'unit', now, unit: 'H21.65' });
    expect(report.main.map((r) => [r.label, r.counts.received])).toEqual([
      ['UBND huyện Krông Pa', 1],
      ['UBND xã Ia Rmok', 1],
    ]);
  });

  it('splits a period by month, each with its own carried-over dossiers', () => {
    const report = buildReport(rows, { period: { from: '2024-03-01', to: '2024-04-30' }, by: 'month', now });
    expect(report.main.map((r) => [r.label, r.counts.carriedOver, r.counts.online + r.counts.inPerson])).toEqual([
      ['03/2024', 0, 3],
      ['04/2024', 0, 1],
    ]);
    expect(report.total.received).toBe(4);
  });
});

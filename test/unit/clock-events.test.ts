import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { computeDueDate, InvalidDueDateRequestError } from '../../shared/domain/due-date/compute-due-date.ts';
import { explainDueDate } from '../../shared/domain/due-date/explain-due-date.ts';
import { planSteps } from '../../shared/domain/due-date/plan-steps.ts';

const calendar = defaultCalendar();
const at = (iso: string) => Date.parse(iso);
const show = (ms: number) => calendar.formatInstant(ms);
// The land dossier of test/fixtures/events/example-stream.jsonl: received Fri 8/4/2022 15:10, 10 working days.
const land = {
  receivedAt: at('2022-04-08T15:10:00+07:00'),
  rule: { duration: { amount: 10, unit: 'working_days' as const } },
};

describe('suspensions (legally excluded time)', () => {
  it('extend the due date by the working time they cover: Mon 18/4 10:00 → Thu 21/4 08:30 is 21 office hours', () => {
    // Covered: 18/4 5h, 19/4 7.5h, 20/4 7.5h, 21/4 1h = 21h = 1260 min. Plain due Mon 25/4 17:00;
    // + 26/4 (7.5h) + 27/4 (7.5h) + 6h on 28/4 (07:30–11:30, 13:30–15:30) → Thu 28/4 15:30.
    const due = computeDueDate(calendar, {
      ...land,
      suspensions: [{ from: at('2022-04-18T10:00:00+07:00'), to: at('2022-04-21T08:30:00+07:00') }],
    });
    expect(due.suspendedMinutes).toBe(1260);
    expect(show(due.dueAt)).toBe('2022-04-28T15:30:00+07:00');
  });

  it('count a whole-day pause as exactly one working day', () => {
    const due = computeDueDate(calendar, {
      ...land,
      suspensions: [{ from: at('2022-04-13T07:30:00+07:00'), to: at('2022-04-13T17:00:00+07:00') }],
    });
    expect(show(due.dueAt)).toBe('2022-04-26T17:00:00+07:00');
  });

  it('do not count weekends and holidays inside the pause, nor overlapping pauses twice', () => {
    const due = computeDueDate(calendar, {
      ...land,
      suspensions: [
        { from: at('2022-04-29T17:00:00+07:00'), to: at('2022-05-04T07:30:00+07:00') }, // after due: ignored
        { from: at('2022-04-22T17:00:00+07:00'), to: at('2022-04-25T17:00:00+07:00') }, // weekend + Monday
        { from: at('2022-04-25T07:30:00+07:00'), to: at('2022-04-25T12:00:00+07:00') }, // inside the previous
      ],
    });
    expect(due.suspendedMinutes).toBe(450);
    expect(show(due.dueAt)).toBe('2022-04-26T17:00:00+07:00');
  });

  it('leave the deadline alone when the pause comes after it, and mark an open pause as paused', () => {
    const late = computeDueDate(calendar, {
      ...land,
      suspensions: [{ from: at('2022-05-03T09:00:00+07:00'), to: at('2022-05-10T09:00:00+07:00') }],
    });
    expect(show(late.dueAt)).toBe('2022-04-25T17:00:00+07:00');
    const open = computeDueDate(calendar, { ...land, suspensions: [{ from: at('2022-04-18T10:00:00+07:00') }] });
    expect(open.paused).toBe(true);
    const projected = computeDueDate(calendar, {
      ...land,
      suspensions: [{ from: at('2022-04-18T10:00:00+07:00') }],
      asOf: at('2022-04-21T08:30:00+07:00'),
    });
    expect(projected.paused).toBe(false);
    expect(show(projected.dueAt)).toBe('2022-04-28T15:30:00+07:00');
  });

  it('reject a pause that ends before it starts, naming the field', () => {
    expect(() =>
      computeDueDate(calendar, {
        ...land,
        suspensions: [{ from: at('2022-04-20T10:00:00+07:00'), to: at('2022-04-19T10:00:00+07:00') }],
      }),
    ).toThrow(new InvalidDueDateRequestError('suspensions[0].to', 'must not be before from'));
  });
});

describe('supplement restart', () => {
  it('restarts the clock from zero at the complete dossier: supplemented Mon 25/4/2022 09:00 + 10wd → Wed 11/5', () => {
    // 26 Tue 1, 27 Wed 2, 28 Thu 3, 29 Fri 4, (30/4–3/5 closed), 4 Wed 5, 5 Thu 6, 6 Fri 7, 9 Mon 8, 10 Tue 9, 11 Wed 10.
    const restarted = computeDueDate(calendar, { ...land, receivedAt: at('2022-04-25T09:00:00+07:00') });
    expect(restarted.effectiveReceiptDate).toBe('2022-04-25');
    expect(show(restarted.dueAt)).toBe('2022-05-11T17:00:00+07:00');
  });
});

describe('per-step due dates for inter-agency (liên thông) procedures', () => {
  const registry = { unitId: 'VPDKDD-KP', duration: { amount: 5, unit: 'working_days' as const } };
  const tax = { unitId: 'CCT-KP', duration: { amount: 3, unit: 'working_days' as const } };
  const registryAgain = { unitId: 'VPDKDD-KP', duration: { amount: 2, unit: 'working_days' as const } };
  const steps = [registry, tax, registryAgain];
  const dueOf = (plan: { dueAt: number }[], i: number) => show(plan[i]?.dueAt ?? Number.NaN);

  it('plans each step from the end of the previous one so the plan adds up to the total', () => {
    const plan = planSteps(calendar, land, steps);
    expect(plan.map((s) => show(s.dueAt))).toEqual([
      '2022-04-18T17:00:00+07:00', // 12,13,14,15,18
      '2022-04-21T17:00:00+07:00', // 19,20,21
      '2022-04-25T17:00:00+07:00', // 22,25 = the dossier's own due date
    ]);
    expect(plan.map((s) => s.started)).toEqual([true, false, false]);
  });

  it('restarts a step at its actual hand-over and rates the finished step against its own time', () => {
    const handover = at('2022-04-15T09:00:00+07:00');
    const plan = planSteps(calendar, land, [
      { ...registry, finishedAt: handover },
      { ...tax, startedAt: handover },
      registryAgain,
    ]);
    expect(plan[0]?.result).toBe('early');
    // The hand-over day is not counted: 18, 19, 20 → Wed 20/4; then 21, 22 → Fri 22/4.
    expect(dueOf(plan, 1)).toBe('2022-04-20T17:00:00+07:00');
    expect(dueOf(plan, 2)).toBe('2022-04-22T17:00:00+07:00');
  });

  it('rates a step late when its unit hands over after its own due date, and extends the step a pause falls in', () => {
    const plan = planSteps(
      calendar,
      { ...land, suspensions: [{ from: at('2022-04-19T07:30:00+07:00'), to: at('2022-04-20T17:00:00+07:00') }] },
      [{ ...registry, finishedAt: at('2022-04-19T09:00:00+07:00') }, tax, registryAgain],
    );
    expect(plan[0]?.result).toBe('late');
    // Step 2 starts at the hand-over (19/4, not counted) and is paused 19–20/4: 21, 22, 25 → Mon 25/4.
    expect(dueOf(plan, 1)).toBe('2022-04-25T17:00:00+07:00');
  });
});

describe('explanations', () => {
  it('names the effective receipt day, every skipped day with its holiday name, and the due date, in Vietnamese', () => {
    const request = {
      receivedAt: at('2024-02-07T16:30:00+07:00'),
      rule: { duration: { amount: 5, unit: 'working_days' as const }, cutoff: '15:00' },
    };
    const due = computeDueDate(calendar, request);
    const e = explainDueDate(calendar, request, due);
    expect(e.receipt).toMatchObject({
      localDate: '2024-02-07',
      localTime: '16:30',
      weekday: 'Thứ Tư',
      reason: 'after_cutoff',
      cutoff: '15:00',
    });
    expect(e.effectiveReceiptDate).toBe('2024-02-15');
    expect(e.skippedDays.map((d) => d.date)).toEqual([
      '2024-02-08',
      '2024-02-09',
      '2024-02-10',
      '2024-02-11',
      '2024-02-12',
      '2024-02-13',
      '2024-02-14',
      '2024-02-17',
      '2024-02-18',
    ]);
    expect(e.skippedDays[0]).toMatchObject({ kind: 'holiday', name: 'Tết Âm lịch (Giáp Thìn)', weekday: 'Thứ Năm' });
    expect(e.skippedDays[2]).toMatchObject({ kind: 'weekend', weekday: 'Thứ Bảy' });
    expect(e.text).toEqual([
      'Hồ sơ nhận lúc 16:30 Thứ Tư, 07/02/2024.',
      'Nhận từ 15:00 trở đi nên được tính là nhận vào ngày làm việc tiếp theo: Thứ Năm, 15/02/2024.',
      'Thời hạn giải quyết: 5 ngày làm việc, không tính ngày nhận hồ sơ (Bộ luật Dân sự 2015 Điều 147).',
      'Các ngày không làm việc không được tính: 08/02/2024 (Thứ Năm – Tết Âm lịch (Giáp Thìn)); 09/02/2024 (Thứ Sáu – Tết Âm lịch (Giáp Thìn)); 10/02/2024 (Thứ Bảy); 11/02/2024 (Chủ nhật); 12/02/2024 (Thứ Hai – Tết Âm lịch (Giáp Thìn)); 13/02/2024 (Thứ Ba – Tết Âm lịch (Giáp Thìn)); 14/02/2024 (Thứ Tư – Tết Âm lịch (Giáp Thìn)); 17/02/2024 (Thứ Bảy); 18/02/2024 (Chủ nhật).',
      'Hạn trả kết quả: 17:00 Thứ Năm, 22/02/2024.',
    ]);
  });

  it('mentions a make-up Saturday, a holiday receipt day, suspensions and provisional years', () => {
    const makeUp = {
      receivedAt: at('2024-04-26T10:00:00+07:00'),
      rule: { duration: { amount: 3, unit: 'working_days' as const } },
    };
    const e1 = explainDueDate(calendar, makeUp, computeDueDate(calendar, makeUp));
    expect(e1.makeUpDays).toEqual([{ date: '2024-05-04', name: expect.stringContaining('Làm bù') }]);
    expect(e1.text).toContain('Ngày 04/05/2024 (Thứ Bảy) là ngày làm bù, được tính là ngày làm việc.');
    expect(e1.skippedDays.find((d) => d.date === '2024-04-29')).toMatchObject({ kind: 'swapped' });

    const onHoliday = {
      receivedAt: at('2024-02-12T09:00:00+07:00'),
      rule: { duration: { amount: 1, unit: 'working_days' as const } },
    };
    const e2 = explainDueDate(calendar, onHoliday, computeDueDate(calendar, onHoliday));
    expect(e2.receipt.dayOff).toEqual({ kind: 'holiday', name: 'Tết Âm lịch (Giáp Thìn)' });
    expect(e2.text[1]).toBe(
      'Ngày nhận là ngày không làm việc (nghỉ lễ, Tết: Tết Âm lịch (Giáp Thìn)) nên được tính là nhận vào ngày làm việc tiếp theo: Thứ Năm, 15/02/2024.',
    );

    const paused = {
      ...land,
      suspensions: [{ from: at('2022-04-18T10:00:00+07:00'), to: at('2022-04-21T08:30:00+07:00') }],
    };
    const e3 = explainDueDate(calendar, paused, computeDueDate(calendar, paused));
    expect(e3.suspensions).toEqual([
      { from: '2022-04-18T10:00:00+07:00', to: '2022-04-21T08:30:00+07:00', addedMinutes: 1260 },
    ]);
    expect(e3.text.some((l) => l.includes('cộng thêm 21 giờ làm việc'))).toBe(true);

    const future = {
      receivedAt: at('2027-02-01T10:00:00+07:00'),
      rule: { duration: { amount: 10, unit: 'working_days' as const } },
    };
    const e4 = explainDueDate(calendar, future, computeDueDate(calendar, future));
    expect(e4.provisionalYears).toEqual([2027]);
    expect(e4.skippedDays.find((d) => d.date === '2027-02-10')).toMatchObject({
      kind: 'compensatory',
      provisional: true,
    });
    expect(e4.text.at(-1)).toMatch(/^Lưu ý: lịch nghỉ năm 2027 là lịch dự kiến/);
  });
});

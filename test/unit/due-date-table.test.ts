import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { computeDueDate } from '../../shared/domain/due-date/compute-due-date.ts';
import { parseDuration } from '../../shared/domain/due-date/duration.ts';

// Every expected value below was derived by hand from the official notices (see
// config/calendars/vn-civil-service.json sources), counting on a paper calendar — not from the code.
const calendar = defaultCalendar();

function due(received: string, duration: string, cutoff: string | null = null) {
  const result = computeDueDate(calendar, {
    receivedAt: Date.parse(received),
    rule: { duration: parseDuration(duration), cutoff },
  });
  return {
    effectiveReceiptDate: result.effectiveReceiptDate,
    dueAt: calendar.formatInstant(result.dueAt),
    provisional: result.provisional,
  };
}

type Case = [label: string, received: string, duration: string, cutoff: string | null, receipt: string, dueAt: string];

const cases: Case[] = [
  // 2021
  [
    '2020→2021 year end: 1/1/2021 (Fri) and the weekend skipped',
    '2020-12-31T10:00:00+07:00',
    '1wd',
    null,
    '2020-12-31',
    '2021-01-04T17:00:00+07:00',
  ],
  ['Tết Tân Sửu 10–16/2/2021', '2021-02-09T10:00:00+07:00', '3wd', null, '2021-02-09', '2021-02-19T17:00:00+07:00'],
  ['Giỗ Tổ 21/4/2021 (Wed)', '2021-04-20T14:00:00+07:00', '1wd', null, '2021-04-20', '2021-04-22T17:00:00+07:00'],
  [
    '30/4 and the compensating day 3/5/2021 for 1/5 on Saturday',
    '2021-04-29T09:00:00+07:00',
    '2wd',
    null,
    '2021-04-29',
    '2021-05-05T17:00:00+07:00',
  ],
  [
    'after the 15:00 cut-off before Quốc khánh 2–3/9/2021',
    '2021-09-01T16:00:00+07:00',
    '1wd',
    '15:00',
    '2021-09-06',
    '2021-09-07T17:00:00+07:00',
  ],
  // 2022
  [
    'compensating day 3/1/2022 for 1/1 on Saturday',
    '2021-12-31T10:00:00+07:00',
    '1wd',
    null,
    '2021-12-31',
    '2022-01-04T17:00:00+07:00',
  ],
  ['Tết Nhâm Dần 31/1–4/2/2022', '2022-01-28T10:00:00+07:00', '1wd', null, '2022-01-28', '2022-02-07T17:00:00+07:00'],
  [
    'Giỗ Tổ 10/4/2022 on Sunday, compensated 11/4',
    '2022-04-08T10:00:00+07:00',
    '1wd',
    null,
    '2022-04-08',
    '2022-04-12T17:00:00+07:00',
  ],
  [
    '30/4 and 1/5/2022 on the weekend, compensated 2–3/5',
    '2022-04-29T10:00:00+07:00',
    '1wd',
    null,
    '2022-04-29',
    '2022-05-04T17:00:00+07:00',
  ],
  ['Quốc khánh 1–2/9/2022', '2022-08-31T10:00:00+07:00', '1wd', null, '2022-08-31', '2022-09-05T17:00:00+07:00'],
  [
    'land dossier of the example stream: 10wd from Fri 8/4/2022 15:10',
    '2022-04-08T15:10:00+07:00',
    '10wd',
    null,
    '2022-04-08',
    '2022-04-25T17:00:00+07:00',
  ],
  [
    'same receipt with a 15:00 cut-off counts from Tuesday 12/4',
    '2022-04-08T15:10:00+07:00',
    '10wd',
    '15:00',
    '2022-04-12',
    '2022-04-26T17:00:00+07:00',
  ],
  // 2023
  [
    'compensating day 2/1/2023 for 1/1 on Sunday',
    '2022-12-30T10:00:00+07:00',
    '1wd',
    null,
    '2022-12-30',
    '2023-01-03T17:00:00+07:00',
  ],
  [
    'after cut-off on the eve of Tết Quý Mão 20–26/1/2023',
    '2023-01-19T16:30:00+07:00',
    '1wd',
    '15:00',
    '2023-01-27',
    '2023-01-30T17:00:00+07:00',
  ],
  [
    'Giỗ Tổ 29/4, 30/4, 1/5/2023 with compensating days 2–3/5',
    '2023-04-28T10:00:00+07:00',
    '1wd',
    null,
    '2023-04-28',
    '2023-05-04T17:00:00+07:00',
  ],
  [
    'Quốc khánh 1/9 and the compensating day 4/9/2023',
    '2023-08-31T10:00:00+07:00',
    '1wd',
    null,
    '2023-08-31',
    '2023-09-05T17:00:00+07:00',
  ],
  // 2024
  [
    'design example: 16:30 on 7/2/2024, cut-off 15:00, across Tết Giáp Thìn',
    '2024-02-07T16:30:00+07:00',
    '5wd',
    '15:00',
    '2024-02-15',
    '2024-02-22T17:00:00+07:00',
  ],
  [
    'design example with the default cut-off (office closing)',
    '2024-02-07T16:30:00+07:00',
    '5wd',
    null,
    '2024-02-07',
    '2024-02-21T17:00:00+07:00',
  ],
  ['Giỗ Tổ 18/4/2024', '2024-04-17T10:00:00+07:00', '1wd', null, '2024-04-17', '2024-04-19T17:00:00+07:00'],
  [
    'swap 29/4/2024 off, make-up Saturday 4/5 counted',
    '2024-04-26T10:00:00+07:00',
    '3wd',
    null,
    '2024-04-26',
    '2024-05-04T17:00:00+07:00',
  ],
  [
    'receipt on the make-up Saturday 4/5/2024 counts that day',
    '2024-05-04T10:00:00+07:00',
    '1wd',
    null,
    '2024-05-04',
    '2024-05-06T17:00:00+07:00',
  ],
  [
    'after cut-off on Friday 3/5/2024: the make-up Saturday is the receipt day',
    '2024-05-03T16:00:00+07:00',
    '1wd',
    '15:00',
    '2024-05-04',
    '2024-05-06T17:00:00+07:00',
  ],
  ['Quốc khánh 2–3/9/2024', '2024-08-30T10:00:00+07:00', '1wd', null, '2024-08-30', '2024-09-04T17:00:00+07:00'],
  [
    '60 working days over Giỗ Tổ, 30/4–1/5, the swap and the make-up day',
    '2024-04-01T10:00:00+07:00',
    '60wd',
    null,
    '2024-04-01',
    '2024-06-27T17:00:00+07:00',
  ],
  // 2025
  ['Tết Ất Tỵ 27–31/1/2025', '2025-01-24T10:00:00+07:00', '1wd', null, '2025-01-24', '2025-02-03T17:00:00+07:00'],
  ['Giỗ Tổ 7/4/2025', '2025-04-04T10:00:00+07:00', '1wd', null, '2025-04-04', '2025-04-08T17:00:00+07:00'],
  [
    'make-up Saturday 26/4/2025 is a working day',
    '2025-04-25T10:00:00+07:00',
    '1wd',
    null,
    '2025-04-25',
    '2025-04-26T17:00:00+07:00',
  ],
  [
    '30/4, 1/5 and the swapped 2/5/2025',
    '2025-04-29T10:00:00+07:00',
    '1wd',
    null,
    '2025-04-29',
    '2025-05-05T17:00:00+07:00',
  ],
  ['Quốc khánh 1–2/9/2025', '2025-08-29T10:00:00+07:00', '1wd', null, '2025-08-29', '2025-09-03T17:00:00+07:00'],
  // 2026
  [
    '2025→2026 year end: 1/1 and the swapped 2/1/2026',
    '2025-12-31T10:00:00+07:00',
    '1wd',
    null,
    '2025-12-31',
    '2026-01-05T17:00:00+07:00',
  ],
  ['make-up Saturday 10/1/2026', '2026-01-09T10:00:00+07:00', '1wd', null, '2026-01-09', '2026-01-10T17:00:00+07:00'],
  [
    '30 working days over New Year 2026 and its make-up day',
    '2025-12-15T10:00:00+07:00',
    '30wd',
    null,
    '2025-12-15',
    '2026-01-27T17:00:00+07:00',
  ],
  ['Tết Bính Ngọ 16–20/2/2026', '2026-02-13T10:00:00+07:00', '1wd', null, '2026-02-13', '2026-02-23T17:00:00+07:00'],
  [
    'Giỗ Tổ compensated 27/4/2026, then 30/4–1/5',
    '2026-04-24T10:00:00+07:00',
    '3wd',
    null,
    '2026-04-24',
    '2026-05-04T17:00:00+07:00',
  ],
  ['make-up Saturday 22/8/2026', '2026-08-21T10:00:00+07:00', '1wd', null, '2026-08-21', '2026-08-22T17:00:00+07:00'],
  [
    'swapped 31/8 and Quốc khánh 1–2/9/2026',
    '2026-08-28T10:00:00+07:00',
    '1wd',
    null,
    '2026-08-28',
    '2026-09-03T17:00:00+07:00',
  ],
  [
    '24/11/2026 is unverified and stays a working day',
    '2026-11-23T10:00:00+07:00',
    '1wd',
    null,
    '2026-11-23',
    '2026-11-24T17:00:00+07:00',
  ],
  // weekends, late-night online receipts and the cut-off
  [
    'Sunday receipt counts from Monday',
    '2024-03-10T09:00:00+07:00',
    '1wd',
    null,
    '2024-03-11',
    '2024-03-12T17:00:00+07:00',
  ],
  [
    'Saturday receipt counts from Monday',
    '2024-03-09T08:00:00+07:00',
    '1wd',
    null,
    '2024-03-11',
    '2024-03-12T17:00:00+07:00',
  ],
  [
    'online at 23:00 counts from the next working day',
    '2024-03-13T23:00:00+07:00',
    '1wd',
    null,
    '2024-03-14',
    '2024-03-15T17:00:00+07:00',
  ],
  ['the same instant written in UTC', '2024-03-13T16:00:00Z', '1wd', null, '2024-03-14', '2024-03-15T17:00:00+07:00'],
  [
    'online on Friday night counts from Monday',
    '2024-03-15T22:10:00+07:00',
    '2wd',
    null,
    '2024-03-18',
    '2024-03-20T17:00:00+07:00',
  ],
  [
    '14:59 is before the 15:00 cut-off',
    '2024-03-13T14:59:00+07:00',
    '1wd',
    '15:00',
    '2024-03-13',
    '2024-03-14T17:00:00+07:00',
  ],
  [
    '15:00 exactly is at the cut-off: next working day',
    '2024-03-13T15:00:00+07:00',
    '1wd',
    '15:00',
    '2024-03-14',
    '2024-03-15T17:00:00+07:00',
  ],
  [
    '"in the day" (0wd) before the cut-off is due that day',
    '2024-03-13T10:00:00+07:00',
    '0wd',
    '15:00',
    '2024-03-13',
    '2024-03-13T17:00:00+07:00',
  ],
  [
    '"in the day" after the cut-off is due the next working day',
    '2024-03-13T15:30:00+07:00',
    '0wd',
    '15:00',
    '2024-03-14',
    '2024-03-14T17:00:00+07:00',
  ],
  [
    '"in the day" on Friday after the cut-off is due Monday',
    '2024-03-15T15:30:00+07:00',
    '0wd',
    '15:00',
    '2024-03-18',
    '2024-03-18T17:00:00+07:00',
  ],
  // working hours
  [
    '8 working hours from 11:00 end at 11:30 next day (lunch skipped)',
    '2024-03-13T11:00:00+07:00',
    '8wh',
    null,
    '2024-03-13',
    '2024-03-14T11:30:00+07:00',
  ],
  [
    'a lunch-break receipt counts from 13:30',
    '2024-03-13T12:15:00+07:00',
    '2wh',
    null,
    '2024-03-13',
    '2024-03-13T15:30:00+07:00',
  ],
  [
    'a receipt before opening counts from 07:30',
    '2024-03-13T06:45:00+07:00',
    '1wh',
    null,
    '2024-03-13',
    '2024-03-13T08:30:00+07:00',
  ],
  [
    'a receipt after closing counts from the next opening',
    '2024-03-13T17:30:00+07:00',
    '1wh',
    null,
    '2024-03-14',
    '2024-03-14T08:30:00+07:00',
  ],
  [
    'working hours after the cut-off start the next working day',
    '2024-03-13T15:10:00+07:00',
    '1wh',
    '15:00',
    '2024-03-14',
    '2024-03-14T08:30:00+07:00',
  ],
  [
    'working hours across Tết 2024',
    '2024-02-07T16:00:00+07:00',
    '2wh',
    null,
    '2024-02-07',
    '2024-02-15T08:30:00+07:00',
  ],
  [
    '4 working hours from 13:30 end at closing, not the next morning',
    '2024-03-13T13:30:00+07:00',
    '3.5wh',
    null,
    '2024-03-13',
    '2024-03-13T17:00:00+07:00',
  ],
  // calendar days
  [
    '15 calendar days landing on 30/4/2024 move past 1/5 to Thursday 2/5',
    '2024-04-15T10:00:00+07:00',
    '15d',
    null,
    '2024-04-15',
    '2024-05-02T17:00:00+07:00',
  ],
  [
    '15 calendar days landing in Tết 2024 move to 15/2',
    '2024-01-25T10:00:00+07:00',
    '15d',
    null,
    '2024-01-25',
    '2024-02-15T17:00:00+07:00',
  ],
  [
    'calendar days landing on a Sunday move to Monday',
    '2024-03-13T10:00:00+07:00',
    '4d',
    null,
    '2024-03-13',
    '2024-03-18T17:00:00+07:00',
  ],
];

describe('due dates on the verified civil-service calendar 2021–2026', () => {
  it.each(cases)('%s', (_label, received, duration, cutoff, receipt, dueAt) => {
    const result = due(received, duration, cutoff);
    expect(result.effectiveReceiptDate).toBe(receipt);
    expect(result.dueAt).toBe(dueAt);
  });

  it('flags a due date as provisional when it crosses into a year without official data', () => {
    expect(due('2026-11-25T10:00:00+07:00', '60wd').provisional).toBe(true);
    expect(due('2026-03-02T10:00:00+07:00', '5wd').provisional).toBe(false);
    expect(due('2020-12-31T10:00:00+07:00', '1wd').provisional).toBe(true);
  });

  it('derives the provisional Tết 2027 block with compensating days for its weekend', () => {
    // Mùng 1 Tết Đinh Mùi = Sat 6/2/2027; statutory days 5–9/2, the weekend 6–7/2 compensated 10–11/2.
    expect(due('2027-02-01T10:00:00+07:00', '10wd')).toEqual({
      effectiveReceiptDate: '2027-02-01',
      dueAt: '2027-02-22T17:00:00+07:00',
      provisional: true,
    });
  });
});

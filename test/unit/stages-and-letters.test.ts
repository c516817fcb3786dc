import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { InvalidLinkError, signApprovalToken, verifyApprovalToken } from '../../shared/domain/approval-link.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { ApprovalRefusedError, approveApology } from '../../shared/domain/dossier/re-appointment.ts';
import { renderLetterDocx } from '../../shared/domain/letters/apology-docx.ts';
import { buildApologyLetter, renderLetterHtml, renderLetterText } from '../../shared/domain/letters/apology-letter.ts';
import { ngayThangNam } from '../../shared/domain/vietnamese/format.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

let context: FoldContext;
let calendar: WorkingCalendar;
beforeAll(async () => {
  ({ calendar, context } = await shippedFold());
});

const t = (iso: string) => Date.parse(iso);

function record(changes: Record<string, unknown> = {}, more: DossierEvent[] = []): DossierRecord {
  const received = parseDossierEvent(
    receivedEvent({
      dossierId: 'H21.65-240304-0001',
      eventId: 'r',
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
      ...changes,
    }),
  );
  return nextRecord(undefined, foldDossier('H21.65-240304-0001', [received, ...more], context), calendar);
}

describe('alert stages (by time passed)', () => {
  it('reaches every stage due at once after missed runs, each owing its notification once', () => {
    const r = record();
    expect(r.nextActionAt).toBe('2024-03-14T17:00:00+07:00');
    const late = advanceStages(r, calendar, t('2024-03-19T08:00:00+07:00'));
    expect(late.reached).toEqual(['DUE_SOON', 'APOLOGY_DEADLINE', 'OVERDUE']);
    expect(late.owed.map((n) => n.kind)).toEqual(['due_soon', 'apology_deadline_missed', 'overdue']);
    expect(late.record.apology.status).toBe('drafted');
    expect(late.record.apology.proposedReturnAt).toBe('2024-03-25T17:00:00+07:00'); // due + 5 working days
    expect(advanceStages(late.record, calendar, t('2024-03-19T09:00:00+07:00')).reached).toEqual([]);
    expect(Object.keys(late.record.outbox).sort()).toEqual([
      'H21.65-240304-0001#apology_drafted',
      'H21.65-240304-0001#c1#APOLOGY_DEADLINE',
      'H21.65-240304-0001#c1#DUE_SOON',
      'H21.65-240304-0001#c1#OVERDUE',
    ]);
  });

  it('does not move a resolved, suspended or waiting dossier', () => {
    const resolved = record({}, [
      parseDossierEvent({
        'detail-type': 'DossierResolved',
        detail: {
          schemaVersion: 1,
          dossierId: 'H21.65-240304-0001',
          eventId: 'z',
          occurredAt: '2024-03-08T10:00:00+07:00',
        },
      }),
    ]);
    expect(resolved.nextActionAt).toBeNull();
    expect(advanceStages(resolved, calendar, t('2024-04-30T00:00:00+07:00')).reached).toEqual([]);
  });

  it('starts a new cycle at ON_TRACK after a supplement restart', () => {
    const first = advanceStages(record(), calendar, t('2024-03-15T08:00:00+07:00')).record;
    expect(first.stage).toBe('DUE_SOON');
    const events = [
      parseDossierEvent({
        'detail-type': 'DossierSupplementRequested',
        detail: {
          schemaVersion: 1,
          dossierId: 'H21.65-240304-0001',
          eventId: 's1',
          occurredAt: '2024-03-15T09:00:00+07:00',
        },
      }),
      parseDossierEvent({
        'detail-type': 'DossierSupplemented',
        detail: {
          schemaVersion: 1,
          dossierId: 'H21.65-240304-0001',
          eventId: 's2',
          occurredAt: '2024-03-20T09:00:00+07:00',
        },
      }),
    ];
    const received = parseDossierEvent(
      receivedEvent({
        dossierId: 'H21.65-240304-0001',
        eventId: 'r',
        occurredAt: '2024-03-04T09:00:00+07:00',
        receivedAt: '2024-03-04T09:00:00+07:00',
        appointmentAt: '2024-03-18T17:00:00+07:00',
      }),
    );
    const restarted = nextRecord(first, foldDossier('H21.65-240304-0001', [received, ...events], context), calendar);
    expect(restarted.stage).toBe('ON_TRACK');
    expect(restarted.stageCycle).toBe(2);
    expect(restarted.notifications['H21.65-240304-0001#c1#due_soon']?.cancelledAt).toBe('2024-03-20T09:00:00+07:00');
    // Restarted Wed 20/3 09:00: 10 working days → Wed 3/4; due soon from Mon 1/4 17:00.
    expect(advanceStages(restarted, calendar, t('2024-04-01T18:00:00+07:00')).owed.map((n) => n.id)).toEqual([
      'H21.65-240304-0001#c2#due_soon',
    ]);
  });

  it('skips the apology-deadline alert when the apology is already approved, and alerts SECOND_OVERRUN at the extended date', () => {
    const drafted = advanceStages(record(), calendar, t('2024-03-14T18:00:00+07:00')).record;
    const approved = approveApology(
      drafted,
      { reason: 'Chờ ý kiến cơ quan thuế', newReturnDate: '2024-03-22', approvedBy: 'head' },
      calendar,
      t('2024-03-14T18:30:00+07:00'),
    );
    const after = advanceStages(approved, calendar, t('2024-03-22T17:30:00+07:00'));
    expect(after.reached).toEqual(['APOLOGY_DEADLINE', 'OVERDUE', 'SECOND_OVERRUN']);
    expect(after.owed.map((n) => n.kind)).toEqual(['overdue', 'second_overrun']);
  });
});

describe('the one re-appointment', () => {
  it('is refused a second time whatever the caller, and before the original due date', () => {
    const drafted = advanceStages(record(), calendar, t('2024-03-14T18:00:00+07:00')).record;
    const input = { reason: 'Chờ xác minh nguồn gốc đất', newReturnDate: '2024-03-22', approvedBy: 'head' };
    expect(() => approveApology(drafted, { ...input, newReturnDate: '2024-03-18' }, calendar, 0)).toThrow(
      ApprovalRefusedError,
    );
    expect(() => approveApology(drafted, { ...input, newReturnDate: '2024-03-23' }, calendar, 0)).toThrow(
      'must be a working day',
    );
    expect(() => approveApology(drafted, { ...input, reason: ' ' }, calendar, 0)).toThrow('reason');
    const once = approveApology(drafted, input, calendar, t('2024-03-14T18:30:00+07:00'));
    expect(once.extendedDueAt).toBe('2024-03-22T17:00:00+07:00');
    // The applicant gave an email and a mobile number: both are owed the apology (issue #18).
    expect(once.apology).toMatchObject({
      status: 'approved',
      channel: 'email_and_phone',
      reason: 'Chờ xác minh nguồn gốc đất',
    });
    expect(Object.keys(once.notifications)).toContain('H21.65-240304-0001#apology#apology_to_citizen');
    const error = (() => {
      try {
        approveApology(once, { ...input, newReturnDate: '2024-03-29' }, calendar, 0);
      } catch (e) {
        return e as ApprovalRefusedError;
      }
    })();
    expect(error?.code).toBe('already_reappointed');
  });

  it('takes only real dates within a year of the due date, and keeps no character XML cannot hold', () => {
    const drafted = advanceStages(record(), calendar, t('2024-03-14T18:00:00+07:00')).record;
    const input = { reason: 'Chờ xác minh nguồn gốc đất', newReturnDate: '2024-03-22', approvedBy: 'head' };
    const refusal = (changes: Partial<typeof input>) => {
      try {
        approveApology(drafted, { ...input, ...changes }, calendar, 0);
      } catch (e) {
        return e as ApprovalRefusedError;
      }
      return undefined;
    };
    // 31 June is not a date (it used to be stored as 1 July); 2300 is past any calendar (it used to be a 500).
    expect(refusal({ newReturnDate: '2024-06-31' })).toMatchObject({ field: 'newReturnAt', code: 'date_invalid' });
    expect(refusal({ newReturnDate: '2300-01-02' })).toMatchObject({ field: 'newReturnAt', code: 'too_far' });
    expect(refusal({ newReturnDate: '2025-03-24' })).toMatchObject({ code: 'too_far' });
    expect(refusal({ newReturnDate: '2025-03-14' })).toBeUndefined();
    // A day already gone when the head approves would be promised to the citizen; its evening is not gone yet.
    const at = (now: string) => {
      try {
        approveApology(drafted, input, calendar, t(now));
      } catch (e) {
        return (e as ApprovalRefusedError).code;
      }
      return 'approved';
    };
    expect(at('2024-03-25T08:00:00+07:00')).toBe('already_past');
    expect(at('2024-03-22T17:00:00+07:00')).toBe('already_past');
    expect(at('2024-03-22T16:59:00+07:00')).toBe('approved');
    // Word's soft line break (U+000B) pasted into the reason becomes a line break; other controls go.
    const pasted = approveApology(
      drafted,
      { ...input, reason: 'Chờ xác minh\u000bnguồn gốc\u0001 đất\uFFFE', approvedBy: 'Trưởng\u0007 phòng' },
      calendar,
      0,
    );
    expect(pasted.apology.reason).toBe('Chờ xác minh\nnguồn gốc đất');
    expect(pasted.apology.approvedBy).toBe('Trưởng phòng');
  });

  it('owes the desk a printable letter when the citizen has no email', () => {
    const drafted = advanceStages(
      record({ applicant: { kind: 'person', name: 'Nguyễn Thị B' } }),
      calendar,
      t('2024-03-14T18:00:00+07:00'),
    ).record;
    const approved = approveApology(
      drafted,
      { reason: 'Chờ đo đạc', newReturnDate: '2024-03-22', approvedBy: 'x' },
      calendar,
      0,
    );
    expect(approved.apology.channel).toBe('desk');
    expect(Object.values(approved.notifications).map((n) => n.kind)).toContain('apology_letter_for_desk');
  });
});

describe('the apology letter', () => {
  it('uses TT 03/2025 from 1/7/2025, with the identity number and the 2025 title', () => {
    const r = advanceStages(
      record({
        receivedAt: '2025-07-01T08:00:00+07:00',
        occurredAt: '2025-07-01T08:00:00+07:00',
        appointmentAt: '2025-07-15T17:00:00+07:00',
      }),
      calendar,
      t('2025-07-11T18:00:00+07:00'),
    ).record;
    const letter = buildApologyLetter(r, calendar, t('2026-01-05T09:00:00+07:00'));
    expect(letter.form).toBe('TT03/2025');
    expect(letter.title).toBe('PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
    expect(letter.placeAndDate).toBe('Krông Pa, ngày 05 tháng 01 năm 2026');
    expect(renderLetterText(letter)).toContain('Số định danh cá nhân/mã số định danh của tổ chức: 064190001234.');
    const before = buildApologyLetter(
      advanceStages(record(), calendar, t('2024-03-15T08:00:00+07:00')).record,
      calendar,
      t('2024-03-15T08:00:00+07:00'),
    );
    expect(before.form).toBe('TT01/2018');
    expect(renderLetterText(before)).not.toContain('Số định danh');
  });

  it('writes dates as NĐ 30/2020 does: a leading zero for days below 10 and months 1–2 only', () => {
    expect(ngayThangNam(calendar, t('2026-01-05T09:00:00+07:00'))).toBe('ngày 05 tháng 01 năm 2026');
    expect(ngayThangNam(calendar, t('2024-02-29T09:00:00+07:00'))).toBe('ngày 29 tháng 02 năm 2024');
    expect(ngayThangNam(calendar, t('2024-03-04T09:00:00+07:00'))).toBe('ngày 04 tháng 3 năm 2024');
    expect(ngayThangNam(calendar, t('2024-12-31T23:30:00+07:00'))).toBe('ngày 31 tháng 12 năm 2024');
    // 17:30 UTC is already the next day in Vietnam.
    expect(ngayThangNam(calendar, t('2024-03-04T17:30:00Z'))).toBe('ngày 05 tháng 3 năm 2024');
  });

  it('escapes every value from an event in the HTML (no markup or template injection)', () => {
    const hostile = advanceStages(
      record({
        applicant: { kind: 'organisation', name: '<script>alert(1)</script>{{constructor}}' },
        procedure: { code: '1.013831', name: 'Thủ tục "<b>x</b>"', field: 'Đất đai' },
      }),
      calendar,
      t('2024-03-15T08:00:00+07:00'),
    ).record;
    const html = renderLetterHtml(buildApologyLetter(hostile, calendar, t('2024-03-15T08:00:00+07:00')));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;{{constructor}}');
  });

  it('renders an editable A5 Word document in Times New Roman with the form text', async () => {
    const r = advanceStages(record(), calendar, t('2024-03-15T08:00:00+07:00')).record;
    const docx = await renderLetterDocx(buildApologyLetter(r, calendar, t('2024-03-15T08:00:00+07:00')));
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')?.async('string');
    expect(xml).toContain('<w:pgSz w:w="8391" w:h="11906"');
    expect(xml).toContain('w:ascii="Times New Roman"');
    expect(xml).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(xml).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(xml).toContain('THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ');
  });
});

describe('approval links', () => {
  const secret = 'a-test-secret-that-is-long-enough-1234';
  const token = signApprovalToken(secret, 'H21.65-240304-0001', 1_000);

  it('accepts the link for its dossier before it expires', () => {
    expect(() => verifyApprovalToken(secret, token, 'H21.65-240304-0001', 999)).not.toThrow();
  });

  it.each([
    ['tampered', () => verifyApprovalToken(secret, `${token.slice(0, -2)}xx`, 'H21.65-240304-0001', 0)],
    ['tampered', () => verifyApprovalToken('another-secret-that-is-long-enough-123', token, 'H21.65-240304-0001', 0)],
    ['expired', () => verifyApprovalToken(secret, token, 'H21.65-240304-0001', 1_001)],
    ['other_dossier', () => verifyApprovalToken(secret, token, 'H21.65-240304-0002', 0)],
    ['malformed', () => verifyApprovalToken(secret, 'not-a-token', 'H21.65-240304-0001', 0)],
  ])('refuses a %s link', (problem, verify) => {
    expect(verify).toThrow(InvalidLinkError);
    try {
      verify();
    } catch (error) {
      expect((error as InvalidLinkError).problem).toBe(problem);
    }
  });
});

describe('the official digest', () => {
  it('escapes every value from an event in its HTML and states the time left in working time', async () => {
    const { buildDigest } = await import('../../shared/domain/letters/digest.ts');
    const hostile = advanceStages(
      record({ procedure: { code: '1.013831', name: '<img src=x onerror=alert(1)>', field: 'Đất đai' } }),
      calendar,
      t('2024-03-14T17:30:00+07:00'),
    ).record;
    const digest = buildDigest(
      'Cán bộ <b>An</b>',
      [{ record: hostile, kind: 'due_soon', approvalUrl: 'https://x.example/approve/a?token="><script>' }],
      calendar,
      t('2024-03-14T17:30:00+07:00'),
    );
    expect(digest.html).not.toContain('<img');
    expect(digest.html).not.toContain('<script>');
    expect(digest.html).not.toContain('<b>An</b>');
    expect(digest.html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(digest.text).toContain('Hạn trả kết quả: 17:00 ngày 18/03/2024 (còn 2 ngày làm việc)');
    expect(digest.subject).toBe('[Đúng Hạn] 1 hồ sơ cần xử lý — 17:30 ngày 14/03/2024');
  });
});

describe('the letter after a restart or a suspension (issue #16)', () => {
  it('quotes the appointment in force, not only the receipt’s', () => {
    const restarted = record({}, [
      parseDossierEvent(lifecycle('DossierSupplementRequested', '2024-03-06T09:00:00+07:00')),
      parseDossierEvent(lifecycle('DossierSupplemented', '2024-03-11T09:00:00+07:00')),
    ]);
    const letter = buildApologyLetter(restarted, calendar, t('2024-03-21T09:00:00+07:00'));
    expect(letter.paragraphs[2]).toBe(
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 18 tháng 3 năm 2024; sau khi hồ sơ được bổ sung đầy đủ, thời hạn trả kết quả là 17 giờ 00 phút, ngày 25 tháng 3 năm 2024.',
    );
    const paused = record({}, [
      parseDossierEvent(lifecycle('DossierSuspended', '2024-03-06T09:00:00+07:00', { reason: 'financial_obligation' })),
      parseDossierEvent(lifecycle('DossierResumed', '2024-03-08T09:00:00+07:00')),
    ]);
    expect(buildApologyLetter(paused, calendar, t('2024-03-19T09:00:00+07:00')).paragraphs[2]).toMatch(
      /^Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 18 tháng 3 năm 2024; do thời gian tạm dừng giải quyết không tính vào thời hạn, thời hạn trả kết quả là \d{2} giờ \d{2} phút, ngày 20 tháng 3 năm 2024\.$/,
    );
    expect(buildApologyLetter(record(), calendar, t('2024-03-15T09:00:00+07:00')).paragraphs[2]).toBe(
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 18 tháng 3 năm 2024.',
    );
  });
});

function lifecycle(type: string, at: string, extra: Record<string, unknown> = {}) {
  return lifecycleEvent(type, { dossierId: 'H21.65-240304-0001', eventId: `${type}-${at}`, occurredAt: at, ...extra });
}

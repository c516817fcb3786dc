import { beforeAll, describe, expect, it } from 'vitest';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { composeMail } from '../../shared/domain/letters/compose-mail.ts';
import { MAX_ATTACHED_DRAFTS, timeLeftVi } from '../../shared/domain/letters/digest.ts';
import type { UnitBook } from '../../shared/domain/units/unit-directory.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

let context: FoldContext;
let calendar: WorkingCalendar;
let units: UnitBook;
beforeAll(async () => {
  const fold = await shippedFold();
  ({ context, calendar } = fold);
  units = fold.book.units;
});
const t = (iso: string) => Date.parse(iso);

/** A single-agency dossier received 04/03/2024 09:00, due 18/03/2024 17:00, moved to `now`. */
function dossier(id: string, now: string): DossierRecord {
  const received = parseDossierEvent(
    receivedEvent({
      dossierId: id,
      eventId: `${id}/r`,
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
    }),
  );
  const record = nextRecord(undefined, foldDossier(id, [received], context), calendar);
  return advanceStages(record, calendar, t(now)).record;
}

function digestAt(now: string, ...records: DossierRecord[]) {
  const { envelopes } = composeMail(
    records.map((record) => ({ record, sending: Object.values(record.notifications) })),
    { senderEmail: 'dunghan@example.vn', units, approvalLink: (id) => `https://dunghan.example.vn/approve/${id}` },
    calendar,
    t(now),
  );
  expect(envelopes).toHaveLength(1);
  return envelopes[0]?.mail;
}

describe("the officials' digest (issue #16)", () => {
  it('counts dossiers in its subject, puts the most urgent first, and links every item still awaiting approval', () => {
    // One dossier reached three stages in this run (missed runs); another is only due soon.
    const late = dossier('H21.65-240304-0001', '2024-03-19T08:00:00+07:00');
    const soon = dossier('H21.65-240308-0002', '2024-03-14T17:15:00+07:00');
    const mail = digestAt('2024-03-19T08:00:00+07:00', soon, late);
    expect(mail?.subject).toBe('[Đúng Hạn] 2 hồ sơ cần xử lý, 1 quá hạn — 08:00 ngày 19/03/2024');
    const headlines = [...(mail?.text ?? '').matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]);
    expect(headlines).toEqual(['Quá hạn trả kết quả', 'Sắp đến hạn trả kết quả — đã soạn sẵn phiếu xin lỗi']);
    expect((mail?.text ?? '').match(/Duyệt phiếu xin lỗi: https:/g)).toHaveLength(2);
    expect(mail?.html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(mail?.html).toMatch(/<a href="https:\/\/dunghan\.example\.vn\/approve\/[^"]+" style="display:inline-block;/);
  });

  it('gives a dossier one entry however many of its alerts the run sends, never "sắp đến hạn" once it is overdue', () => {
    // Missed runs (or a late import): the run finds the dossier due soon, past its apology deadline and
    // overdue at once.
    const late = dossier('H21.65-240304-0001', '2024-03-19T08:00:00+07:00');
    expect(Object.values(late.notifications).map((n) => n.kind)).toEqual([
      'due_soon',
      'apology_deadline_missed',
      'overdue',
    ]);
    const mail = digestAt('2024-03-19T08:00:00+07:00', late);
    const text = mail?.text ?? '';
    expect(text).toContain(
      [
        '1. Quá hạn trả kết quả',
        '   Đồng thời: Đã qua thời điểm phải gửi phiếu xin lỗi (chậm nhất 01 ngày trước hạn)',
        '   Hồ sơ H21.65-240304-0001 — ',
      ].join('\n'),
    );
    expect(text).not.toContain('Sắp đến hạn');
    expect(text.match(/Hồ sơ H21\.65-240304-0001/g)).toHaveLength(1);
    expect(text.match(/Duyệt phiếu xin lỗi: /g)).toHaveLength(1);
    expect(mail?.html.match(/<li /g)).toHaveLength(1);
    expect(mail?.html.match(/Xem, sửa và duyệt phiếu xin lỗi/g)).toHaveLength(1);
    expect(mail?.attachments?.map((a) => a.filename)).toEqual(['phieu-xin-loi-H21.65-240304-0001.docx']);
  });

  it('attaches the drafts of the most urgent dossiers only, up to its limit, and says where the others are', () => {
    const soon = Array.from({ length: MAX_ATTACHED_DRAFTS + 2 }, (_, i) =>
      dossier(`H21.65-240308-${String(i).padStart(4, '0')}`, '2024-03-14T17:15:00+07:00'),
    );
    const late = ['H21.65-240304-0901', 'H21.65-240304-0902', 'H21.65-240304-0903'].map((id) =>
      dossier(id, '2024-03-19T08:00:00+07:00'),
    );
    const mail = digestAt('2024-03-19T08:00:00+07:00', ...soon, ...late);
    const names = mail?.attachments?.map((a) => a.filename) ?? [];
    expect(names).toHaveLength(MAX_ATTACHED_DRAFTS);
    expect(names.slice(0, 3)).toEqual(late.map((r) => `phieu-xin-loi-${r.state.dossierId}.docx`));
    expect(mail?.text).toContain(
      `phiếu xin lỗi dự thảo của ${MAX_ATTACHED_DRAFTS} hồ sơ khẩn nhất được đính kèm dưới dạng .docx để chỉnh sửa và ký; đề nghị đồng chí xem, sửa và duyệt phiếu của 5 hồ sơ còn lại qua nút “Xem, sửa và duyệt phiếu xin lỗi” của từng hồ sơ.`,
    );
    // Every dossier is still in the digest with its approval link.
    expect((mail?.text ?? '').match(/Duyệt phiếu xin lỗi: /g)).toHaveLength(soon.length + late.length);
    // Under the limit, the footer is the usual one.
    const few = digestAt('2024-03-19T08:00:00+07:00', ...late);
    expect(few?.attachments).toHaveLength(3);
    expect(few?.text).toContain('phiếu xin lỗi đính kèm dưới dạng .docx để chỉnh sửa, ký hoặc in.');
  });

  it('says "đã hết hạn" at the due instant, not "còn dưới 1 giờ"', () => {
    expect(timeLeftVi(calendar, t('2024-03-18T17:00:00+07:00'), t('2024-03-18T17:00:00+07:00'))).toBe('đã hết hạn');
    expect(timeLeftVi(calendar, t('2024-03-18T17:00:00+07:00'), t('2024-03-18T17:15:00+07:00'))).toBe('đã hết hạn');
    expect(timeLeftVi(calendar, t('2024-03-18T17:00:00+07:00'), t('2024-03-19T09:00:00+07:00'))).toMatch(
      /^đã quá hạn \d+ giờ làm việc$/,
    );
    expect(timeLeftVi(calendar, t('2024-03-18T17:00:00+07:00'), t('2024-03-18T16:45:00+07:00'))).toBe(
      'còn dưới 1 giờ làm việc',
    );
  });
});

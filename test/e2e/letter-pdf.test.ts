import { mkdirSync, writeFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { approveApology } from '../../shared/domain/dossier/re-appointment.ts';
import { renderLetterDocx } from '../../shared/domain/letters/apology-docx.ts';
import { buildApologyLetter, statusPageUrl } from '../../shared/domain/letters/apology-letter.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';
import { type RenderedPdf, renderWithLibreOffice } from '../support/libreoffice.ts';

/*
 * Issue #16: the apology letter as the official prints it — the generated .docx of both forms rendered by
 * LibreOffice headless to PDF: one A5 page for any realistic content, the mandated parts present, the
 * motto on one line; for a reason as long as the contract allows, a clean break before the signature
 * block, never the signer's name alone.
 */

/** The public pages' base URL as the CDK app gives it (a REST API stage, ADR 0018). */
const PUBLIC_BASE = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com/p';

let context: FoldContext;
let calendar: WorkingCalendar;
let pdfs: Record<string, RenderedPdf>;

const LONG_PROCEDURE =
  'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các trường hợp chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn bằng quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất; cho thuê, cho thuê lại quyền sử dụng đất của doanh nghiệp đầu tư hạ tầng';
const LONG_ORGANISATION =
  'Công ty Trách nhiệm hữu hạn Một thành viên Đầu tư Xây dựng và Phát triển Nông nghiệp Công nghệ cao Krông Pa – Gia Lai';
const REALISTIC_REASON =
  'Hồ sơ phải chuyển Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa đo đạc, chỉnh lý bản đồ địa chính thửa đất và chờ Chi cục Thuế huyện Krông Pa xác định nghĩa vụ tài chính; trong thời gian này người sử dụng đất đề nghị bổ sung giấy tờ về nguồn gốc sử dụng đất nên việc thẩm định kéo dài hơn thời hạn đã hẹn.';

function letterFor(
  id: string,
  day: string,
  changes: Record<string, unknown> = {},
  reason?: string,
  more: DossierEvent[] = [],
): Buffer {
  const received = parseDossierEvent(
    receivedEvent({
      dossierId: id,
      eventId: `${id}/r`,
      occurredAt: `${day}T09:00:00+07:00`,
      receivedAt: `${day}T09:00:00+07:00`,
      appointmentAt: undefined,
      ...changes,
    }),
  );
  let record: DossierRecord = nextRecord(undefined, foldDossier(id, [received, ...more], context), calendar);
  const now = Date.parse(`${day}T09:00:00+07:00`) + 40 * 86_400_000;
  record = advanceStages(record, calendar, now).record;
  if (reason) {
    const due = record.state.dueAt ?? '';
    const next = new Date(Date.parse(due) + 10 * 86_400_000).toISOString().slice(0, 10);
    const day10 = calendar.workingDayOnOrAfter(Date.parse(`${next}T00:00:00Z`) / 86_400_000);
    const iso = new Date(day10 * 86_400_000).toISOString().slice(0, 10);
    // Approved on the due day's morning: the new date is still ahead.
    const approvedAt = Math.min(now, Date.parse(due) - 8 * 3_600_000);
    record = approveApology(record, { reason, newReturnDate: iso, approvedBy: 'Rơ Lan Thị Hoa' }, calendar, approvedAt);
  }
  return renderLetterDocx(buildApologyLetter(record, calendar, now, undefined, statusPageUrl(PUBLIC_BASE, id)));
}

beforeAll(async () => {
  ({ context, calendar } = await shippedFold());
  const organisation = {
    applicant: { kind: 'organisation', name: LONG_ORGANISATION, idNumber: '5901234567', email: 'congty@example.vn' },
    procedure: { code: '1.013831', name: LONG_PROCEDURE, field: 'Đất đai' },
    agency: {
      id: 'H21.65',
      name: 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai',
      parentName: 'Ủy ban nhân dân tỉnh Gia Lai',
      place: 'Gia Lai',
    },
  };
  const restart = (id: string, day: string) =>
    ['DossierSupplementRequested', 'DossierSupplemented'].map((type, i) =>
      parseDossierEvent(
        lifecycleEvent(type, { dossierId: id, eventId: `${type}`, occurredAt: `${day}T${10 + i}:00:00+07:00` }),
      ),
    );
  pdfs = await renderWithLibreOffice({
    form2018: letterFor('H21.65-240304-0001', '2024-03-04'),
    form2025: letterFor('H21.65-260302-0001', '2026-03-02'),
    longest2018: letterFor(
      'H21.65-240304-0002',
      '2024-03-04',
      organisation,
      REALISTIC_REASON,
      restart('H21.65-240304-0002', '2024-03-06'),
    ),
    longest2025: letterFor(
      'H21.65-260302-0002',
      '2026-03-02',
      organisation,
      REALISTIC_REASON,
      restart('H21.65-260302-0002', '2026-03-04'),
    ),
    extreme: letterFor(
      'H21.65-260302-0003',
      '2026-03-02',
      organisation,
      `${REALISTIC_REASON} `.repeat(6).slice(0, 2000),
    ),
  });
}, 180_000);

const A5 = { width: 419.5, height: 595.3 };

describe('the apology letter printed (LibreOffice headless, A5)', () => {
  for (const name of ['form2018', 'form2025', 'longest2018', 'longest2025']) {
    it(`${name}: one A5 page with every mandated part, the motto on one line`, () => {
      const pdf = pdfs[name] as RenderedPdf;
      expect(pdf.size.width).toBeCloseTo(A5.width, 0);
      expect(pdf.size.height).toBeCloseTo(A5.height, 0);
      expect(pdf.pages).toBe(1);
      const text = pdf.text[0] ?? '';
      expect(text).toMatch(/CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
      expect(text).toMatch(/Độc lập - Tự do - Hạnh phúc/);
      expect(text).toMatch(/Kính gửi:/);
      expect(text).toMatch(/Lý do:/);
      expect(text).toMatch(/THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ/);
      expect(text).toMatch(/Rơ Lan Thị Hoa/);
      expect(text).toMatch(name.endsWith('2018') ? /HẸN LẠI NGÀY TRẢ KẾT QUẢ/ : /GIA HẠN THỜI GIAN GIẢI QUYẾT/);
    });
  }

  it("carries a QR code a phone reads as the dossier's status page (issue #18)", () => {
    for (const [name, id] of [
      ['form2018', 'H21.65-240304-0001'],
      ['longest2025', 'H21.65-260302-0002'],
    ] as const) {
      mkdirSync('test-results', { recursive: true });
      writeFileSync(`test-results/letter-${name}.png`, (pdfs[name] as RenderedPdf).firstPagePng);
      const page = PNG.sync.read((pdfs[name] as RenderedPdf).firstPagePng);
      const rgba = new Uint8ClampedArray(page.data);
      expect(jsQR(rgba, page.width, page.height)?.data, name).toBe(`${PUBLIC_BASE}/tra-cuu/${id}`);
      expect((pdfs[name] as RenderedPdf).text[0]).toMatch(/Quét mã để tra cứu hồ sơ/);
    }
  });

  it('a reason as long as the contract allows breaks cleanly before the signature block', () => {
    const pdf = pdfs.extreme as RenderedPdf;
    expect(pdf.pages).toBeLessThanOrEqual(2);
    const last = pdf.text.at(-1) ?? '';
    // The closing sentence, the signer's title and name together on the last page.
    expect(last).toMatch(/Mong nhận được sự thông cảm/);
    expect(last).toMatch(/THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ/);
    expect(last).toMatch(/Rơ Lan Thị Hoa/);
  });
});

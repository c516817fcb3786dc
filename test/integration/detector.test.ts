import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_LINK_SECRET, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import type { ScriptedBrowser } from '../../local/scripted-browser.ts';
import { clearSentEmails, type StoredEmail, sentEmails } from '../../local/ses-server.ts';
import { signApprovalToken } from '../../shared/domain/approval-link.ts';
import { describeDossier } from '../../shared/use-cases/describe-dossier.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { DetectorRunFailedError } from '../../shared/use-cases/run-detector.ts';
import { OPERATOR } from '../support/actors.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { alertsAndLetters } from '../support/fixtures.ts';
import { approveInBrowser, ensureUsers, FACTORY_HEAD, signedInBrowser } from '../support/sign-in.ts';

let now = Date.parse('2024-03-04T09:00:00+07:00');
const clock = { now: () => now };
const at = (iso: string) => {
  now = Date.parse(iso);
};
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
  await ensureUsers(runtime, FACTORY_HEAD);
});
afterAll(async () => {
  await runtime?.close();
});
beforeEach(async () => {
  await clearSentEmails(runtime.sesEndpoint ?? '');
});

async function deliver(...events: ReturnType<typeof receivedEvent>[]) {
  for (const event of events) {
    const [delivery] = await runtime.deliver(event);
    if (!delivery?.ok) throw delivery?.error;
  }
}

async function mail(): Promise<StoredEmail[]> {
  return alertsAndLetters(await sentEmails(runtime.sesEndpoint ?? ''));
}

let head: ScriptedBrowser;

/** The head on the receipt approves in their signed-in browser (ADR 0023). */
async function approve(_dossierId: string, url: string, form: Record<string, string>) {
  head ??= await signedInBrowser(runtime, FACTORY_HEAD.username);
  return approveInBrowser(head, url, form);
}

describe('the detector walks a dossier through every stage on a simulated clock (dynalite + SES emulator)', () => {
  const id = 'H21.65-240304-0101';
  let approvalUrl = '';

  it('stays quiet while the dossier is on track', async () => {
    at('2024-03-04T09:00:00+07:00');
    // 10 working days (1.013831 before 2025): 5,6,7,8,11,12,13,14,15,18 → due Mon 18/3/2024 17:00.
    await deliver(
      receivedEvent({
        dossierId: id,
        eventId: `${id}/r`,
        occurredAt: '2024-03-04T09:00:00+07:00',
        receivedAt: '2024-03-04T09:00:00+07:00',
        appointmentAt: '2024-03-18T17:00:00+07:00',
      }),
    );
    at('2024-03-14T16:59:00+07:00');
    const report = await runtime.detect();
    expect(report.moved).toEqual({});
    expect(await mail()).toEqual([]);
  });

  it('at DUE_SOON (2 working days before) sends the official one digest with the draft letter (.docx) and a signed approval link', async () => {
    at('2024-03-14T17:15:00+07:00');
    const report = await runtime.detect();
    expect(report.moved).toEqual({ DUE_SOON: 1 });
    const emails = await mail();
    expect(emails).toHaveLength(1);
    const [digest] = emails;
    expect(digest?.destination.to).toEqual(['an.nv@example.vn']);
    // The head who signs the apology is copied: the link is theirs, bound to them (ADR 0023).
    expect(digest?.destination.cc).toEqual(['hoa.rlt@example.vn']);
    expect(digest?.subject).toBe('[Đúng Hạn] 1 hồ sơ cần xử lý — 17:15 ngày 14/03/2024');
    expect(digest?.body.text).toContain('Sắp đến hạn trả kết quả — đã soạn sẵn phiếu xin lỗi');
    expect(digest?.body.text).toContain(
      `Hồ sơ ${id} — Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất`,
    );
    expect(digest?.body.text).toContain('Hạn trả kết quả: 17:00 ngày 18/03/2024 (còn 2 ngày làm việc)');
    expect(digest?.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`phieu-xin-loi-${id}.docx`, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ]);
    approvalUrl = /Duyệt phiếu xin lỗi: (\S+)/.exec(digest?.body.text ?? '')?.[1] ?? '';
    expect(approvalUrl).toMatch(new RegExp(`^${runtime.apiUrl}/approve/${id}\\?token=`));
    const published = runtime.bus.published.filter((e) => (e.detail as { dossierId: string }).dossierId === id);
    expect(published.map((e) => e['detail-type']).sort()).toEqual(['ApologyDrafted', 'DossierDueSoon']);
  });

  it('sends nothing twice when run again or by overlapping runs', async () => {
    at('2024-03-14T17:30:00+07:00');
    const [a, b] = await Promise.all([runtime.detect(), runtime.detect()]);
    expect((a.emailsSent ?? 0) + (b.emailsSent ?? 0)).toBe(0);
    expect(await mail()).toEqual([]);
  });

  it('when the apology deadline passes without approval, alerts the official and copies the head', async () => {
    at('2024-03-15T17:05:00+07:00');
    const report = await runtime.detect();
    expect(report.moved).toEqual({ APOLOGY_DEADLINE: 1 });
    const [digest] = await mail();
    expect(digest?.destination.to).toEqual(['an.nv@example.vn']);
    expect(digest?.destination.cc).toEqual(['hoa.rlt@example.vn']);
    expect(digest?.body.text).toContain('Đã qua thời điểm phải gửi phiếu xin lỗi');
  });

  it('approves once through the signed link, then mails the apology to the citizen with the reason and the new date', async () => {
    at('2024-03-15T17:20:00+07:00');
    // The link alone shows nothing: it sends the browser to sign in (ADR 0023).
    const anonymous = await fetch(approvalUrl, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/auth\/login\?next=%2Fapprove%2F/);
    head = await signedInBrowser(runtime, FACTORY_HEAD.username);
    const page = (await head.open(approvalUrl)).response;
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Duyệt phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(html).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    const tooEarly = await approve(id, approvalUrl, {
      reason: 'Chờ kết quả đo đạc',
      newReturnDate: '2024-03-18',
      approvedBy: 'Rơ Lan Thị Hoa',
    });
    expect(tooEarly.status).toBe(400);
    expect(await tooEarly.text()).toContain('Ngày hẹn mới phải sau hạn trả kết quả theo quy định.');
    const ok = await approve(id, approvalUrl, {
      reason: 'Chờ kết quả đo đạc thửa đất của Văn phòng đăng ký đất đai',
      newReturnDate: '2024-03-22',
      approvedBy: 'Rơ Lan Thị Hoa',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ngày hẹn trả kết quả mới là <b>22/03/2024</b>');
    // Issue #16: sent within the approval's own handling (the delivery function reacts to its event), once.
    expect((await mail()).map((m) => m.destination.to)).toEqual([['hbia.ksor@example.vn']]);
    const again = await approve(id, approvalUrl, { reason: 'Lần hai', newReturnDate: '2024-03-29', approvedBy: 'X' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('không được hẹn lại lần thứ hai');
    // Issue #16: the used link shows the approval and what was sent, not the blank form again.
    const used = await (await head.open(approvalUrl)).response.text();
    // No approval form (only the sign-out's).
    expect(used).not.toContain('name="reason"');
    expect(used).toContain('Đã duyệt lúc <b>17:20 ngày 15/03/2024</b> bởi <b>Rơ Lan Thị Hoa</b>');
    expect(used).toContain('ngày hẹn trả kết quả mới: <b>22/03/2024</b>');
    expect(used).toContain('Phiếu đã được gửi đến email của công dân lúc 17:20 ngày 15/03/2024.');
    // And `dunghan dossier` shows it in the history.
    const view = await describeDossier(
      { store: runtime.store, rules: new RuleBook(runtime.config, clock, 0), clock },
      id,
      OPERATOR,
    );
    expect(view?.history.filter((h) => h.kind.startsWith('apology_'))).toEqual([
      {
        at: '2024-03-15T17:20:00+07:00',
        kind: 'apology_approved',
        // Who signed: the console's history names them (issue #34), the note as their sign-in does (issue #30).
        by: 'Rơ Lan Thị Hoa',
        note: 'by Rơ Lan Thị Hoa (head:H21.65, signed in as hoa.rlt.test); new return date 2024-03-22T17:00:00+07:00; reason: Chờ kết quả đo đạc thửa đất của Văn phòng đăng ký đất đai',
      },
      // The applicant gave an email and a mobile number: both channels, once each (issue #18).
      { at: '2024-03-15T17:20:00+07:00', kind: 'apology_issued', note: 'sent to the applicant by email and Zalo' },
    ]);

    at('2024-03-15T17:30:00+07:00');
    await runtime.detect();
    const emails = await mail();
    expect(emails).toHaveLength(1);
    const [letter] = emails;
    expect(letter?.destination.to).toEqual(['hbia.ksor@example.vn']);
    expect(letter?.subject).toBe(`UBND huyện Krông Pa: Phiếu xin lỗi và hẹn lại ngày trả kết quả — hồ sơ ${id}`);
    const text = letter?.body.text ?? '';
    for (const expected of [
      'UBND TỈNH GIA LAI',
      'UBND HUYỆN KRÔNG PA',
      'Số: ……/PXL',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Krông Pa, ngày 15 tháng 3 năm 2024',
      "Kính gửi: Ông/Bà Ksor H'Bia",
      'Ngày 04 tháng 3 năm 2024, UBND huyện Krông Pa tiếp nhận hồ sơ',
      `Mã số hồ sơ: ${id}.`,
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 18 tháng 3 năm 2024.',
      'Lý do: Chờ kết quả đo đạc thửa đất của Văn phòng đăng ký đất đai',
      'vào ngày 22 tháng 3 năm 2024.',
      'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ',
      '(Ký và ghi rõ họ tên)',
      'Mẫu số 04 ban hành kèm theo Thông tư số 01/2018/TT-VPCP',
    ]) {
      expect(text).toContain(expected);
    }
    expect(runtime.bus.published.some((e) => e['detail-type'] === 'ApologyIssued')).toBe(true);
    at('2024-03-15T17:45:00+07:00');
    await runtime.detect();
    expect(await mail()).toHaveLength(1);
  });

  it('at the due date alerts OVERDUE, and at the extended date SECOND_OVERRUN, each once, with the head copied', async () => {
    at('2024-03-18T17:10:00+07:00');
    expect((await runtime.detect()).moved).toEqual({ OVERDUE: 1 });
    at('2024-03-22T17:10:00+07:00');
    expect((await runtime.detect()).moved).toEqual({ SECOND_OVERRUN: 1 });
    const emails = await mail();
    expect(emails.map((e) => e.destination.cc)).toEqual([['hoa.rlt@example.vn'], ['hoa.rlt@example.vn']]);
    expect(emails[1]?.body.text).toContain('Quá cả ngày hẹn lại — không được hẹn lại lần thứ hai');
    const { record } = await runtime.store.load(id);
    expect(record?.stagesReached.map((s) => s.stage)).toEqual([
      'DUE_SOON',
      'APOLOGY_DEADLINE',
      'OVERDUE',
      'SECOND_OVERRUN',
    ]);
    expect(record?.nextActionAt).toBeNull();
    expect(record?.state.originalDueAt).toBe('2024-03-18T17:00:00+07:00');
    expect(record?.extendedDueAt).toBe('2024-03-22T17:00:00+07:00');
  });
});

describe('failures', () => {
  it('a bad address fails only its own dossier: the others are sent, the run fails at the end, retries are bounded', async () => {
    at('2024-04-01T09:00:00+07:00');
    // Due Mon 15/4 (10 wd, Giỗ Tổ 18/4 is later): DUE_SOON at Thu 11/4 17:00.
    for (const [n, email] of [
      ['0201', 'official.ok@example.vn'],
      ['0202', 'không phải email'],
    ] as const) {
      await deliver(
        receivedEvent({
          dossierId: `H21.65-240401-${n}`,
          eventId: `${n}/r`,
          occurredAt: '2024-04-01T09:00:00+07:00',
          receivedAt: '2024-04-01T09:00:00+07:00',
          appointmentAt: '2024-04-15T17:00:00+07:00',
          official: { id: `cb-${n}`, name: `Cán bộ ${n}`, email },
        }),
      );
    }
    at('2024-04-11T17:30:00+07:00');
    const error = await runtime.detect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DetectorRunFailedError);
    const report = (error as DetectorRunFailedError).report;
    expect(report.moved).toEqual({ DUE_SOON: 2 });
    expect(report.failures.map((f) => f.dossierId)).toEqual(['H21.65-240401-0202']);
    expect(report.failures[0]?.reason).toMatch(/invalid address.*attempt 1, retried later/);
    expect((await mail()).map((m) => m.destination.to)).toEqual([['official.ok@example.vn']]);
    // Retried with backoff (15, 30, 60, 120 min), then flagged: five attempts in all, never more.
    for (const minutes of [16, 47, 108, 229, 500, 900]) {
      at(new Date(Date.parse('2024-04-11T17:30:00+07:00') + minutes * 60_000).toISOString());
      await runtime.detect().catch(() => undefined);
    }
    const { record } = await runtime.store.load('H21.65-240401-0202');
    const notification = Object.values(record?.notifications ?? {})[0];
    expect(notification?.attempts).toBe(5);
    expect(notification?.failedAt).toBeDefined();
    expect(record?.lease).toBeUndefined();
    expect((await mail()).map((m) => m.destination.to)).toEqual([['official.ok@example.vn']]);
  });
});

describe('a citizen without an email address', () => {
  it('gets the approved apology as a printable letter in a digest to the desk official, sent at the approval', async () => {
    const id = 'H21.65-240506-0401';
    at('2024-05-06T09:00:00+07:00');
    await deliver(
      receivedEvent({
        dossierId: id,
        eventId: `${id}/r`,
        occurredAt: '2024-05-06T09:00:00+07:00',
        receivedAt: '2024-05-06T09:00:00+07:00',
        appointmentAt: '2024-05-20T17:00:00+07:00',
        applicant: { kind: 'person', name: 'Siu H’Nhi', idNumber: '064190009999', address: 'Buôn Ma Giai, xã Chư Gu' },
      }),
    );
    at('2024-05-16T17:30:00+07:00');
    await runtime.detect().catch(() => undefined); // the bad-address dossier above still fails, alone
    const link =
      /Duyệt phiếu xin lỗi: (\S+)/.exec((await mail()).find((m) => m.body.text?.includes(id))?.body.text ?? '')?.[1] ??
      '';
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const approved = await approve(id, link, {
      reason: 'Chờ ý kiến của Chi cục Thuế',
      newReturnDate: '2024-05-24',
      approvedBy: 'Rơ Lan Thị Hoa',
    });
    expect(await approved.text()).toContain('bộ phận một cửa sẽ nhận bản in phiếu');
    // Issue #16: the approval is delivered at once (the delivery function reacts to it), not by the next run.
    const [digest, ...more] = await mail();
    expect(more).toEqual([]);
    expect(digest?.destination.to).toEqual(['an.nv@example.vn']);
    expect(digest?.body.text).toContain(
      'Phiếu xin lỗi cần in và trao cho công dân (không gửi được qua email, Zalo hoặc tin nhắn SMS)',
    );
    expect(digest?.body.text).toContain('Kính gửi: Ông/Bà Siu H’Nhi');
    expect(digest?.body.text).toContain('Lý do: Chờ ý kiến của Chi cục Thuế');
    expect(digest?.attachments.map((a) => a.filename)).toEqual([`phieu-xin-loi-${id}.docx`]);
    expect((await runtime.store.load(id)).record?.apology).toMatchObject({ status: 'issued', channel: 'desk' });
    // The next run has nothing left to send for it.
    await clearSentEmails(runtime.sesEndpoint ?? '');
    at('2024-05-16T17:45:00+07:00');
    await runtime.detect().catch(() => undefined); // the bad-address dossier above still fails, alone
    expect((await mail()).filter((m) => m.body.text?.includes(id))).toEqual([]);
  });
});

describe('an expired approval link (issue #16)', () => {
  it('says so and names whom to ask: the desk that received the dossier', async () => {
    const id = 'H21.65-240304-0101';
    const token = signApprovalToken(LOCAL_LINK_SECRET, id, now - 60_000);
    const response = await fetch(`${runtime.apiUrl}/approve/${encodeURIComponent(id)}?token=${token}`);
    expect(response.status).toBe(410);
    const page = await response.text();
    expect(page).toContain('Đường dẫn đã hết hạn.');
    expect(page).toContain(
      `Nếu cần duyệt ngay, đề nghị liên hệ Nguyễn Văn An, bộ phận một cửa UBND huyện Krông Pa (nơi tiếp nhận hồ sơ ${id}), để duyệt trực tiếp trên hệ thống.`,
    );
  });
});

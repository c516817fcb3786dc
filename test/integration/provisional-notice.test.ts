import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { sentEmails } from '../../local/ses-server.ts';
import { systemClock } from '../../shared/ports/clock.ts';
import { notifyProvisionalYears } from '../../shared/use-cases/notify-provisional-years.ts';
import { calendarIdsOf, RuleBook } from '../../shared/use-cases/rule-book.ts';

let now = Date.parse('2026-10-30T09:00:00+07:00');
const clock = { now: () => now };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock, mail: true, adminEmails: ['quantri@sonv.gialai.gov.vn'] });
});
afterAll(async () => {
  await runtime?.close();
});

const notices = async () =>
  (await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.subject.includes('lịch dự kiến'));

describe('administrators are told when next year’s calendar is still provisional (dynalite + SES emulator)', () => {
  it('says nothing in October, emails once from 1 November, and never again for that year', async () => {
    await runtime.detect();
    expect(await notices()).toEqual([]);

    now = Date.parse('2026-11-02T07:15:00+07:00');
    await runtime.detect();
    await runtime.detect();
    now = Date.parse('2026-11-03T07:15:00+07:00');
    await runtime.detect();
    const mails = await notices();
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.destination.to).toEqual(['quantri@sonv.gialai.gov.vn']);
    expect(mail?.subject).toBe(
      '[Đúng Hạn] Lịch làm việc năm 2027 (vn-civil-service) còn là lịch dự kiến — cần xác nhận',
    );
    const text = mail?.body.text ?? '';
    expect(text).toContain('Đến ngày 02/11/2026, lịch làm việc năm 2027 (năm sau)');
    // Tết Đinh Mùi: mùng 1 is 6/2/2027; the derived block is giao thừa and mùng 1–4.
    expect(text).toContain('05/02/2027 — Tết Âm lịch (nghỉ lễ, Tết)');
    expect(text).toContain('09/02/2027 — Tết Âm lịch (nghỉ lễ, Tết)');
    // 1/5/2027 is a Saturday: its compensating day is derived.
    expect(text).toContain('03/05/2027 — Nghỉ bù Ngày Quốc tế Lao động (1/5)');
    expect(text).toContain('dunghan calendars put <tệp lịch> --legal-basis');
    expect(mail?.body.html).toContain('<li>16/04/2027 — Giỗ Tổ Hùng Vương (10/3 âm lịch) (nghỉ lễ, Tết)</li>');
  });

  it('resends a notice whose run died between the claim and the send, once the claim has expired', async () => {
    // Another run claimed the 2028 notice at 1/11/2027 and died before sending.
    const claimedAt = Date.parse('2027-11-01T08:00:00+07:00');
    expect(
      await runtime.config.claimNotice(
        'provisional#vn-civil-service#2028',
        new Date(claimedAt).toISOString(),
        new Date(claimedAt + 600_000).toISOString(),
      ),
    ).toBe(true);
    const deps = (at: number) => ({
      rules: new RuleBook(runtime.config, systemClock),
      calendarIds: () => calendarIdsOf(runtime.config),
      notices: runtime.config,
      mailer: { send: async () => ({ messageId: 'x' }) },
      clock: { now: () => at },
      config: { senderEmail: 'dunghan@mot-cua.example.vn', adminEmails: ['quantri@sonv.gialai.gov.vn'] },
    });
    // Within the claim another run leaves it alone (and 2027, still provisional, was told already).
    const during = await notifyProvisionalYears(deps(claimedAt + 60_000));
    expect(during.sent).toEqual([]);
    // After it: sent, and only once.
    const after = await notifyProvisionalYears(deps(claimedAt + 700_000));
    expect(after.sent).toEqual([{ calendarId: 'vn-civil-service', year: 2028 }]);
    expect((await notifyProvisionalYears(deps(claimedAt + 800_000))).sent).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { clearSentEmails, type StoredEmail, sentEmails } from '../../local/ses-server.ts';
import { forecastPeriodOf } from '../../shared/use-cases/notify-timeliness-forecast.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';
import { WEEKLY_DIGEST_SUBJECT } from '../support/fixtures.ts';

/*
 * Issue #19: once a week each unit head gets the QĐ 766 section of their digest — the quarter's score,
 * its forecast, the open dossiers at risk — read back from the SES emulator; a second run in the same
 * week sends nothing, the next week sends again.
 */
let now = Date.parse('2026-11-02T09:00:00+07:00');
let runtime: LocalRuntime;
const COMMUNE_HEAD = 'bia.nh@iarmok.krongpa.example.vn';
const REGISTRY_HEAD = 'lan.st@vpdkdd.krongpa.example.vn';
const SUBJECT = WEEKLY_DIGEST_SUBJECT;

async function detectAt(iso: string): Promise<StoredEmail[]> {
  now = Date.parse(iso);
  await clearSentEmails(runtime.sesEndpoint ?? '');
  await runtime.detect();
  return (await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.subject.startsWith(SUBJECT));
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 0 });
  // Two land dossiers at the commune of Ia Rmok, due Thu 12/11 17:00 (appointment on the receipt):
  // one returned on Tue 10/11, one still open.
  for (const event of [
    communeLandReceipt('H21.65.01-261102-0101'),
    communeLandReceipt('H21.65.01-261102-0102'),
    lifecycleEvent('DossierResolved', {
      dossierId: 'H21.65.01-261102-0101',
      eventId: 'H21.65.01-261102-0101/resolved',
      occurredAt: '2026-11-10T10:00:00+07:00',
    }),
  ]) {
    now = Date.parse(String((event.detail as { occurredAt: string }).occurredAt));
    const [delivery] = await runtime.deliver(event);
    if (!delivery?.ok) throw delivery?.error;
  }
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

describe("the heads' weekly QĐ 766 section", () => {
  it('keys the week and the quarter in Vietnam time', () => {
    expect(forecastPeriodOf(Date.parse('2026-11-11T08:00:00+07:00'))).toEqual({
      from: '2026-10-01',
      to: '2026-12-31',
      label: 'quý 4/2026',
      week: '2026-W46',
    });
    // Sunday 23:30 in Vietnam is still the week before; 1 January 2027 (a Friday) is in 2026-W53.
    expect(forecastPeriodOf(Date.parse('2026-11-15T23:30:00+07:00')).week).toBe('2026-W46');
    expect(forecastPeriodOf(Date.parse('2027-01-01T08:00:00+07:00'))).toMatchObject({
      week: '2026-W53',
      label: 'quý 1/2027',
    });
  });

  it('mails the commune head the score, the forecast and the open dossier at risk, once in the week', async () => {
    const mails = await detectAt('2026-11-11T08:00:00+07:00');
    const head = mails.find((m) => m.destination.to.includes(COMMUNE_HEAD));
    expect(head?.subject).toBe(
      '[Đúng Hạn] Tiến độ giải quyết quý 4/2026: 20,00/20 điểm, dự báo 20,00 — UBND xã Ia Rmok',
    );
    const text = head?.body.text ?? '';
    expect(text).toContain('Kính gửi Chủ tịch UBND xã Nay H’Bia,');
    expect(text).toContain('Điểm hiện tại: 20,00/20 — 2/2 hồ sơ đúng hạn, trong hạn (100%).');
    expect(text).toContain(
      '1. H21.65.01-261102-0102 — Đất đai; bước 1/2, đang ở: Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa; phải xong trước 12/11/2026 17:00 (còn 1 ngày); mất 10,00 điểm nếu quá hạn',
    );
    expect(head?.body.html).toContain('<ol><li>H21.65.01-261102-0102');
    // Only heads whose unit received or holds dossiers: the commune, and the land registry holding the
    // open one (its head sees it at risk too); the tax office and the other communes get nothing.
    expect(mails.map((m) => m.destination.to.join(',')).sort()).toEqual([COMMUNE_HEAD, REGISTRY_HEAD]);
    const registry = mails.find((m) => m.destination.to.includes(REGISTRY_HEAD))?.body.text ?? '';
    expect(registry).toContain('được tính vào điểm của đơn vị tiếp nhận.');
    expect(registry).toContain('(còn 1 ngày); UBND xã Ia Rmok mất 10,00 điểm nếu quá hạn');
    expect(await detectAt('2026-11-12T09:00:00+07:00')).toEqual([]);
  });

  it('the next week again: the open dossier overdue now costs its points, nothing left at risk', async () => {
    const mails = await detectAt('2026-11-16T08:00:00+07:00');
    const text = mails.find((m) => m.destination.to.includes(COMMUNE_HEAD))?.body.text ?? '';
    expect(text).toContain('Điểm hiện tại: 10,00/20 — 1/2 hồ sơ đúng hạn, trong hạn (50%).');
    expect(text).toContain('Không có hồ sơ đang giải quyết nào của đơn vị có nguy cơ làm mất điểm.');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { statusPageUrl } from '../../shared/domain/letters/apology-letter.ts';
import { buildReceiptSlip, renderReceiptSlipHtml } from '../../shared/domain/letters/receipt-slip.ts';
import { LOOKUP_LIMITS } from '../../shared/use-cases/look-up-dossier.ts';
import { approvedApology, detectorDeps, localSesClients, type TestClock } from '../support/approved-apology.ts';
import { launchChromium } from '../support/chromium.ts';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';

// The citizens' status page (issue #18) through its real handler, on the local API, in headless Chromium.

const clock: TestClock = {
  at: Date.parse('2024-03-11T10:00:00+07:00'),
  now() {
    return this.at;
  },
};
let runtime: LocalRuntime;
let browser: Browser;
const LAND = 'H21.65-240304-0101';
const SUPPLEMENTED = 'H21.65-240304-0102';
const APOLOGISED = 'H21.65-240304-0103';
/** A code with lower-case letters, as some one-stop systems issue them (the contract allows it). */
const LOWER = 'qnam-hs-240304-0104a';
/** What the page must never show: the applicant's and the official's personal data. */
const PERSONAL = [
  "Ksor H'Bia",
  '0912345678',
  '064190001234',
  'hbia.ksor@example.vn',
  'Nguyễn Văn An',
  'an.nv@example.vn',
];

async function deliver(event: Parameters<LocalRuntime['deliver']>[0]) {
  for (const d of await runtime.deliver(event)) if (!d.ok) throw d.error;
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
  // Received on Monday 04/03/2024 at 17:30 (after the rule's 17:00 cut-off: counted from Tuesday), 10 working days.
  await deliver(
    receivedEvent({
      dossierId: LAND,
      eventId: `${LAND}/r`,
      occurredAt: '2024-03-04T17:30:00+07:00',
      receivedAt: '2024-03-04T17:30:00+07:00',
      appointmentAt: '2024-03-19T17:00:00+07:00',
    }),
  );
  await deliver(
    receivedEvent({
      dossierId: SUPPLEMENTED,
      eventId: `${SUPPLEMENTED}/r`,
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
    }),
  );
  await deliver(
    receivedEvent({
      dossierId: LOWER,
      eventId: `${LOWER}/r`,
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
    }),
  );
  await deliver(
    lifecycleEvent('DossierSupplementRequested', {
      dossierId: SUPPLEMENTED,
      eventId: `${SUPPLEMENTED}/s`,
      occurredAt: '2024-03-05T10:00:00+07:00',
      reason: 'Thiếu bản sao giấy chứng nhận',
    }),
  );
  await deliver(
    lifecycleEvent('DossierSupplemented', {
      dossierId: SUPPLEMENTED,
      eventId: `${SUPPLEMENTED}/ss`,
      occurredAt: '2024-03-07T09:30:00+07:00',
    }),
  );
  const ses = localSesClients(runtime.sesEndpoint ?? '');
  const deps = detectorDeps(runtime, clock, new SesMailer(ses.atMostOnce));
  await approvedApology(runtime, clock, deps, APOLOGISED, '2024-02-26');
  clock.at = Date.parse('2024-03-11T10:00:00+07:00');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

/** A POST of the lookup form through the API's handler, from a client address of the test's choosing. */
async function lookUp(code: string, factor: string, sourceIp = '203.0.113.7'): Promise<string> {
  return post({ code, factor }, sourceIp);
}

/** A POST of one of the page's forms (the lookup, a one-time code asked for or typed). */
async function post(fields: Record<string, string>, sourceIp: string): Promise<string> {
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/tra-cuu',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/tra-cuu', sourceIp }, requestId: crypto.randomUUID() },
  } as unknown as APIGatewayProxyEventV2;
  const answer = (await runtime.invokeHttpApi(event, {} as never)) as APIGatewayProxyStructuredResultV2;
  expect(answer.statusCode).toBe(200);
  return String(answer.body);
}

describe('the citizens’ status page', () => {
  it('shows the status, the appointment and why, from the code and the last four digits, on a 390 px phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    // The QR code's target: the form with the code filled in.
    await page.goto(`${runtime.apiUrl}/tra-cuu/${encodeURIComponent(LAND)}`);
    expect(await page.inputValue('#code')).toBe(LAND);
    await page.fill('#factor', '5678'); // the phone number's last four digits
    await page.click('button[type=submit]');
    const text = await page.locator('main').innerText();
    expect(await page.locator('h1').innerText()).toBe('Tình trạng hồ sơ');
    expect(text).toContain('Đăng ký biến động quyền sử dụng đất');
    expect(text).toContain('UBND huyện Krông Pa');
    expect(text).toContain('Đang giải quyết');
    expect(text).toContain('17:00 ngày 19/03/2024');
    expect(text).toMatch(/Đang trong hạn: còn 6 ngày( \d+ giờ)? làm việc/);
    // Why: the cut-off and the weekends not counted, each named.
    expect(text).toContain(
      'Nhận từ 17:00 trở đi nên được tính là nhận vào ngày làm việc tiếp theo: Thứ Ba, 05/03/2024',
    );
    expect(text).toContain('09/03/2024 (Thứ Bảy)');
    for (const value of PERSONAL) expect(text).not.toContain(value);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/citizen-page.png', fullPage: true });
    await page.close();
  });

  it('prints the receipt slip (Mẫu 01) on one A5 page with a QR code that opens the page for the dossier', async () => {
    const { record } = await runtime.store.load(LAND);
    const url = statusPageUrl(runtime.apiUrl ?? '', LAND);
    const slip = buildReceiptSlip(record?.state as never, defaultCalendar(), url);
    const page = await browser.newPage({ viewport: { width: 560, height: 800 } });
    await page.setContent(renderReceiptSlipHtml(slip as NonNullable<typeof slip>));
    const pdf = await page.pdf({ format: 'A5', preferCSSPageSize: true });
    const file = join(mkdtempSync(join(tmpdir(), 'dunghan-receipt-')), 'receipt.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:.*\(A5\)/);
    const shot = PNG.sync.read(await page.screenshot({ fullPage: true, path: 'test-results/receipt-slip.png' }));
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(url);
    expect(await page.locator('body').innerText()).toContain(
      'Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 19 tháng 3 năm 2024',
    );
    // The QR code opens the form with the code filled in.
    await page.goto(url);
    expect(await page.inputValue('#code')).toBe(LAND);
    await page.close();
  });

  it('accepts the identity number’s last four digits too, and says when a supplement restarted the clock', async () => {
    const html = await lookUp(SUPPLEMENTED.toLowerCase(), '1234');
    expect(html).toContain('Tình trạng hồ sơ');
    expect(html).toContain('thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ bổ sung lúc 09:30 ngày 07/03/2024');
    expect(html).toContain('Hồ sơ đã được bổ sung đầy đủ nên thời hạn được tính lại');
  });

  it('finds a code issued with lower-case letters, as typed, within the same attempts', async () => {
    expect(await lookUp(LOWER, '5678', '198.51.100.20')).toContain('Tình trạng hồ sơ');
    expect(await lookUp(` ${LOWER.toUpperCase()} `, '5678', '198.51.100.21')).not.toContain('Tình trạng hồ sơ');
  });

  it('shows the approved apology letter and the new date', async () => {
    const html = await lookUp(APOLOGISED, '5678');
    expect(html).toContain('Ngày hẹn trả kết quả mới');
    expect(html).toContain('PHIẾU XIN LỖI');
    expect(html).toContain('Chờ ý kiến của cơ quan thuế');
  });

  it('answers a wrong factor, an unknown code, a malformed code and too many attempts with the same page', async () => {
    const neutral = (html: string, code: string) => html.replaceAll(code, '<code>');
    const wrong = neutral(await lookUp(LAND, '0000', '198.51.100.1'), LAND);
    const unknown = neutral(await lookUp('H21.65-240304-9999', '5678', '198.51.100.2'), 'H21.65-240304-9999');
    const malformed = neutral(await lookUp('<script>', '5678', '198.51.100.3'), '&#60;script&#62;');
    const notDigits = neutral(await lookUp(LAND, 'abcd', '198.51.100.4'), LAND);
    expect(wrong).toContain('Không tìm thấy hồ sơ khớp với thông tin đã nhập');
    expect(unknown).toBe(wrong);
    expect(malformed).toBe(wrong);
    expect(notDigits).toBe(wrong);
    // Per code: after the limit, even the right digits get the same page, from any address.
    const code = SUPPLEMENTED;
    for (let i = 0; i < LOOKUP_LIMITS.perCode.limit; i += 1) await lookUp(code, '0000', `192.0.2.${i + 1}`);
    expect(neutral(await lookUp(code, '1234', '192.0.2.200'), code)).toBe(wrong);
    // Per client: an address's network that tried too many codes gets the same page for a right one.
    for (let i = 0; i < LOOKUP_LIMITS.perClient.limit; i += 1)
      await lookUp(`H21.65-240304-${8000 + i}`, '0000', '100.64.9.1');
    expect(neutral(await lookUp(LAND, '5678', '100.64.9.2'), LAND)).toBe(wrong);
    // The window slides past the guesses: the citizen gets through again.
    clock.at += 2 * LOOKUP_LIMITS.perCode.windowMs;
    expect(await lookUp(code, '1234', '192.0.2.201')).toContain('Tình trạng hồ sơ');
  });

  it('shows letters of either layout with the applicant masked, and a late dossier as late whatever its new date (issue #32)', async () => {
    const REFORMED = 'H21.65-250804-0105';
    const ses = localSesClients(runtime.sesEndpoint ?? '');
    await approvedApology(
      runtime,
      clock,
      detectorDeps(runtime, clock, new SesMailer(ses.atMostOnce)),
      REFORMED,
      '2025-08-04',
    );
    const { record } = await runtime.store.load(REFORMED);
    const legal = Date.parse(record?.state.dueAt ?? '');
    const promised = Date.parse(record?.extendedDueAt ?? '');
    expect(promised).toBeGreaterThan(legal);
    // Resolved after the legal due date, before the date the apology promised.
    clock.at = legal + 2 * 86_400_000;
    await deliver(
      lifecycleEvent('DossierResolved', {
        dossierId: REFORMED,
        eventId: `${REFORMED}/resolved`,
        occurredAt: new Date(clock.at).toISOString(),
      }),
    );
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const [code, ip] of [
      [REFORMED, '203.0.113.81'],
      [APOLOGISED, '203.0.113.82'],
    ] as const) {
      await page.setContent(await lookUp(code, '5678', ip));
      const text = await page.locator('main').innerText();
      expect(text).toContain('PHIẾU XIN LỖI');
      for (const value of [...PERSONAL, 'Buôn Chư Jú', 'Ksor']) expect(text).not.toContain(value);
      expect(text).toContain('Ông/Bà K*** H***');
      if (code === REFORMED) {
        // The post-July-2025 layout prints the identity number: masked but for its last two digits.
        expect(text).toContain('Số định danh cá nhân/mã số định danh của tổ chức: **********34.');
        expect(text).toContain('Giải quyết quá hạn; cơ quan đã xin lỗi và giải quyết xong trong ngày hẹn lại');
        expect(text).not.toContain('Giải quyết đúng hạn');
      }
    }
    await page.close();
  });

  it('bounds guessing a code to 40 a day across every network, sliding over the hour (issue #32)', async () => {
    const code = LAND;
    const wrong = (i: number) => lookUp(code, String(1000 + i).slice(-4), `198.18.${i}.1`);
    // Ten guesses just before an hour's end: the next hour opens no new ten at once.
    clock.at = Date.parse('2024-03-12T08:59:30+07:00');
    for (let i = 0; i < 10; i += 1) await wrong(i);
    clock.at = Date.parse('2024-03-12T09:00:01+07:00');
    expect(await lookUp(code, '5678', '198.18.200.1')).toContain('Không tìm thấy hồ sơ');
    // Ten an hour, forty a day: the forty-first guess of the day is refused, even the right digits.
    for (let h = 1; h <= 3; h += 1) {
      clock.at = Date.parse('2024-03-12T09:00:01+07:00') + h * 2 * 3_600_000;
      for (let i = 0; i < 10; i += 1) await wrong(h * 10 + i);
    }
    clock.at += 2 * 3_600_000;
    expect(await lookUp(code, '5678', '198.18.201.1')).toContain('Không tìm thấy hồ sơ');
    expect(await lookUp(code, '5678', '198.18.202.1')).not.toContain('Tình trạng hồ sơ');
  });

  it('counts an IPv6 client by its /64 and its /48: five /64s of one site share its budget (issue #32)', async () => {
    clock.at = Date.parse('2024-03-13T10:00:00+07:00');
    const site = (i: number) => `2001:db8:77:${i % 5}::${i + 1}`;
    // 90 tries from the site's /64s (each under its own 30): the site's budget is spent.
    for (let i = 0; i < LOOKUP_LIMITS.perSite.limit; i += 1) await lookUp(`H21.65-240313-${7000 + i}`, '0000', site(i));
    expect(await lookUp(SUPPLEMENTED, '1234', '2001:db8:77:9::1')).toContain('Không tìm thấy hồ sơ');
    // Another site, and an IPv4 client, are not touched.
    expect(await lookUp(SUPPLEMENTED, '1234', '2001:db8:78:1::1')).toContain('Tình trạng hồ sơ');
  });

  it('opens a dossier locked by others’ guesses with a one-time code sent by SMS to its phone, once (issue #32)', async () => {
    clock.at = Date.parse('2024-03-14T10:00:00+07:00');
    const code = LAND;
    for (let i = 0; i < LOOKUP_LIMITS.perCode.limit; i += 1) await lookUp(code, '0000', `198.19.${i}.1`);
    const locked = await lookUp(code, '5678', '203.0.113.90');
    expect(locked).toContain('Không tìm thấy hồ sơ');
    expect(locked).toContain('Gửi mã xác nhận');
    // Asking: the same answer for this dossier and for a code that does not exist.
    runtime.phone?.messages.splice(0);
    const asked = await post({ action: 'send-code', code }, '203.0.113.90');
    const unknown = await post({ action: 'send-code', code: 'H21.65-240314-9999' }, '203.0.113.91');
    expect(unknown.replaceAll('H21.65-240314-9999', code)).toBe(asked);
    expect(asked).toContain('Nếu mã hồ sơ đúng và hồ sơ có số điện thoại di động, một mã 6 chữ số vừa được gửi');
    const sms = runtime.phone?.messages.filter((m) => m.channel === 'sms') ?? [];
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ to: '+84912345678' });
    const otp = /: (\d{6})\./.exec(String((sms[0] as { text?: string }).text))?.[1] ?? '';
    expect(otp).toMatch(/^\d{6}$/);
    const typo = otp === '000000' ? '000001' : '000000';
    expect(await post({ action: 'verify-code', code, otp: typo }, '203.0.113.90')).toContain(
      'Mã xác nhận không đúng hoặc đã hết hiệu lực',
    );
    const opened = await post({ action: 'verify-code', code, otp }, '203.0.113.90');
    expect(opened).toContain('Tình trạng hồ sơ');
    for (const value of PERSONAL) expect(opened).not.toContain(value);
    // Used once; and a code ten minutes old no longer opens anything.
    expect(await post({ action: 'verify-code', code, otp }, '203.0.113.90')).not.toContain('Tình trạng hồ sơ');
  });

  it('shows the one-time code forms on a 390 px phone without sideways scrolling, and answers the same when the SMS fails (issue #32)', async () => {
    clock.at = Date.parse('2024-03-15T10:00:00+07:00');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const shown = async (html: string) => {
      await page.setContent(html);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      return page.locator('main').innerText();
    };
    // The neutral page offers the code; the code page asks for six digits.
    const neutral = await shown(await lookUp(SUPPLEMENTED, '0000', '203.0.113.120'));
    expect(neutral).toContain('Nhận mã xác nhận qua tin nhắn');
    expect(await page.locator('form').count()).toBe(2);
    const sent = await post({ action: 'send-code', code: SUPPLEMENTED }, '203.0.113.121');
    expect(await shown(sent)).toContain('Nhập mã xác nhận');
    expect(await page.getAttribute('#otp', 'autocomplete')).toBe('one-time-code');
    await page.screenshot({ path: 'test-results/citizen-page-otp.png', fullPage: true });
    // The SMS provider refuses the message (at its HTTP endpoint): the citizen reads the same page, nothing leaks.
    runtime.phone?.fail('sms', 'reject');
    const refused = await post({ action: 'send-code', code: SUPPLEMENTED }, '203.0.113.122');
    expect(refused).toBe(sent);
    runtime.phone?.fail('sms', 'drop_after_accepting');
    expect(await post({ action: 'send-code', code: SUPPLEMENTED }, '203.0.113.123')).toBe(sent);
    await page.close();
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { sentEmails } from '../../local/ses-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { ensureUsers, FACTORY_HEAD } from '../support/sign-in.ts';

let now = Date.parse('2024-03-04T09:00:00+07:00');
let runtime: LocalRuntime;
let browser: Browser;
let approvalUrl = '';
const id = 'H21.65-240304-0777';

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 0 });
  await ensureUsers(runtime, FACTORY_HEAD);
  await runtime.deliver(
    receivedEvent({
      dossierId: id,
      eventId: 'e2e-r',
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
    }),
  );
  now = Date.parse('2024-03-14T17:30:00+07:00');
  await runtime.detect();
  const digest = (await sentEmails(runtime.sesEndpoint ?? '')).find((m) => m.body.text?.includes(id));
  approvalUrl = /Duyệt phiếu xin lỗi: (\S+)/.exec(digest?.body.text ?? '')?.[1] ?? '';
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

describe('the approval page in headless Chromium, on a phone', () => {
  it('shows the draft in Vietnamese, takes the reason and the new date, and approves once', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    // Issue #30: the link alone shows nothing; the head signs in first (the local OpenID provider's page,
    // in Vietnamese), and comes back to the draft.
    await page.goto(approvalUrl);
    expect(await page.locator('h1').innerText()).toBe('Đăng nhập Đúng Hạn');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
      0,
    );
    await page.screenshot({ path: 'test-results/sign-in-page.png', fullPage: true });
    await page.fill('#username', FACTORY_HEAD.username);
    await page.fill('#password', 'wrong password');
    await page.click('button[type=submit]');
    expect(await page.locator('[role=alert]').innerText()).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    await page.fill('#password', LOCAL_DEMO_PASSWORD);
    await page.click('button[type=submit]');
    expect(await page.locator('h1').innerText()).toBe('Duyệt phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(await page.locator('body').innerText()).toContain(`Người duyệt: ${FACTORY_HEAD.name} (đã đăng nhập).`);
    // The session is a cookie the page's scripts cannot read, sent only over a secure context, same-site.
    const [session] = (await page.context().cookies()).filter((c) => c.name === '__Host-dunghan-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(await page.locator('body').innerText()).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    // Fits the phone: nothing wider than the screen but the letter's own scroll box.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const screenshot = await page.screenshot({ path: 'test-results/approval-page.png', fullPage: true });
    expect(screenshot.length).toBeGreaterThan(20_000);

    // Issue #16: the date is shown and entered as dd/mm/yyyy whatever the browser's locale.
    expect(await page.inputValue('#newReturnDate')).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await page.fill('#reason', 'Chờ kết quả xác minh nguồn gốc sử dụng đất');
    await page.fill('#newReturnDate', '18/03/2024');
    await page.click('#approve');
    expect(await page.locator('[role=alert]').innerText()).toContain(
      'Ngày hẹn mới phải sau hạn trả kết quả theo quy định.',
    );
    await page.fill('#newReturnDate', '31/02/2024');
    await page.click('#approve');
    expect(await page.locator('[role=alert]').innerText()).toContain('Ngày hẹn mới không hợp lệ');
    await page.fill('#newReturnDate', '22/03/2024');
    await page.click('#approve');
    expect(await page.locator('h1').innerText()).toBe('Đã duyệt phiếu xin lỗi');
    expect(await page.locator('body').innerText()).toContain('22/03/2024');

    // Issue #16: the used link shows the approval made, never the blank form again (a second POST is
    // refused too: test/integration/detector.test.ts).
    await page.goto(approvalUrl);
    expect(await page.locator('h1').innerText()).toBe('Phiếu xin lỗi đã được duyệt');
    // No approval form: only the sign-out.
    expect(await page.locator('form:not([action$="/auth/logout"])').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('không dùng để duyệt lại');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
      0,
    );
  });

  it('signs out: the session ends here and at the provider, and the link asks for a sign-in again', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(approvalUrl);
    await page.fill('#username', FACTORY_HEAD.username);
    await page.fill('#password', LOCAL_DEMO_PASSWORD);
    await page.click('button[type=submit]');
    expect(await page.locator('h1').innerText()).toBe('Phiếu xin lỗi đã được duyệt');
    await page.click('text=Đăng xuất');
    expect(await page.locator('h1').innerText()).toBe('Đã đăng xuất');
    expect((await context.cookies()).some((c) => c.name === '__Host-dunghan-session')).toBe(false);
    await page.goto(approvalUrl);
    expect(await page.locator('h1').innerText()).toBe('Đăng nhập Đúng Hạn');
    await context.close();
  });

  it('refuses a tampered link with a clear page', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    const response = await page.goto(`${approvalUrl.slice(0, -3)}abc`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('[role=alert]').innerText()).toContain(
      'Đường dẫn đã bị thay đổi nên không được chấp nhận.',
    );
  });
});

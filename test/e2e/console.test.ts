import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityFindings, lookAt, overflow, signIn } from '../support/console-browser.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';

/*
 * The console's first pages (issue #34) in headless Chromium: a commune's official signs in through the
 * local OpenID provider, finds a dossier by its code and reads it on one page — dates, steps, history,
 * the control slip — on a 390 px phone and a desk screen; another commune's official is told there is
 * no such dossier; an administrator, whose roles read no dossier, is refused.
 */
const now = Date.parse('2026-11-20T10:00:00+07:00');
const ID = 'H21.65.01-261102-0501';
let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 0 });
  for (const event of [
    communeLandReceipt(ID),
    lifecycleEvent('DossierHandedOver', {
      dossierId: ID,
      eventId: `${ID}/h1`,
      occurredAt: '2026-11-04T15:00:00+07:00',
      fromUnitId: 'H21.65.01',
      toUnitId: 'VPDKDD-KP',
    }),
  ]) {
    const [delivered] = await runtime.deliver(event);
    expect(delivered?.ok).toBe(true);
  }
  // The detector's pass at now: the dossier is overdue, its apology drafted (awaiting the head).
  await runtime.detect();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

describe('the console in headless Chromium', () => {
  it('lets a commune official find a dossier by code and read it on one page, at 390 px and at a desk', async () => {
    // The pages' CSP forbids every script: the test lets its own (axe-core) in, the pages gain none.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      bypassCSP: true,
    });
    const page = await context.newPage();
    await page.goto(`${runtime.apiUrl}/console`);
    await signIn(page, 'dok.ky');
    expect(await page.locator('h1').innerText()).toBe('Bàn làm việc');
    expect(await accessibilityFindings(page)).toEqual([]);
    // By keyboard: the search field takes the code, Enter opens the dossier.
    await page.focus('#ma');
    await page.keyboard.type(ID);
    await Promise.all([page.waitForURL(/\/console\/ho-so\/./), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe(`Hồ sơ ${ID}`);
    await Promise.all([page.waitForURL(/\/console$/), page.goBack()]);
    await page.fill('#ma', ID);
    await Promise.all([page.waitForURL(/\/console\/ho-so\/./), page.click('form[role=search] button[type=submit]')]);
    expect(await page.locator('h1').innerText()).toBe(`Hồ sơ ${ID}`);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Đăng ký biến động quyền sử dụng đất');
    expect(text).toContain('Hạn trả kết quả theo quy định');
    // The due date explained as the citizens' page explains it: the weekends it skipped, by name.
    expect(text).toContain('Vì sao hạn là ngày này');
    expect(text).toMatch(/Thứ Bảy|Chủ nhật/);
    expect(text).toMatch(/Tiếp nhận\s+09:00 ngày 02\/11\/2026/);
    expect(text).toContain('Quá hạn');
    expect(text).toContain('Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa');
    expect(text).toContain('Các bước liên thông');
    expect(text).toContain('Chuyển liên thông');
    // Who did what, where a person did: the official who received it.
    expect(text).toContain('Tiếp nhận hồ sơ (Nguyễn Văn An)');
    expect(text).toContain('Quá trình giải quyết');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityFindings(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-ho-so-390.png', fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: 'test-results/console-ho-so-1440.png', fullPage: true });
    await Promise.all([page.waitForURL(/phieu-kiem-soat$/), page.click('text=Phiếu kiểm soát quá trình giải quyết')]);
    expect(await page.locator('body').innerText()).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    // The official opens the overdue dossier's letter (the draft awaiting the head).
    await Promise.all([page.waitForURL(/\/ho-so\/[^/]+$/), page.goBack()]);
    await Promise.all([
      page.waitForURL(/phieu-xin-loi$/),
      page.click('text=Phiếu xin lỗi và hẹn lại ngày trả kết quả (dự thảo, chờ lãnh đạo duyệt)'),
    ]);
    expect(await page.locator('body').innerText()).toContain('PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
    expect(await page.locator('body').innerText()).toContain(ID);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityFindings(page)).toEqual([]);
    await context.close();
  });

  it('puts the overdue dossier at the top of the land office’s queue, whose official opens it and its letter', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${runtime.apiUrl}/console`);
    await signIn(page, 'hung.hv');
    expect(await page.locator('h1').innerText()).toBe('Bàn làm việc');
    expect(await page.locator('body').innerText()).toContain('Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa');
    // The counts of the urgent groups; the dossier at its step, overdue, first.
    expect(await page.locator('nav[aria-label="Nhóm hồ sơ"] a[aria-current=page]').innerText()).toMatch(
      /^Cần xử lý\s+1$/,
    );
    expect(await page.locator('nav[aria-label="Nhóm hồ sơ"] a', { hasText: 'Quá hạn' }).innerText()).toMatch(/1$/);
    const first = page.locator('table.queue tbody tr').first();
    expect(await first.innerText()).toContain(ID);
    expect(await first.innerText()).toContain('bước 1/2');
    expect(await first.innerText()).toContain('Quá hạn');
    await lookAt(page, 'ban-lam-viec');
    // Filtered to the dossiers it received itself: none; to those handed over to it: this one.
    await page.click('summary:has-text("Lọc hồ sơ")');
    await page.selectOption('#buoc', 'tiep-nhan');
    await Promise.all([page.waitForURL(/buoc=tiep-nhan/), page.click('form[action$="/console"] button[type=submit]')]);
    expect(await page.locator('body').innerText()).toContain('Không có hồ sơ nào trong nhóm này.');
    await page.selectOption('#buoc', 'lien-thong');
    await Promise.all([page.waitForURL(/buoc=lien-thong/), page.click('form[action$="/console"] button[type=submit]')]);
    expect(await page.locator('table.queue tbody tr').first().innerText()).toContain(ID);
    // By keyboard: the dossier's link, then its letter.
    await Promise.all([page.waitForURL(/\/console\/ho-so\/./), first.locator('a').click()]);
    expect(await page.locator('h1').innerText()).toBe(`Hồ sơ ${ID}`);
    await Promise.all([
      page.waitForURL(/phieu-xin-loi$/),
      page.click('text=Phiếu xin lỗi và hẹn lại ngày trả kết quả'),
    ]);
    expect(await page.locator('body').innerText()).toContain('PHIẾU XIN LỖI');
    await lookAt(page, 'phieu-xin-loi');
    // The letter as an editable Word document, downloaded as a browser does it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Tải phiếu (.docx')]);
    expect(download.suggestedFilename()).toBe(`phieu-xin-loi-${ID}.docx`);
    const parts = unzipSync(readFileSync((await download.path()) as string));
    expect(strFromU8(parts['word/document.xml'] as Uint8Array)).toContain(ID);
    // The commune that received it no longer holds it: its desk's urgent group is empty; all of its other views too.
    const commune = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const desk = await commune.newPage();
    await desk.goto(`${runtime.apiUrl}/console?xem=tat-ca`);
    await signIn(desk, 'dok.ky');
    expect(await desk.locator('body').innerText()).toContain('Không có hồ sơ nào trong nhóm này.');
    // Another unit's queue is refused, whatever the address asks; a forged page cursor is refused by name.
    expect((await desk.goto(`${runtime.apiUrl}/console?don-vi=VPDKDD-KP`))?.status()).toBe(403);
    expect(
      (
        await desk.goto(
          `${runtime.apiUrl}/console?sau=${Buffer.from('["x","y","LIVE#VPDKDD-KP","z"]').toString('base64url')}`,
        )
      )?.status(),
    ).toBe(400);
    await commune.close();
    await context.close();
  });

  it('answers another commune’s official as if the dossier did not exist, and refuses an administrator', async () => {
    const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await other.newPage();
    await page.goto(`${runtime.apiUrl}/console/ho-so/${ID}`);
    await signIn(page, 'duc.tm');
    expect(await page.locator('h1').innerText()).toBe('Không tìm thấy hồ sơ');
    expect(await page.locator('[role=alert]').innerText()).toContain(ID);
    const slip = await page.goto(`${runtime.apiUrl}/console/ho-so/${ID}/phieu-kiem-soat`);
    expect(slip?.status()).toBe(404);
    const letter = await page.goto(`${runtime.apiUrl}/console/ho-so/${ID}/phieu-xin-loi`);
    expect(letter?.status()).toBe(404);
    const missing = await page.goto(`${runtime.apiUrl}/console/ho-so/H21.65.02-261102-9999`);
    expect(missing?.status()).toBe(404);
    await other.close();
    const admin = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const adminPage = await admin.newPage();
    await adminPage.goto(`${runtime.apiUrl}/console`);
    await signIn(adminPage, 'quantri');
    // An administrator reads reports and administers, and reads no dossier: the console opens on reports,
    // offers no desk, and a dossier's page is refused.
    expect(await adminPage.locator('h1').innerText()).toBe('Báo cáo kết quả giải quyết hồ sơ');
    expect(await adminPage.locator('nav a').allInnerTexts()).toEqual(['Báo cáo', 'Quản trị']);
    const refused = await adminPage.goto(`${runtime.apiUrl}/console/ho-so/${ID}`);
    expect(refused?.status()).toBe(403);
    expect(await adminPage.locator('h1').innerText()).toBe('Không có quyền');
    await admin.close();
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../shared/domain/reports/build-report.ts';
import { renderHtml } from '../../shared/domain/reports/render-report.ts';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';
import { launchChromium } from '../support/chromium.ts';

let browser: Browser;

/** A year of rows over three fields and two units, land far worse than the rest, one hostile field name. */
function rows(): ReportRow[] {
  const fields = ['Đất đai', 'Hộ tịch', '<script>alert(1)</script> & “Bảo trợ”'];
  const out: ReportRow[] = [];
  for (let i = 0; i < 600; i += 1) {
    const field = fields[i % 3] as string;
    const month = (i % 12) + 1;
    const receivedAt = `2022-${String(month).padStart(2, '0')}-10T09:00:00+07:00`;
    const due = Date.parse(receivedAt) + 10 * 86_400_000;
    const late = field === 'Đất đai' ? i % 5 !== 0 : i % 10 === 0;
    const resolvedAt = new Date(due + (late ? 3 : -3) * 86_400_000).toISOString();
    out.push({
      id: `D${i}`,
      unitId: i % 2 === 0 ? 'H21.65' : 'H21.65.01',
      unitName: i % 2 === 0 ? 'UBND huyện Krông Pa' : 'UBND xã Ia Rmok',
      field,
      channel: i % 4 === 0 ? 'online' : 'in_person',
      receivedAt,
      status: 'resolved',
      resolvedAt,
      closedAt: resolvedAt,
      dueAt: new Date(due).toISOString(),
      result: late ? 'late' : 'early',
      violations: [],
      steps: [],
      secondOverrun: false,
    });
  }
  return out;
}

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Pixels of a colour in a PNG, counted by the browser itself (canvas), so no image library is needed. */
async function pixelsOfColour(png: Buffer, rgb: [number, number, number]): Promise<number> {
  const page = await browser.newPage();
  try {
    // A string, evaluated in the page (the tests compile without the DOM types).
    const script = `(async () => {
      const image = new Image();
      image.src = 'data:image/png;base64,${png.toString('base64')}';
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - ${rgb[0]}) < 12 && Math.abs(pixels[i + 1] - ${rgb[1]}) < 12 && Math.abs(pixels[i + 2] - ${rgb[2]}) < 12) count += 1;
      }
      return count;
    })()`;
    return await page.evaluate<number>(script);
  } finally {
    await page.close();
  }
}

describe('the report dashboard in headless Chromium', () => {
  it('draws the overdue rate by field and by unit and the monthly trend, with nothing loaded from outside', async () => {
    const report = buildReport(rows(), {
      period: { from: '2022-01-01', to: '2022-12-31' },
      by: 'field',
      now: Date.parse('2023-03-01T00:00:00+07:00'),
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(renderHtml(report), { waitUntil: 'load' });
    expect(requests).toEqual([]);
    expect(await page.locator('h1').innerText()).toBe('BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    // The hostile field name is text, not markup.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#chart-field').innerText()).toContain('<script>alert(1)</script>');

    const red: [number, number, number] = [0xc0, 0x39, 0x2b];
    const blue: [number, number, number] = [0x2e, 0x86, 0xc1];
    await page.screenshot({ path: 'test-results/report-dashboard.png', fullPage: true });
    const field = await page.locator('#chart-field svg').screenshot();
    const unit = await page.locator('#chart-unit svg').screenshot();
    const trend = await page.locator('#chart-trend svg').screenshot();
    // Land (80 % overdue) has the longest bar: more red than the others together.
    const barWidths = await page
      .locator('#chart-field rect.bar')
      .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('width'))));
    const landIndex = report.byField.findIndex((f) => f.label === 'Đất đai');
    expect(Math.max(...barWidths)).toBe(barWidths[landIndex]);
    expect(await pixelsOfColour(field, red)).toBeGreaterThan(2_000);
    expect(await pixelsOfColour(unit, red)).toBeGreaterThan(1_000);
    expect(await pixelsOfColour(trend, blue)).toBeGreaterThan(2_000);
    expect(await pixelsOfColour(trend, red)).toBeGreaterThan(200);
    expect(await page.locator('#chart-trend rect.bar').count()).toBe(24);
    await page.close();
  }, 60_000);

  it('shows the QĐ 766 score, its forecast and on time two ways on a 390 px phone, the page itself never scrolling sideways (issue #19)', async () => {
    // The year still running on 01/07/2022: the forecast cards and the list at risk are there.
    const report = buildReport(rows(), {
      period: { from: '2022-01-01', to: '2022-12-31' },
      by: 'unit',
      now: Date.parse('2022-07-01T08:00:00+07:00'),
    });
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(renderHtml(report), { waitUntil: 'load' });
    const cards = await page.locator('.card').allInnerTexts();
    expect(cards.some((c) => c.includes('Điểm tiến độ giải quyết (Bộ chỉ số 766, tối đa 20)'))).toBe(true);
    expect(cards.some((c) => c.includes('Dự báo điểm tiến độ cuối kỳ'))).toBe(true);
    expect(cards.some((c) => c.includes('Đúng hạn theo luật định / theo ngày hẹn lại'))).toBe(true);
    const headings = await page.locator('h2').allInnerTexts();
    expect(headings.some((h) => h.startsWith('Biểu 5. Chỉ số tiến độ giải quyết'))).toBe(true);
    expect(headings.some((h) => h.startsWith('Biểu 7. Hồ sơ đang giải quyết'))).toBe(true);
    // Wide tables scroll inside their own box; the page does not.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.close();
  }, 60_000);
});

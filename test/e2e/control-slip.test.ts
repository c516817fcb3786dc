import JSZip from 'jszip';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { buildControlSlip, renderSlipHtml } from '../../shared/domain/letters/control-slip.ts';
import { renderSlipDocx } from '../../shared/domain/letters/control-slip-docx.ts';
import type { RuleBookSnapshot } from '../../shared/use-cases/rule-book.ts';
import { launchChromium } from '../support/chromium.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

/*
 * Issue #15: the process-control slip of a commune → land registry → tax office dossier whose land
 * registry step overran, as an official sees it: the HTML page in headless Chromium at 390 px, and the
 * .docx opened back with a zip reader.
 */

const ID = 'H21.65.01-261102-0003';
let book: RuleBookSnapshot;
let context: FoldContext;
let browser: Browser;

function slipOf() {
  const events: DossierEvent[] = [
    communeLandReceipt(ID, { eventId: 'r', head: undefined }),
    lifecycleEvent('DossierHandedOver', {
      dossierId: ID,
      eventId: 'h1',
      occurredAt: '2026-11-10T10:00:00+07:00',
      fromUnitId: 'VPDKDD-KP',
      toUnitId: 'CCT-KP',
    }),
    lifecycleEvent('DossierHandedOver', {
      dossierId: ID,
      eventId: 'h2',
      occurredAt: '2026-11-12T09:00:00+07:00',
      fromUnitId: 'CCT-KP',
      toUnitId: 'H21.65.01',
    }),
    lifecycleEvent('DossierResolved', { dossierId: ID, eventId: 'done', occurredAt: '2026-11-13T10:00:00+07:00' }),
  ].map(parseDossierEvent);
  const state = foldDossier(ID, events, context);
  return buildControlSlip(
    state,
    book.calendar('vn-civil-service'),
    book.units,
    Date.parse('2026-11-20T09:00:00+07:00'),
  );
}

beforeAll(async () => {
  ({ book, context } = await shippedFold());
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the process-control slip (phiếu kiểm soát quá trình giải quyết hồ sơ)', () => {
  it('rates each unit against its own allotted time, from the directory names', () => {
    const slip = slipOf();
    expect(slip.formNote).toBe('Mẫu số 06 ban hành kèm theo Thông tư số 03/2025/TT-VPCP');
    expect(slip.partners).toEqual([
      'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
      'Chi cục Thuế huyện Krông Pa',
    ]);
    expect(slip.rows.map((r) => [r.giao, r.nhan, r.at, r.result ?? ''])).toEqual([
      [
        'Bộ phận Một cửa UBND xã Ia Rmok',
        'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
        '09 giờ 00 phút, ngày 02 tháng 11 năm 2026',
        'Quá hạn',
      ],
      [
        'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
        'Chi cục Thuế huyện Krông Pa',
        '10 giờ 00 phút, ngày 10 tháng 11 năm 2026',
        'Trước hạn',
      ],
      [
        'Chi cục Thuế huyện Krông Pa',
        'Bộ phận Một cửa UBND xã Ia Rmok',
        '10 giờ 00 phút, ngày 13 tháng 11 năm 2026',
        '',
      ],
      ['Bộ phận Một cửa UBND xã Ia Rmok', 'Tổ chức, cá nhân', '10 giờ 00 phút, ngày 13 tháng 11 năm 2026', 'Quá hạn'],
    ]);
    expect(slip.rows[0]?.note).toBe(
      'Thời gian được giao: 5 ngày làm việc, hạn 17 giờ 00 phút, ngày 09 tháng 11 năm 2026; đã dùng 6 ngày 1 giờ làm việc',
    );
  });

  it('reads on a phone (390 px): the four columns fit and every row is there', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(renderSlipHtml(slipOf()));
    const text = await page.locator('body').innerText();
    expect(text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(text).toContain('Mã hồ sơ: H21.65.01-261102-0003');
    expect(await page.locator('tr').count()).toBe(5);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/control-slip-390.png', fullPage: true });
    await page.close();
  });

  it('opens back from .docx with the same rows and results', async () => {
    const zip = await JSZip.loadAsync(await renderSlipDocx(slipOf()));
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('|');
    expect(text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(text).toContain(
      '1. Giao: Bộ phận Một cửa UBND xã Ia Rmok|Nhận: Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
    );
    expect(text.match(/\|Quá hạn\|/g)).toHaveLength(2);
    expect(text).toContain('|Trước hạn|');
    expect(xml).toContain('<w:pgSz w:w="8391" w:h="11906"');
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { composeMail } from '../../shared/domain/letters/compose-mail.ts';
import { launchChromium } from '../support/chromium.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe("the officials' digest on a phone (headless Chromium, 390 px)", () => {
  it('lays out an inter-agency overrun with its process-control slip and the approval button, no horizontal scroll', async () => {
    const { context, calendar, book } = await shippedFold();
    const id = 'H21.65.01-261102-0003';
    const events = [
      communeLandReceipt(id),
      lifecycleEvent('DossierHandedOver', {
        dossierId: id,
        eventId: 'h1',
        occurredAt: '2026-11-10T10:00:00+07:00',
        fromUnitId: 'VPDKDD-KP',
        toUnitId: 'CCT-KP',
      }),
    ].map(parseDossierEvent);
    const now = Date.parse('2026-11-13T08:00:00+07:00');
    const record = advanceStages(
      nextRecord(undefined, foldDossier(id, events, context), calendar),
      calendar,
      now,
    ).record;
    const { envelopes } = composeMail(
      [{ record, sending: Object.values(record.notifications) }],
      {
        senderEmail: 'dunghan@example.vn',
        units: book.units,
        approvalLink: () => 'https://dunghan.example.vn/approve/x',
      },
      calendar,
      now,
    );
    const commune = envelopes.find((e) => e.mail.to.includes('an.nv@example.vn'));
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(commune?.mail.html ?? '');
    expect(await page.locator('a', { hasText: 'Xem, sửa và duyệt phiếu xin lỗi' }).first().isVisible()).toBe(true);
    expect(await page.locator('table').count()).toBeGreaterThan(0);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/digest-390.png', fullPage: true });
    await page.close();
  });
});

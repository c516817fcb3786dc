import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';

/*
 * What the console's browser tests share (issue #34): signing in on the local provider's page, axe-core's
 * serious and critical findings, the page's overflow on a phone, and screenshots at both sizes.
 */

/** Signs in on the provider's page the console sent the browser to, and waits to be back on the console. */
export async function signIn(page: Page, username: string, back: RegExp = /\/console/): Promise<void> {
  expect(await page.locator('h1').textContent()).toBe('Đăng nhập Đúng Hạn');
  await page.fill('#username', username);
  await page.fill('#password', LOCAL_DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => back.test(url.pathname)), page.click('button[type=submit]')]);
}

/** axe-core's serious and critical findings on the page as it stands (rule id and the first element). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export async function accessibilityFindings(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
  });
}

/** How far the page is wider than the screen (≤ 0: nothing to scroll sideways but tables' own boxes). */
export const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/**
 * Looks at the page as people will: no accessibility finding, nothing wider than a 390 px phone, and a
 * screenshot at 390 × 844 and at 1440 × 900 (test-results/console-<name>-<width>.png).
 */
export async function lookAt(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await accessibilityFindings(page), `${name}: axe`).toEqual([]);
  expect(await overflow(page), `${name}: wider than a phone`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `test-results/console-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `test-results/console-${name}-1440.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

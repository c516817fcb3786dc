import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's headless Chromium (playwright cannot download browsers here), headless, sandbox off in containers. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync('test-results', { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

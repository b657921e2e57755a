/** Debian's chromium through playwright-core, launched as machine.md says, in a fresh profile. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'runbook-site-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    // Screenshots and dates must not depend on the machine.
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the tests leave their screenshots (gitignored). */
export const shotsDir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'test-results', 'site');

/** A screenshot named `<name>-<theme>.png`, with `focus` just below the sticky run panel (or, with `center`, in the middle). */
export async function shoot(page: Page, name: string, theme: 'light' | 'dark', focus?: string, center = false): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  if (focus) {
    await page.locator(focus).evaluate((el, center) => {
      el.scrollIntoView({ block: center ? 'center' : 'start' });
      if (!center) window.scrollBy(0, -(document.querySelector('[data-rb-run]')?.getBoundingClientRect().bottom ?? 0) - 16);
    }, center);
  }
  // Let the theme switch paint (a frame or two), then capture.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: join(shotsDir, `${name}-${theme}.png`) });
}

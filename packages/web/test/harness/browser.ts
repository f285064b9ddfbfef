/// <reference lib="dom" />
/**
 * @module Chromium for the browser tests: Debian's `chromium` driven by playwright-core (no
 * downloaded browser). Missing chromium skips the tests locally and fails them under CI=true.
 * Screenshots go to `test-artifacts/web/`; with TICKLINE_UPDATE_SCREENSHOTS=1 also to
 * `docs/screenshots/` for the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '@tickline/testing';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'web');
const DOCS_DIR = join(ROOT, 'docs', 'screenshots');

/** Viewports the dashboard is checked at. */
export const Viewport = {
  Laptop: { width: 1280, height: 800 },
  Phone: { width: 390, height: 844 },
} as const;

/**
 * Where chromium is (CHROMIUM_PATH, else `chromium` on PATH), or why the tests skip; throws under
 * CI=true instead of skipping.
 */
export const chromiumBinary = process.env.CHROMIUM_PATH
  ? { available: true as const, path: process.env.CHROMIUM_PATH }
  : requireBinary('chromium', 'chromium');

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  if (!chromiumBinary.available) throw new Error(chromiumBinary.reason);
  return chromium.launch({
    executablePath: chromiumBinary.path,
    headless: true,
    // Root in containers cannot use Chromium's sandbox; /dev/shm is often tiny there.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A fresh context (own storage, so its own session) at `viewport`. */
export function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = Viewport.Laptop,
): Promise<BrowserContext> {
  return browser.newContext({ viewport, reducedMotion: 'reduce', colorScheme: 'dark' });
}

/** Saves a screenshot of `page` as a test artifact (and for the README when asked). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  if (process.env.TICKLINE_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(path, join(DOCS_DIR, `${name}.png`));
  }
  return path;
}

/** True when `locator`'s element has the keyboard focus. */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/**
 * Waits until the element `testId` shows a final status of a queued run (a backtest, a research
 * job) and returns it: `succeeded`, `failed` or `cancelled`.
 */
export async function finalStatus(page: Page, testId: string, timeoutMs: number): Promise<string | null> {
  await page.waitForFunction(
    (id) =>
      /succeeded|failed|cancelled/.test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
    testId,
    { timeout: timeoutMs },
  );
  return page.getByTestId(testId).first().textContent();
}

/// <reference lib="dom" />
/**
 * The dashboard lives within the account's own rate limit: a free account (60 requests a minute,
 * the real tier setting) runs a strategy on 1 s candles — an order, a fill and two inbox entries
 * every second — and watches it on the Overview, Live and Portfolio pages for a minute.
 * Every page keeps up with the stream (signals and fills show), and no request of the page is
 * refused. Each page once re-read its data on every event: the Overview's inbox card alone asked
 * twice a second, and the refusals starved the Live page's strategy list, which stayed "Loading".
 * Then the page goes to the background for 20 s: it asks nothing there, and re-reads when shown.
 * And a new account clicking through every page twice, a page every 1.5 s, is never refused: a
 * burst of 20 ran out in the second round and left pages half loaded.
 */
import { createTicklineClient } from '@tickline/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { openPage, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { GATE_OFF_ENV } from '@tickline/testing';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** Waits on server work and on the stream: generous, because CI runs this beside other suites. */
const SERVER_WAIT_MS = 60_000;
/** How long the test watches each page. */
const WATCH_MS = 20_000;
/** Buys on one candle, sells on the next: an order and a fill every second. */
const ALTERNATE = `export default defineStrategy({
  onCandle(ctx) {
    const held = ctx.position().qty;
    if (held > 0) ctx.sell({ qty: held, reason: 'sell' });
    else ctx.buy({ qty: 0.001, reason: 'buy' });
  },
});
`;

/** Every API answer the page gets from now on: its status, method and path. */
function apiCalls(page: Page): Array<{ status: number; what: string }> {
  const calls: Array<{ status: number; what: string }> = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/'))
      calls.push({ status: r.status(), what: `${r.request().method()} ${new URL(r.url()).pathname}` });
  });
  return calls;
}

describe.skipIf(!chromiumBinary.available)('web - the request budget of a free account', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  // The tier's own limit: no pace setting here.
  // A live run enabled without research: the promotion gate is not what this file tests.
  beforeAll(async () => ([dashboard, browser] = await startWithBrowser({ ...GATE_OFF_ENV })));
  afterAll(() => stopWithBrowser(dashboard, browser));

  // The two tests run side by side on the one server: each is its own account in its own page, and
  // the budget is per account (an address's anonymous budget only sees the two sign-ups). Most of
  // each is watching a page over time, so side by side saves the browse test's half minute.
  // Concurrent tests assert with their own `expect` (Vitest: expect.poll needs the test's).
  it.concurrent('web - a 1 s live run watched on three pages for a minute: the pages keep up, and no request is refused', async ({ expect }) => {
    const page = await openPage(browser);
    const calls = apiCalls(page);
    try {
      await watch(page, expect);
      await hideAndShow(page, calls, expect);
    } catch (error) {
      await screenshot(page, 'request-budget-failure', { fullPage: true });
      console.log(calls.map((c) => `${c.status} ${c.what}`).join('\n'));
      throw error;
    }
    const refused = calls.filter((c) => c.status === 429).map((c) => c.what);
    expect(refused, `${calls.length} requests`).toEqual([]);
  }, 300_000);

  it.concurrent('web - a new account clicks through every page and back in half a minute: no request is refused', async ({ expect }) => {
    const page = await openPage(browser);
    const calls = apiCalls(page);
    await signUp(page, dashboard.url, uniqueEmail('browse'), 'Browser');
    const pages = [...(await page.locator('nav[aria-label="Main"] a').allTextContents()), 'Settings'];
    expect(pages.length).toBeGreaterThan(8);
    for (let round = 0; round < 2; round++)
      for (const name of pages) {
        await page.getByRole('link', { name, exact: true }).first().click();
        await page.waitForTimeout(1_500);
      }
    await screenshot(page, 'request-budget-browse');
    const refused = calls.filter((c) => c.status === 429).map((c) => c.what);
    expect(refused, `${calls.length} requests`).toEqual([]);
    // A round is ~35 requests on this build: the walk must spend more than the old burst of 20.
    expect(calls.length).toBeGreaterThan(40);
  }, 180_000);

  async function watch(page: Page, expect: ExpectStatic): Promise<void> {
    const email = uniqueEmail('budget');
    await signUp(page, dashboard.url, email, 'Budget');
    // Written through the SDK (two requests of the same budget), run from the Live page's form.
    const sdk = createTicklineClient({ baseUrl: dashboard.url });
    await sdk.auth.signIn({ email, password: TEST_PASSWORD });
    await sdk.strategies.create({ name: 'alternate', source: ALTERNATE });
    await page.getByRole('link', { name: 'Live', exact: true }).click();
    const form = page.getByRole('form', { name: 'Run a strategy live' });
    await form.waitFor({ timeout: SERVER_WAIT_MS });
    await form.getByLabel('Feed 1 interval').selectOption('1s');
    await form.getByLabel('Warm-up bars').fill('0');
    await form.getByRole('button', { name: /^Run v1 live$/ }).click();
    const run = page.getByTestId('live-runs').locator('li').first();
    await run.waitFor({ timeout: SERVER_WAIT_MS });

    // Live: its signals keep arriving, a second apart.
    // The page is watched for WATCH_MS (the requests it makes meanwhile are what is judged); its
    // signals are then waited for, not read at once: on a busy machine 1 s candles may lag.
    await page.waitForTimeout(WATCH_MS);
    const signals = run.locator('dt:text-is("Signals") + dd');
    await signals.filter({ hasText: /^([6-9]|\d{2,})$/ }).waitFor({ timeout: SERVER_WAIT_MS });
    expect(Number(await signals.textContent())).toBeGreaterThan(5);
    await screenshot(page, 'request-budget-live');

    // Overview: the inbox card shows the run's fills.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByRole('heading', { name: 'Recent notifications' }).waitFor();
    await page.waitForTimeout(WATCH_MS);
    await page
      .getByText(/^Order filled: (buy|sell) /)
      .first()
      .waitFor({ timeout: SERVER_WAIT_MS });

    // Portfolio: the position and cash follow the fills.
    await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
    await page.getByRole('heading', { name: 'Portfolio', exact: true }).waitFor();
    await page.waitForTimeout(WATCH_MS);
    await screenshot(page, 'request-budget-portfolio');
  }

  /**
   * The same page in a background tab: the limit is the account's, so a tab out of view asks
   * nothing while the run goes on, and catches up once when shown. Headless Chromium reports every
   * page visible, so the tab's visibility is set as the browser would set it.
   */
  async function hideAndShow(
    page: Page,
    calls: Array<{ status: number; what: string }>,
    expect: ExpectStatic,
  ): Promise<void> {
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    const hiddenFrom = calls.length;
    await page.waitForTimeout(WATCH_MS);
    // The stream's ticket is not a page's re-read: a reconnect may ask for one in any tab.
    const whileHidden = calls.slice(hiddenFrom).filter((c) => !c.what.endsWith('/stream/tickets'));
    expect(whileHidden.map((c) => c.what)).toEqual([]);
    const shownFrom = calls.length;
    await setHidden(false);
    await expect
      .poll(() => calls.slice(shownFrom).some((c) => /^GET \/api\/v1\/portfolios\/./.test(c.what)), {
        timeout: 10_000,
      })
      .toBe(true);
  }
});

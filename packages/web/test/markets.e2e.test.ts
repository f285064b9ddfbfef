/// <reference lib="dom" />
/**
 * Markets in a real Chromium against `tickline start` with its default simulator: the symbol list
 * with live tickers, then a market's chart — history from the API, candles moving live from the
 * stream, indicator overlays and panes, interval switch.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** Candles before MACD's signal line has values. */
const MACD_WARM_UP = 35;

describe.skipIf(!chromiumBinary.available)('web - markets in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  const chartState = (page: Page) =>
    page.getByTestId('candle-chart').evaluate((element) => ({
      candles: Number(element.getAttribute('data-candles')),
      label: element.getAttribute('aria-label') ?? '',
      lastClose: element.getAttribute('data-last-close'),
      lastOpenTime: element.getAttribute('data-last-open-time'),
    }));

  it('web - the market list shows live tickers and the chart updates live from the stream', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('trader'), 'Trader');
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    // A ticker message fills the price (the list's first read may predate the first trade).
    await page.getByTestId('ticker-last').first().filter({ hasText: /\d/ }).waitFor();
    await page.locator('.source-list li', { hasText: 'live' }).first().waitFor();
    await screenshot(page, 'markets');

    const symbol = (await rows.first().getAttribute('data-symbol'))!;
    await page.getByRole('link', { name: symbol, exact: true }).click();
    await page.getByRole('heading', { name: symbol, exact: true }).waitFor();
    const chart = page.getByTestId('candle-chart');
    await chart.waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="candle-chart"]')?.getAttribute('data-candles')) > 0,
    );
    const before = await chartState(page);

    // Live: the label counts stream updates, and the newest candle changes (1s interval by default).
    await page.waitForFunction(() =>
      /live updates/.test(
        document.querySelector('[data-testid="candle-chart"]')?.getAttribute('aria-label') ?? '',
      ),
    );
    await page.waitForFunction((previous) => {
      const element = document.querySelector('[data-testid="candle-chart"]');
      return (
        element?.getAttribute('data-last-open-time') !== previous.lastOpenTime ||
        element?.getAttribute('data-last-close') !== previous.lastClose
      );
    }, before);
    const after = await chartState(page);
    expect(Number(after.lastOpenTime)).toBeGreaterThanOrEqual(Number(before.lastOpenTime));

    // Overlays and panes: RSI is on by default; add Bollinger and MACD (one canvas per pane).
    await page.getByLabel('Bollinger 20/2').check();
    await page.getByLabel('MACD 12/26/9').check();
    // The chart reports its panes: candles, RSI, MACD.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="candle-chart"]')?.getAttribute('data-panes') === '3',
    );
    // Enough 1 s candles for every indicator to have left its warm-up (MACD 26 + signal 9) in the
    // picture: the simulator's recorded past (an hour, written at start) has them at once.
    await page.waitForFunction(
      (enough) =>
        Number(document.querySelector('[data-testid="candle-chart"]')?.getAttribute('data-candles')) >=
        enough,
      MACD_WARM_UP,
      { timeout: 60_000 },
    );
    // A toast hides itself after a few seconds: clicked inside the page, in one step, if still there.
    await page.evaluate(() =>
      document.querySelector<HTMLButtonElement>('button[aria-label="Dismiss"]')?.click(),
    );
    await screenshot(page, 'market-chart');

    // The interval switch reloads history for the new interval.
    await page.getByRole('radio', { name: '1m' }).click();
    // Checked once the page has handled the click: waited for, not read at once.
    await page.getByRole('radio', { name: '1m', checked: true }).waitFor();
    await page.waitForFunction(() =>
      /\b1m candlestick chart/.test(
        document.querySelector('[data-testid="candle-chart"]')?.getAttribute('aria-label') ?? '',
      ),
    );
    await page.context().close();
  });
});

/// <reference lib="dom" />
/**
 * Issue 48, history for every user, in a real Chromium: a brand-new non-admin account opens Get
 * history from Markets, downloads a week of Binance klines (a mock of Binance's REST API with its
 * paging) with the progress bar moving by days, and finds the download in its list; the backtest
 * form then opens on the history the fresh install shipped with.
 */
import { BinanceMock } from '@tickline/market/internal';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
const DAYS = 3;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe.skipIf(!chromiumBinary.available)('web - get history in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  const binance = new BinanceMock();
  beforeAll(async () => {
    await binance.listen();
    binance.klines.set(
      'BTCUSDT',
      Array.from({ length: DAYS * 1_440 }, (_, i) => {
        const t = DAY0 + i * MINUTE;
        const p = 60_000 + (i % 40);
        return [
          t,
          `${p}`,
          `${p + 3}`,
          `${p - 3}`,
          `${p + 1}`,
          '2',
          t + MINUTE - 1,
          '120000',
          9,
          '1',
          '60000',
          '0',
        ];
      }),
    );
    [dashboard, browser] = await startWithBrowser({
      TICKLINE_STRATEGY_HISTORY_DOWNLOAD_REST_URLS_BINANCE: binance.restUrl,
    });
  });
  afterAll(async () => {
    await stopWithBrowser(dashboard, browser);
    await binance.close();
  });

  it('web - a new user downloads venue history with progress, and the backtest form opens on held history', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('history'), 'Historian');
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    await page.getByRole('link', { name: 'get history' }).click();
    await page.getByRole('heading', { name: 'Get history' }).waitFor();

    const form = page.getByRole('form', { name: 'Get history' });
    await form.getByLabel('Venue').selectOption('binance');
    await form.getByLabel('Symbol').fill('BTC-USDT');
    await form.getByLabel('Candle size').selectOption('1h');
    await form.getByLabel('From (UTC day)').fill(day(DAY0));
    await form.getByLabel('To (UTC day, not included)').fill(day(DAY0 + DAYS * DAY));
    await form.getByRole('button', { name: 'Get history' }).click();

    // The progress events move the bar to its end; the summary counts days and candles.
    const status = page.getByTestId('download-status');
    await status.filter({ hasText: /^Done/ }).waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toBe(
      `Done: BTC-USDT 1h from binance, ${DAYS} of ${DAYS} days (${DAYS} fetched, 0 already held) · ${DAYS * 24} candles`,
    );
    const bar = page.getByTestId('download-progress');
    expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual([`${DAYS}`, `${DAYS}`]);
    await page
      .getByTestId('download-list')
      .getByText(`${day(DAY0)} to ${day(DAY0 + DAYS * DAY)}`)
      .waitFor();
    expect(binance.restRequests.filter((u) => u.pathname === '/api/v3/klines')).toHaveLength(2 * DAYS);
    await screenshot(page, 'get-history');

    // A strategy's backtest form opens on the history held (the shipped 2020–21 hours first).
    await page.getByRole('link', { name: 'Strategies', exact: true }).click();
    await page.getByLabel('Name').fill('sma');
    await page.getByRole('button', { name: 'Create from template' }).click();
    await page.getByRole('heading', { name: 'sma' }).waitFor({ timeout: 60_000 });
    const symbol = page.getByLabel('Symbol', { exact: true });
    await symbol.waitFor();
    expect(await symbol.inputValue()).toBe('BTC-USDT');
    expect(await page.getByLabel('Interval').inputValue()).toBe('1h');
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2020-12-01T00:00');
    await page.context().close();
  });
});

/// <reference lib="dom" />
/**
 * A share's chart in a real Chromium against `tickline start` (issue 49): daily history of
 * `005930.KS` with a 50-for-1 split in the middle, uploaded and the split stored by the admin over
 * the API; the market page opens split-adjusted (the first close is the raw one divided by 50,
 * no cliff), and the Raw switch shows the prices as they traded. The list and the page name the
 * share's exchange and currency and show its session badge (a pair's is 24/7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, initialAdmin, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

const DAY = 86_400_000;
/** 2025-03-03 (a Monday) 00:00 UTC = 09:00 in Seoul, the KRX open: 20 daily bars, the split on the 11th. */
const START = Date.UTC(2025, 2, 3);
const SPLIT_AT = 10;

/** A Binance-kline CSV line per day: before the split, 50 times the price. */
function klines(): string {
  return Array.from({ length: 20 }, (_, i) => {
    const price = (1_000 + i) * (i < SPLIT_AT ? 50 : 1);
    const open = START + i * DAY;
    return [open, price, price, price, price, 10, open + DAY - 1, price * 10, 5, 0, 0, 0].join(',');
  }).join('\n');
}

describe.skipIf(!chromiumBinary.available)('web - a share chart, adjusted for its split', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
    const { email, password } = initialAdmin(dashboard);
    const call = async (path: string, body: object, token?: string) => {
      const res = await fetch(`${dashboard.url}/api/v1${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, any>;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const token = (await call('/auth/sign-in', { email, password })).tokens.accessToken as string;
    const { upload } = await call(
      '/history/uploads',
      { symbol: '005930.KS', interval: '1d', exchange: 'kis' },
      token,
    );
    await call(`/history/uploads/${upload.id}/chunks`, { offset: 0, csv: klines() }, token);
    await call(`/history/uploads/${upload.id}/complete`, {}, token);
    const exDate = new Date(START + SPLIT_AT * DAY).toISOString().slice(0, 10);
    const stored = await call(
      '/markets/005930.KS/corporate-actions',
      { actions: [{ kind: 'split', exDate, ratio: 50 }] },
      token,
    );
    expect(stored.stored[0].status).toBe('applied');
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  it('web - the chart opens split-adjusted and Raw shows the traded prices', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('investor'), 'Investor');
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    // The list: the share's exchange and currency, its session in Seoul time; a pair trades always.
    const row = page.locator('tr[data-symbol="005930.KS"]');
    await row.waitFor();
    expect(await row.locator('th .muted').textContent()).toBe('Korea Exchange · KRW · kis');
    // Whatever the hour the test runs at: open until a close, or closed until an open, in KST.
    const badge = row.getByTestId('session-badge');
    expect(await badge.textContent()).toMatch(
      /^(Open · closes|Early close · closes|Closed · opens \w{3}) \d\d:\d\d KST$/,
    );
    expect(await page.locator('tr[data-symbol="BTC-USDT"]').getByTestId('session-badge').textContent()).toBe(
      '24/7',
    );
    await screenshot(page, 'markets-shares');
    await page.getByRole('link', { name: '005930.KS', exact: true }).click();
    await page.getByRole('heading', { name: '005930.KS', exact: true }).waitFor();
    await page.getByRole('radio', { name: '1d' }).click();
    const firstClose = (expected: number) =>
      page.waitForFunction(
        (close) =>
          document.querySelector('[data-testid="candle-chart"]')?.getAttribute('data-first-close') ===
          String(close),
        expected,
      );
    expect(await page.getByRole('radio', { name: 'Split-adjusted' }).getAttribute('aria-checked')).toBe(
      'true',
    );
    await firstClose(1_000);
    await page.getByRole('radio', { name: 'Raw' }).click();
    await firstClose(50_000);
    const last = await page.getByTestId('candle-chart').getAttribute('data-last-close');
    expect(last).toBe('1019');
    await page.getByRole('radio', { name: 'Split-adjusted' }).click();
    await firstClose(1_000);
    expect(await page.getByTestId('market-listing').textContent()).toBe('Korea Exchange · KRW · via kis');
    expect(await page.locator('header').getByTestId('session-badge').getAttribute('data-state')).toMatch(
      /^(open|early-close|closed)$/,
    );
    await screenshot(page, 'share-chart');
  });
});

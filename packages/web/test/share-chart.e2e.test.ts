/// <reference lib="dom" />
/**
 * A share's chart in a real Chromium against `tickline start` (issue 49): daily history of
 * `005930.KS` with a 50-for-1 split in the middle, uploaded and the split stored by the admin over
 * the API; the market page opens split-adjusted (the first close is the raw one divided by 50,
 * no cliff), and the Raw switch shows the prices as they traded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary } from './harness/browser.ts';
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
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, any>;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const token = (await call('/auth/sign-in', { email, password })).tokens.accessToken as string;
    const { upload } = await call('/history/uploads', { symbol: '005930.KS', interval: '1d', exchange: 'kis' }, token);
    await call(`/history/uploads/${upload.id}/chunks`, { offset: 0, csv: klines() }, token);
    await call(`/history/uploads/${upload.id}/complete`, {}, token);
    const exDate = new Date(START + SPLIT_AT * DAY).toISOString().slice(0, 10);
    const stored = await call('/markets/005930.KS/corporate-actions', { actions: [{ kind: 'split', exDate, ratio: 50 }] }, token);
    expect(stored.stored[0].status).toBe('applied');
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  it('web - the chart opens split-adjusted and Raw shows the traded prices', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('investor'), 'Investor');
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    await page.getByRole('link', { name: '005930.KS', exact: true }).click();
    await page.getByRole('heading', { name: '005930.KS', exact: true }).waitFor();
    await page.getByRole('radio', { name: '1d' }).click();
    const firstClose = (expected: number) =>
      page.waitForFunction(
        (close) => document.querySelector('[data-testid="candle-chart"]')?.getAttribute('data-first-close') === String(close),
        expected,
      );
    expect(await page.getByRole('radio', { name: 'Split-adjusted' }).getAttribute('aria-checked')).toBe('true');
    await firstClose(1_000);
    await page.getByRole('radio', { name: 'Raw' }).click();
    await firstClose(50_000);
    const last = await page.getByTestId('candle-chart').getAttribute('data-last-close');
    expect(last).toBe('1019');
  });
});

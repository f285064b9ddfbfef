/// <reference lib="dom" />
/**
 * Binding a portfolio to Binance spot in a real Chromium against `tickline start`, the venue being
 * the loopback mock (REST and the WebSocket API): a key that can withdraw is refused in words; a
 * trading key binds, the card shows its last four characters and the account's balances, and the
 * form keeps neither key nor secret; a market order from the Orders page fills at the venue and
 * shows in the positions; back to paper.
 */
import { simulatorBtcMock } from '@tickline/trading/internal';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { BROWSER_PACE_ENV, type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** Waits on server work: generous, because CI runs this beside other suites. */
const SERVER_WAIT_MS = 60_000;
const KEY = 'webBinanceTradingKey000000000000000000000001';
const SECRET = 'webBinanceTradingSecret00000000000000000001';
const WITHDRAW_KEY = 'webBinanceWithdrawKey00000000000000000000002';
const WITHDRAW_SECRET = 'webBinanceWithdrawSecret0000000000000000002';

describe.skipIf(!chromiumBinary.available)('web - a portfolio bound to Binance spot', () => {
  const mock = simulatorBtcMock({
    key: KEY,
    secret: SECRET,
    withdrawKey: WITHDRAW_KEY,
    withdrawSecret: WITHDRAW_SECRET,
  });
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    await mock.start();
    [dashboard, browser] = await startWithBrowser({
      ...BROWSER_PACE_ENV,
      TICKLINE_TRADING_VENUES_BINANCE_ENABLED: 'true',
      TICKLINE_TRADING_VENUES_BINANCE_BASE_URL: mock.url,
      TICKLINE_TRADING_VENUES_BINANCE_WS_API_URL: mock.wsUrl,
    });
  });
  afterAll(async () => {
    await stopWithBrowser(dashboard, browser);
    await mock.stop();
  });

  async function openPortfolio(page: Page): Promise<void> {
    await page.getByRole('link', { name: 'Portfolio', exact: true }).first().click();
    await page.getByTestId('venue-card').waitFor({ timeout: SERVER_WAIT_MS });
  }

  async function bind(page: Page, apiKey: string, apiSecret: string): Promise<void> {
    const form = page.getByRole('form', { name: 'Bind to Binance spot' });
    await form.getByLabel('API key').fill(apiKey);
    await form.getByLabel('API secret').fill(apiSecret);
    await form.getByRole('button', { name: 'Bind to Binance spot' }).click();
  }

  it('web - refuse a key that can withdraw, bind a trading key, trade at the venue, back to paper', async () => {
    const page = await openPage(browser);
    page.on('dialog', (dialog) => void dialog.accept());
    await signUp(page, dashboard.url, uniqueEmail('venue'), 'Venue');
    await page.getByTestId('portfolio-equity').waitFor({ timeout: SERVER_WAIT_MS });
    await openPortfolio(page);
    const state = page.getByTestId('venue-state');
    await state.getByText(/^Paper/).waitFor({ timeout: SERVER_WAIT_MS });

    // A key that can withdraw is refused, and the form forgets what was typed
    await bind(page, WITHDRAW_KEY, WITHDRAW_SECRET);
    const refusal = page.getByTestId('venue-card').getByRole('alert');
    await refusal.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await refusal.textContent()).toMatch(/withdraw/);
    expect(await page.getByLabel('API secret').inputValue()).toBe('');

    // A trading key binds; the card shows its last four characters and the venue's balances
    await bind(page, KEY, SECRET);
    await state.getByText(/^Binance spot, key ••••/).waitFor({ timeout: SERVER_WAIT_MS });
    expect(await state.textContent()).toContain(`••••${KEY.slice(-4)}`);
    await page.getByTestId('venue-balances').getByText('USDT').waitFor({ timeout: SERVER_WAIT_MS });
    const html = await page.content();
    expect(html).not.toContain(KEY);
    expect(html).not.toContain(SECRET);
    // The page says where it trades: its figures are its own books, the venue's balances apart
    await page.getByTestId('venue-note').getByText(/^Trading on Binance spot/).waitFor({ timeout: SERVER_WAIT_MS });
    await screenshot(page, 'portfolio-venue-binance', { fullPage: true });

    // A market buy on the Orders page is placed at the venue and fills there
    await page.getByRole('link', { name: 'Orders', exact: true }).first().click();
    const ticket = page.getByRole('form', { name: 'Order on Binance spot' });
    await ticket.waitFor();
    await ticket.getByLabel('Symbol').selectOption('BTC-USDT');
    await page.waitForFunction(
      () => /Last [0-9]/.test(document.querySelector('[data-testid="ticket-last"]')?.textContent ?? ''),
      undefined,
      { timeout: SERVER_WAIT_MS },
    );
    await ticket.getByLabel(/^Quantity/).fill('0.01');
    await ticket.getByRole('button', { name: 'Buy BTC-USDT' }).click();
    await expect
      .poll(() => mock.book.orders.filter((o) => o.status === 'FILLED').length, { timeout: SERVER_WAIT_MS })
      .toBe(1);
    await openPortfolio(page);
    // The position's row (its symbol is the row's header cell, so it is found by the row).
    await page
      .getByTestId('positions')
      .locator('tr[data-symbol="BTC-USDT"]')
      .waitFor({ timeout: SERVER_WAIT_MS });

    // Back to paper, after the confirmation
    await page.getByRole('button', { name: 'Back to paper' }).click();
    await state.getByText(/^Paper/).waitFor({ timeout: SERVER_WAIT_MS });
    expect(await page.getByTestId('venue-note').count()).toBe(0);
    await page.context().close();
  }, 300_000);
});

/// <reference lib="dom" />
/**
 * The parity monitor's alert in a real Chromium against `tickline start` (embedded default,
 * simulator 1 s candles): a live run whose decisions part from its backtest replay shows, on its
 * card, the monitor's warning naming the decision and the field, and its owner finds the
 * `strategy.parity` notification naming the same in the inbox.
 *
 * The divergence is made deterministic by the data-health interlock: with a band so narrow that
 * any move of a 1 s close is a jump, the feed turns unhealthy and stays so; a first run on it shows
 * when it has. The strategy run then buys whenever it reads `ctx.dataHealthy`: live, held from its
 * first candle, it reads `false` and decides nothing; its replay (a backtest, where the flag is
 * always `true`) buys on every candle. They part at the first decision: live has none.
 */
import { createTicklineClient } from '@tickline/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_OFF_ENV } from '@tickline/testing';
import { openPage, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { BROWSER_PACE_ENV, type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** Waits on the server, the monitor and the page's polling: generous, because CI runs this beside other suites. */
const SERVER_WAIT_MS = 120_000;
/** Buys on every candle while its data is healthy: the replay's decisions, and none live. */
const HEALTH_READER = `export default defineStrategy({
  onCandle(ctx) {
    if (ctx.dataHealthy) ctx.buy({ qty: 0.001, reason: 'healthy' });
  },
});
`;
/** Decides nothing: its run shows when the feed turned unhealthy. */
const QUIET = `export default defineStrategy({ onCandle() {} });
`;
const DIVERGED = /diverges from the backtest at decision (\d+) \((\w+) differs\)/;

describe.skipIf(!chromiumBinary.available)('web - the parity monitor’s alert on a live run', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser({
      ...BROWSER_PACE_ENV,
      // Live runs enabled without research: the promotion gate is not what this file tests.
      ...GATE_OFF_ENV,
      // Any move is a jump and a thousand clean candles lift it: unhealthy from the second candle on.
      TICKLINE_TRADING_LIVE_DATA_HEALTH_JUMP_PERCENT: '0.0000001',
      TICKLINE_TRADING_LIVE_DATA_HEALTH_HEALTHY_CANDLES: '1000',
      // The monitor checks every run every two seconds instead of every 15 minutes.
      TICKLINE_TRADING_LIVE_PARITY_CHECK_MS: '2000',
    });
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  it('web - a diverged run’s card names the decision and field, and the owner is notified', async () => {
    const page = await openPage(browser);
    try {
      await diverged(page);
    } catch (error) {
      await screenshot(page, 'parity-alert-failure', { fullPage: true });
      throw error;
    }
  }, 420_000);

  async function diverged(page: Page): Promise<void> {
    const email = uniqueEmail('parity');
    await signUp(page, dashboard.url, email, 'Parity');
    // The portfolio is opened by the account snapshot: the overview shows it once it is.
    await page.getByTestId('portfolio-equity').waitFor({ timeout: SERVER_WAIT_MS });
    // Written through the SDK (the editor is the strategies suite's); run live through the page.
    const sdk = createTicklineClient({ baseUrl: dashboard.url });
    await sdk.auth.signIn({ email, password: TEST_PASSWORD });
    const quiet = (await sdk.strategies.create({ name: 'quiet', source: QUIET })).strategy.id;
    const reader = (await sdk.strategies.create({ name: 'health reader', source: HEALTH_READER })).strategy
      .id;
    await page.goto(`${dashboard.url}/live`);

    // The quiet run first, until its card says the feed is unhealthy (and stays so: the band).
    const quietRun = await runLive(page, 'quiet', quiet);
    await quietRun
      .getByText(/^Market data unhealthy: BTC-USDT 1s jumped/)
      .waitFor({ timeout: SERVER_WAIT_MS });
    const run = await runLive(page, 'health reader', reader);

    // The monitor's check reaches the card with the page's refresh of the runs.
    const alert = run.locator('[data-testid="parity-latest"][role="alert"]');
    await alert.filter({ hasText: DIVERGED }).waitFor({ timeout: SERVER_WAIT_MS });
    const text = (await alert.textContent()) ?? '';
    const [, decision, field] = DIVERGED.exec(text)!;
    // Live, held from its first candle: no decision; the replay: a buy on every candle.
    expect([decision, field]).toEqual(['1', 'missing']);
    expect(text).toMatch(/— live —, backtest buy 0\.001 BTC-USDT market$/);
    await alert.scrollIntoViewIfNeeded();
    await screenshot(page, 'live-parity-diverged');

    // The owner is told once, naming the same decision and field.
    await page.goto(`${dashboard.url}/notifications`);
    const notice = page.locator('li.inbox-item[data-kind="strategy.parity"]');
    await notice.first().waitFor({ timeout: SERVER_WAIT_MS });
    expect(await notice.locator('.inbox-title').textContent()).toBe(
      'Live strategy diverged from its backtest',
    );
    expect(await notice.locator('.inbox-body').textContent()).toBe(
      `Live strategy health reader diverges from its backtest replay at decision ${decision}: ${field} differs.`,
    );
    expect(await notice.count()).toBe(1);
    await screenshot(page, 'inbox-parity-diverged');
  }

  /** Runs strategy `name` live on BTC-USDT 1 s through the page's form; its card. */
  async function runLive(page: Page, name: string, strategyId: string) {
    const form = page.getByRole('form', { name: 'Run a strategy live' });
    await form.waitFor({ timeout: SERVER_WAIT_MS });
    await form.getByLabel('Strategy').selectOption({ label: name });
    await form.getByLabel('Feed 1 symbol').selectOption('BTC-USDT');
    await form.getByLabel('Feed 1 interval').selectOption('1s');
    await form.getByLabel('Warm-up bars').fill('0');
    await form.getByRole('button', { name: /^Run v1 live$/ }).click();
    const run = page.locator(`[data-testid="live-runs"] li[data-run$=":${strategyId}"]`);
    await run.waitFor({ timeout: SERVER_WAIT_MS });
    return run;
  }
});

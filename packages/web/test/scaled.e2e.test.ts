/// <reference lib="dom" />
/**
 * Issue 27: the dashboard walked at scale, in a real Chromium. The topology `npm run cluster`
 * starts — two gateways behind one address, a strategy, platform, game and collector process on a
 * real nats-server, PostgreSQL and redis-server — and a user who signs up there, writes a
 * strategy, backtests it, runs it live and sees its signal, places a manual order, reads the
 * inbox, changes notification settings and plays; an admin opens Operations. Every page is then
 * opened once more, and none shows an error, throws, or gets a 404 or 5xx from the API: strategy
 * and notify routes are forwarded by the gateways to the processes that own them.
 */
import { createTicklineClient } from '@tickline/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signIn, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, finalStatus, launchBrowser, screenshot } from './harness/browser.ts';
import { openOperations, OperationsSection } from './harness/operations.ts';
import {
  scaledDependencies,
  startScaledDashboard,
  type ScaledDashboard,
} from './harness/scaled-dashboard.ts';

const scaled = scaledDependencies();
const available = chromiumBinary.available && scaled.available;
/** Work across processes on a busy machine: wait long, judge the outcome. */
const SERVER_WAIT_MS = 90_000;
/** A live run's first signal across the processes: at its first 1 s close, generous on a busy machine. */
const SIGNAL_WAIT_MS = 180_000;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Buys on every closed candle: a signal each second on 1 s candles. */
const EVERY_CANDLE = `export default defineStrategy({
  onCandle(ctx) {
    ctx.buy({ qty: 0.0001, reason: 'every candle' });
  },
});
`;
/** Every page of the dashboard a user reaches from the menu, with the heading it shows. */
const USER_PAGES: ReadonlyArray<[path: string, heading: string | RegExp]> = [
  ['/', /^Welcome/],
  ['/markets', 'Markets'],
  ['/strategies', 'Strategies'],
  ['/portfolio', 'Portfolio'],
  ['/orders', 'Orders'],
  ['/live', 'Live strategies'],
  ['/game', 'Game'],
  ['/notifications', 'Inbox'],
  ['/settings/notifications', 'Notification settings'],
  ['/security', 'Security'],
  ['/api-keys', 'API keys'],
];

/** What went wrong on a page: uncaught errors and API answers that mean a route is missing or broken. */
function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/') && (response.status() === 404 || response.status() >= 500))
      problems.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
  });
}

describe.skipIf(!available)(`web - the dashboard at scale, through a gateway (${scaled.reason})`, () => {
  let dashboard: ScaledDashboard | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    // 1 s candles too: the backtest runs over the minutes the cluster has been up.
    [dashboard, browser] = await Promise.all([
      startScaledDashboard({ env: { TICKLINE_MARKET_CANDLES_INTERVALS: '1s,1m' } }),
      launchBrowser(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  }, 120_000);

  it('web at scale - sign up, strategy, backtest, live signal, manual order, inbox, settings, game, operations', async () => {
    const url = dashboard!.url;
    const problems: string[] = [];
    const page = await openPage(browser!);
    watch(page, problems);
    try {
      const email = uniqueEmail('scaled');
      await signUp(page, url, email, 'Scaled Trader');
      // The account snapshot (platform) opened the paper portfolio; the welcome is in the inbox.
      await page.getByTestId('portfolio-equity').waitFor({ timeout: SERVER_WAIT_MS });
      await page
        .getByRole('region', { name: 'Recent notifications' })
        .getByText('Your account is ready')
        .waitFor({ timeout: SERVER_WAIT_MS });

      // A symbol the collector's simulator trades.
      await page.getByRole('link', { name: 'Markets', exact: true }).click();
      const row = page.locator('tbody tr').first();
      await row.waitFor({ timeout: SERVER_WAIT_MS });
      const symbol = (await row.getAttribute('data-symbol'))!;

      // A strategy from the template, backtested over today's 1 s candles.
      await page.getByRole('link', { name: 'Strategies', exact: true }).click();
      await page.getByLabel('Name').fill('cross at scale');
      await page.getByRole('button', { name: 'Create from template' }).click();
      await page.getByRole('heading', { name: 'cross at scale' }).waitFor({ timeout: SERVER_WAIT_MS });
      await page.getByTestId('strategy-editor').locator('.cm-content').waitFor();
      await page.getByLabel('Symbol', { exact: true }).fill(symbol);
      await page.getByLabel('Interval').selectOption('1s');
      await page.getByLabel('From', { exact: true }).fill(`${isoDay(Date.now())}T00:00`);
      await page.getByLabel('To', { exact: true }).fill(`${isoDay(Date.now() + DAY)}T00:00`);
      await page.getByLabel('fast').fill('3');
      await page.getByLabel('slow').fill('8');
      await page.getByRole('button', { name: 'Run backtest' }).click();
      expect(await finalStatus(page, 'run-status', SERVER_WAIT_MS)).toBe('succeeded');
      await page.getByTestId('runs').getByRole('link').first().click();
      await page.getByTestId('metrics-table').waitFor({ timeout: SERVER_WAIT_MS });
      await page.getByTestId('equity-chart').locator('canvas').first().waitFor();
      await screenshot(page, 'scaled-backtest');

      // Live: a strategy that buys on every candle (written through the SDK, at the same address),
      // run on the symbol's 1 s candles: what crosses the processes (the strategy process's signal
      // to the gateways' streams) is the same for any interval, and a 1 m run waited ~30 s on
      // average for its first close. Its signal comes meanwhile, while the rest is walked.
      const sdk = createTicklineClient({ baseUrl: url });
      await sdk.auth.signIn({ email, password: TEST_PASSWORD });
      const {
        strategy: { id: strategyId },
      } = await sdk.strategies.create({ name: 'every candle', source: EVERY_CANDLE });
      await page.goto(`${url}/live`);
      const form = page.getByRole('form', { name: 'Run a strategy live' });
      await form.waitFor({ timeout: SERVER_WAIT_MS });
      await form.getByLabel('Strategy').selectOption({ label: 'every candle' });
      await form.getByLabel('Feed 1 symbol').selectOption(symbol);
      await form.getByLabel('Feed 1 interval').selectOption('1s');
      await form.getByLabel('Warm-up bars').fill('0');
      await form.getByRole('button', { name: /^Run v1 live$/ }).click();
      const run = page.locator(`[data-testid="live-runs"] li[data-run$=":${strategyId}"]`);
      await run.waitFor({ timeout: SERVER_WAIT_MS });
      expect(await run.getByTestId('run-state').textContent()).toBe('running');

      // A manual market order.
      await page.getByRole('link', { name: 'Orders', exact: true }).first().click();
      const ticket = page.getByRole('form', { name: 'Paper order' });
      await ticket.waitFor();
      await ticket.getByLabel('Symbol').selectOption(symbol);
      await page.waitForFunction(
        () => /Last [0-9]/.test(document.querySelector('[data-testid="ticket-last"]')?.textContent ?? ''),
        undefined,
        { timeout: SERVER_WAIT_MS },
      );
      await ticket.getByLabel(/^Quantity/).fill('0.01');
      await ticket.getByRole('button', { name: `Buy ${symbol}` }).click();
      await ticket.getByText(/^Market order placed: buy 0\.01 /).waitFor({ timeout: SERVER_WAIT_MS });
      await page
        .getByTestId('order-history')
        .locator('tr[data-status="filled"]')
        .first()
        .waitFor({ timeout: SERVER_WAIT_MS });
      await screenshot(page, 'scaled-orders');

      // The inbox, and a notification setting changed and read back after a reload.
      await page.goto(`${url}/notifications`);
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      await page.getByText('Your account is ready').waitFor({ timeout: SERVER_WAIT_MS });
      await page.getByRole('link', { name: 'Notification settings' }).click();
      await page.getByRole('heading', { name: 'Notification settings' }).waitFor();
      await page.getByLabel('Time zone', { exact: true }).fill('UTC');
      await page.getByLabel(/Hold notifications during quiet hours/).check();
      await page.getByLabel('From', { exact: true }).fill('03:00');
      await page.getByLabel('Until', { exact: true }).fill('04:00');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: SERVER_WAIT_MS });
      await page.reload();
      await page.getByRole('heading', { name: 'Notification settings' }).waitFor();
      expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('03:00');
      expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('UTC');

      // The game: the zone process the gateways' coordinator sends the player to.
      await page.getByRole('link', { name: 'Game', exact: true }).click();
      await page.getByLabel('Zone').locator('option').first().waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Play' }).click();
      await page
        .getByTestId('game-state')
        .filter({ hasText: 'connected' })
        .waitFor({ timeout: SERVER_WAIT_MS });

      // The signal of the live run, arrived on the stream.
      await page.goto(`${url}/live`);
      const signal = page.getByTestId('signal-feed').locator('tr').filter({ hasText: 'every candle' });
      await signal.first().waitFor({ timeout: SIGNAL_WAIT_MS });
      expect(await signal.first().getByTestId('signal-side').textContent()).toMatch(/^buy market/);
      await screenshot(page, 'scaled-live-signal', { fullPage: true });

      // Operations, as the first-run admin: zones from the game process, the run under its
      // strategy process. In its own context beside the user's walk below: it only reads what
      // the user did above, and the walk reads nothing the admin changes.
      const operations = (async () => {
        const admin = await openPage(browser!);
        watch(admin, problems);
        const { email: adminEmail, password } = dashboard!.initialAdmin();
        await signIn(admin, url, adminEmail, password);
        await openOperations(admin, OperationsSection.Risk);
        await admin
          .locator(`[data-testid="live-admin"] tr[data-run$=":${strategyId}"]`)
          .waitFor({ timeout: SERVER_WAIT_MS });
        await visit(admin, `${url}/admin`, 'Operations');
        await admin.locator('tbody tr[data-zone]').first().waitFor({ timeout: SERVER_WAIT_MS });
        await screenshot(admin, 'scaled-operations', { fullPage: true });
        await admin.context().close();
      })();
      operations.catch(() => {}); // awaited below: a failure is the test's, not an unhandled rejection

      // Every page once more: a heading, no error state.
      for (const [path, heading] of USER_PAGES) await visit(page, `${url}${path}`, heading);
      await operations;
      expect(problems).toEqual([]);
    } catch (error) {
      await screenshot(page, 'scaled-failure', { fullPage: true });
      console.log([...dashboard!.progress, ...problems].join('\n'));
      throw error;
    }
  }, 900_000);
});

/** Opens `url`, waits for its heading and the end of loading, and checks no error state shows. */
async function visit(page: Page, url: string, heading: string | RegExp): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: heading }).first().waitFor({ timeout: SERVER_WAIT_MS });
  await page.waitForFunction(() => document.querySelectorAll('.state-loading').length === 0, undefined, {
    timeout: SERVER_WAIT_MS,
  });
  const errors = await page.locator('.state-error, .form-error').allTextContents();
  expect(errors, `${url} shows an error`).toEqual([]);
}

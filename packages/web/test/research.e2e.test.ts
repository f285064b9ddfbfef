/// <reference lib="dom" />
/**
 * Research in a real Chromium against `tickline start`: the first-run admin uploads two kline CSVs
 * through the upload control (progress, then the stored summary), and a third older than the
 * candle retention, which it deletes from the list of uploads; a user backtests one symbol with
 * the other as an extra feed, is refused a live run by the promotion gate (on by default for every
 * tier but the admin's), runs a small walk-forward on the uploaded candles (progress, then its
 * folds, its sets ranked by the objective chosen, each with its equity curve) and a look-ahead
 * check, sees the gate pass where the live run is enabled, enables it, and uses a set of the
 * walk-forward: a backtest of the second best, the best saved as version 2.
 */
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signIn, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, finalStatus, screenshot } from './harness/browser.ts';
import {
  BROWSER_PACE_ENV,
  type Dashboard,
  initialAdmin,
  startWithBrowser,
  stopWithBrowser,
} from './harness/dashboard.ts';

/** Waits on server work (compiles, isolates, research folds): generous for a busy two-core CI. */
const SERVER_WAIT_MS = 60_000;
/** The walk-forward's runs (folds × grid sets) on a busy machine. */
const RESEARCH_WAIT_MS = 120_000;
const MINUTE = 60_000;
const NOW = new Date();
/** Two months back, wherever the calendar is when this runs: recent history. */
const T0 = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - 2, 1);
/** Older than the default candle retention (two years), which drops recorded candles only. */
const OLD_T0 = Date.UTC(NOW.getUTCFullYear() - 3, NOW.getUTCMonth(), 1);
/** 3,000 one-minute candles: three walk-forward folds of 1,200 in-sample and 600 out-of-sample bars. */
const BARS = 3_000;
const inputTime = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/**
 * A Binance kline CSV of `bars` 1 m candles: a rising price with a two-hour swing — deterministic,
 * and trending enough that an SMA crossover's out-of-sample equity rises.
 */
function klineCsv(bars: number, base: number, t0 = T0): string {
  const lines: string[] = [];
  for (let i = 0; i < bars; i++) {
    const open = base + 0.02 * i + 4 * Math.sin((2 * Math.PI * i) / 120);
    const close = base + 0.02 * (i + 1) + 4 * Math.sin((2 * Math.PI * (i + 1)) / 120);
    const t = t0 + i * MINUTE;
    const [o, c] = [open.toFixed(4), close.toFixed(4)];
    const [h, l] = [(Math.max(open, close) + 0.05).toFixed(4), (Math.min(open, close) - 0.05).toFixed(4)];
    lines.push(
      `${t},${o},${h},${l},${c},10.5,${t + MINUTE - 1},${(10.5 * close).toFixed(2)},42,5.1,${(5.1 * close).toFixed(2)},0`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!chromiumBinary.available)('web - research in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    // The gate as configured by default: required for every tier but the admin's. Its verdict is
    // per feed: the run goes live on the researched symbol, tradable here (no live source feeds it).
    [dashboard, browser] = await startWithBrowser({
      ...BROWSER_PACE_ENV,
      TICKLINE_MARKET_SYMBOLS: 'BTC-USDT,ETH-USDT,SOL-USDT,RSCH-USDT',
    });
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  /** Fills the strategy page's upload control with `csv` as `symbol` 1 m and sends it. */
  async function sendUpload(page: Page, symbol: string, csv: string): Promise<void> {
    const form = page.getByRole('form', { name: 'Upload history' });
    await form.getByLabel('Kline CSV file').setInputFiles({
      name: `${symbol}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await form.getByLabel('Upload symbol').fill(symbol);
    await form.getByLabel('Upload candle size').selectOption('1m');
    await form.getByRole('button', { name: 'Upload' }).click();
  }

  /** Uploads `csv` as `symbol` 1 m through the strategy page's upload control; waits for its summary. */
  async function upload(page: Page, symbol: string, csv: string): Promise<void> {
    await sendUpload(page, symbol, csv);
    await page.getByTestId('upload-progress').waitFor({ timeout: SERVER_WAIT_MS });
    await page
      .getByTestId('upload-status')
      .filter({ hasText: symbol })
      .filter({ hasText: /^Uploaded/ })
      .waitFor({ timeout: SERVER_WAIT_MS });
  }

  /** The strategy page's research form, set to `kind` over all the uploaded 1 m candles. */
  async function researchForm(page: Page, strategyUrl: string, kind: string) {
    await page.goto(strategyUrl);
    const form = page.getByRole('form', { name: 'Run research' });
    await form.waitFor({ timeout: SERVER_WAIT_MS });
    await form.getByLabel('Research kind').selectOption(kind);
    await form.getByLabel('Research symbol').fill('RSCH-USDT');
    await form.getByLabel('Research candle size').selectOption('1m');
    await form.getByLabel('Research from').fill(inputTime(T0));
    await form.getByLabel('Research to').fill(inputTime(T0 + BARS * MINUTE));
    return form;
  }

  /** Waits for the research page's run to end; it must have succeeded. */
  async function researchDone(page: Page): Promise<void> {
    expect(await finalStatus(page, 'research-status', RESEARCH_WAIT_MS)).toBe('succeeded');
  }

  it('web - upload candles, backtest two feeds, gate refuses, walk-forward, gate passes, run live', async () => {
    // The researcher signs up and makes a strategy while the admin uploads: nothing the one does
    // reads what the other writes until the researcher's backtest, which waits for the uploads.
    const researcher = (async () => {
      const page = await openPage(browser);
      await signUp(page, dashboard.url, uniqueEmail('researcher'), 'Researcher');
      await page.getByRole('link', { name: 'Strategies', exact: true }).click();
      await page.getByLabel('Name').fill('researched');
      await page.getByRole('button', { name: 'Create from template' }).click();
      await page.getByRole('heading', { name: 'researched' }).waitFor({ timeout: SERVER_WAIT_MS });
      return page;
    })();
    researcher.catch(() => {}); // awaited below: a failure is the test's, not an unhandled rejection

    // The admin's upload: candles are every user's history.
    const admin = await openPage(browser);
    const { email, password } = initialAdmin(dashboard);
    await signIn(admin, dashboard.url, email, password);
    await admin.getByRole('link', { name: 'Strategies', exact: true }).click();
    await admin.getByLabel('Name').fill('uploads');
    await admin.getByRole('button', { name: 'Create from template' }).click();
    await admin.getByRole('heading', { name: 'uploads' }).waitFor({ timeout: SERVER_WAIT_MS });
    await upload(admin, 'RSCH-USDT', klineCsv(BARS, 100));
    const status = admin.getByTestId('upload-status');
    expect(await status.textContent()).toBe(
      `Uploaded: 3,000 candles of RSCH-USDT 1m from ${inputTime(T0)} to ${inputTime(T0 + (BARS - 1) * MINUTE)} · 100 %`,
    );
    expect(await admin.getByTestId('upload-progress').getAttribute('value')).toBe('1');
    await status.scrollIntoViewIfNeeded();
    await screenshot(admin, 'research-upload');
    await upload(admin, 'RSCHB-USDT', klineCsv(BARS, 50));
    // History older than the candle retention is stored too (imported history, which the
    // retention of recorded candles does not drop), listed, and deleted with its candles from the list.
    await upload(admin, 'RSCHOLD-USDT', klineCsv(60, 100, OLD_T0));
    const uploads = admin.getByRole('list', { name: 'Your uploads' });
    const old = uploads.getByRole('listitem').filter({ hasText: 'RSCHOLD-USDT' });
    await old.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await old.textContent()).toContain(`60 candles from ${inputTime(OLD_T0).replace('T', ' ')}`);
    admin.once('dialog', (dialog: Dialog) => void dialog.accept());
    await old.getByRole('button', { name: /^Delete / }).click();
    await old.waitFor({ state: 'detached', timeout: SERVER_WAIT_MS });
    expect(await uploads.getByRole('listitem').count()).toBe(2);
    // A market of uploaded history only opens at the interval its candles have (1m here), not on
    // an empty 1 s chart waiting for trades that never come (RSCHB-USDT: RSCH-USDT is tradable here).
    await admin.goto(`${dashboard.url}/markets/RSCHB-USDT`);
    await admin.waitForFunction(
      () =>
        /^RSCHB-USDT 1m candlestick chart, 500 candles/.test(
          document.querySelector('[data-testid="candle-chart"]')?.getAttribute('aria-label') ?? '',
        ),
      undefined,
      { timeout: SERVER_WAIT_MS },
    );
    expect(await admin.getByRole('radio', { name: '1m' }).getAttribute('aria-checked')).toBe('true');
    await screenshot(admin, 'research-history-market');
    await admin.getByRole('radio', { name: '1s' }).click();
    await admin.getByText('No 1s candles: RSCHB-USDT has no live source here, so only imported history shows.').waitFor();
    await admin.context().close();

    const page = await researcher;
    const strategyUrl = page.url();

    // A backtest of the first symbol with the second as an extra feed (one added, one removed).
    await page.getByLabel('Symbol', { exact: true }).fill('RSCH-USDT');
    await page.getByLabel('Interval').selectOption('1m');
    await page.getByLabel('From', { exact: true }).fill(inputTime(T0));
    await page.getByLabel('To', { exact: true }).fill(inputTime(T0 + 600 * MINUTE));
    await page.getByLabel('fast').fill('5');
    await page.getByLabel('slow').fill('30');
    await page.getByRole('button', { name: '+ Add feed' }).click();
    await page.getByRole('button', { name: '+ Add feed' }).click();
    await page.getByLabel('Feed 2 symbol').fill('NONE-USDT');
    await page.getByLabel('Feed 3 symbol').fill('RSCHB-USDT');
    await page.getByLabel('Feed 3 interval').selectOption('1m');
    // A feed without candles is refused before anything is queued: the feeds reach the server.
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const backtestForm = page.getByRole('form', { name: 'Backtest v1' });
    await backtestForm
      .getByRole('alert')
      .filter({ hasText: '(MARKET_SYMBOL_NOT_FOUND)' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    await page.getByRole('button', { name: 'Remove feed 2' }).click();
    // The removed row's text went with it: the remaining row is now feed 2, still RSCHB-USDT.
    expect(await page.getByLabel('Feed 2 symbol').inputValue()).toBe('RSCHB-USDT');
    await page.getByTestId('backtest-feeds').scrollIntoViewIfNeeded();
    await screenshot(page, 'backtest-feeds');
    const queued = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/backtests'));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    expect((await queued).postDataJSON()).toMatchObject({
      symbol: 'RSCH-USDT',
      interval: '1m',
      feeds: [{ symbol: 'RSCHB-USDT', interval: '1m' }],
    });
    expect(await finalStatus(page, 'run-status', SERVER_WAIT_MS)).toBe('succeeded');

    // Before any research the gate refuses the live run, and says why.
    await page.getByRole('link', { name: 'run live →' }).click();
    const live = page.getByRole('form', { name: 'Run a strategy live' });
    await live.waitFor({ timeout: SERVER_WAIT_MS });
    await live.getByLabel('Feed 1 symbol').selectOption('RSCH-USDT');
    const verdict = live.getByTestId('gate-verdict');
    await verdict
      .locator('summary')
      .filter({ hasText: 'Promotion gate v1 on RSCH-USDT 1m: not passed: this version cannot run live yet' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    const refused = await verdict.locator('li').allTextContents();
    expect(refused).toHaveLength(5);
    expect(refused.every((c) => c.startsWith('✗'))).toBe(true);
    // The budget forecast beside it: the backtest above measured the template's CPU per candle.
    expect(await verdict.getByTestId('cpu-forecast').textContent()).toMatch(
      /^✓ CPU forecast: \d+\.\d{2} ms per candle in its newest backtest \(live budget 50 ms per candle\)$/,
    );
    await live.getByLabel('Warm-up bars').fill('0');
    await live.getByRole('button', { name: /^Run v1 live$/ }).click();
    await live
      .getByRole('alert')
      .filter({ hasText: '(STRATEGY_GATE_REFUSED)' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    await screenshot(page, 'research-gate-refused');

    // A walk-forward on the uploaded candles: 3 folds, a grid of four sets.
    const research = await researchForm(page, strategyUrl, 'walk-forward');
    await research.getByLabel('Grid').fill('fast=5,10; slow=30,60');
    await research.getByLabel('In-sample bars').fill('1200');
    await research.getByLabel('Out-of-sample bars').fill('600');
    // Sets tried on these candles before (another grid): the deflated Sharpe ratio counts them.
    await research.getByLabel('Trials made before').fill('6');
    // The sets ranked by the objective chosen here, not the default Sharpe ratio.
    await research.getByLabel('Rank sets by').selectOption('totalReturn');
    await research.getByRole('button', { name: 'Run research' }).click();
    await page
      .getByRole('heading', { name: 'Walk-forward · RSCH-USDT 1m' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    // Progress while it runs (unless it already finished on a quick machine), then the folds.
    const progressSeen = await page.getByTestId('research-progress').isVisible();
    if (progressSeen) await screenshot(page, 'research-progress');
    await researchDone(page);
    const folds = page.getByRole('region', { name: 'Walk-forward' }).locator('tbody tr');
    expect(await folds.count()).toBe(3);
    expect(await folds.first().locator('td').nth(1).textContent()).toMatch(/^fast=(5|10), slow=(30|60)$/);
    // Every candidate with its equity curve, ranked by total return.
    const walkForwardUrl = page.url();
    await page.getByRole('heading', { name: 'Parameter sets by total return' }).waitFor();
    const sets = page.getByTestId('parameter-set');
    expect(await sets.count()).toBe(4);
    expect(await page.getByRole('img', { name: /^equity of fast=\d+, slow=\d+$/ }).count()).toBe(4);
    // The 6 declared here, and whatever the trial registry counted on these candles (the backtest).
    const dsr = /^\d\.\d{4} probability the best of (\d+) trials \((\d+) of them declared as tried before\) beats luck/.exec(
      (await page.getByTestId('dsr').textContent()) ?? '',
    );
    expect(dsr).not.toBeNull();
    expect(Number(dsr![2])).toBeGreaterThanOrEqual(6);
    expect(Number(dsr![1])).toBe(4 + Number(dsr![2]));
    await screenshot(page, 'research-walk-forward', { fullPage: true });
    console.info(`research progress bar seen while running: ${progressSeen}`);

    // The look-ahead check the gate also needs: the template reads no future candle.
    await researchForm(page, strategyUrl, 'lookahead');
    await page.getByRole('button', { name: 'Run research' }).click();
    await page
      .getByRole('heading', { name: 'Look-ahead check · RSCH-USDT 1m' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    await researchDone(page);
    expect(await page.getByTestId('lookahead-verdict').textContent()).toMatch(
      /^Clean: \d+ orders identical at \d+ cut points\.$/,
    );

    // The gate's verdict where the run is enabled: passed, with each check's number; then it runs.
    await page.goto(strategyUrl);
    await page.getByRole('link', { name: 'run live →' }).click();
    await live.waitFor({ timeout: SERVER_WAIT_MS });
    await live.getByLabel('Feed 1 symbol').selectOption('RSCH-USDT');
    await verdict
      .locator('summary')
      .filter({ hasText: 'Promotion gate v1 on RSCH-USDT 1m: passed' })
      .waitFor({ timeout: SERVER_WAIT_MS });
    await verdict.locator('summary').click();
    const checks = await verdict.locator('li').allTextContents();
    expect(checks).toHaveLength(5);
    expect(checks.every((c) => c.startsWith('✓'))).toBe(true);
    await screenshot(page, 'research-gate-passed');
    await live.getByLabel('Warm-up bars').fill('0');
    await live.getByRole('button', { name: /^Run v1 live$/ }).click();
    const run = page.getByTestId('live-runs').locator('li').first();
    await run.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await run.getByTestId('run-state').textContent()).toBe('running');
    expect(await run.getByRole('link').first().textContent()).toBe('researched');
    await run.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'research-live-running');

    // Use this set: the second best as a backtest (its page opens), the best as a new version.
    await page.goto(walkForwardUrl);
    const second = (await sets.nth(1).locator('td').nth(1).textContent())!;
    await sets.nth(1).getByRole('button', { name: `Backtest ${second}` }).click();
    await page.waitForURL(/\/backtests\/[0-9a-f-]+$/, { timeout: SERVER_WAIT_MS });
    expect(await finalStatus(page, 'backtest-status', SERVER_WAIT_MS)).toBe('succeeded');
    await page.goto(walkForwardUrl);
    const best = (await sets.first().locator('td').nth(1).textContent())!;
    await sets.first().getByRole('button', { name: `Save ${best} as a new version` }).click();
    expect(await page.getByTestId('use-saved').textContent()).toBe(`Saved ${best} as version 2.`);
    await screenshot(page, 'research-use-this-set', { fullPage: true });
  }, 420_000);
});

/// <reference lib="dom" />
/**
 * Strategies in a real Chromium against `tickline start` (default simulator; it needs the strategy
 * module composed into the server): write a strategy, see a compile error inline at its line, fix
 * it and save a version, diff it, run a backtest over the simulator's stored 1 s candles, watch
 * its progress, and read the results page (metrics, equity and trades charts, the strategy's plot
 * series over the price, its log searched).
 */
import { until } from '@tickline/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';

/**
 * Waits on the server's work (the first compile loads Node's TypeScript stripper, a backtest starts
 * an isolate): generous, because CI runs this beside other suites on two cores.
 */
const SERVER_WAIT_MS = 60_000;
import { chromiumBinary, finalStatus, screenshot } from './harness/browser.ts';
import { BROWSER_PACE_ENV, type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** `2026-03-15T12:30` in the browser's own time zone, as its datetime-local input reads it. */
const localMinute = (page: Page, ms: number) =>
  page.evaluate((at) => {
    const local = new Date(at);
    local.setMinutes(local.getMinutes() - local.getTimezoneOffset());
    return local.toISOString().slice(0, 16);
  }, ms);

describe.skipIf(!chromiumBinary.available)('web - strategies in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    // The test walks six pages in seconds, faster than a person: the free tier's 60 a minute
    // (burst 20) would refuse the strategy's creation.
    [dashboard, browser] = await startWithBrowser(BROWSER_PACE_ENV);
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  it('web - write a strategy, see the error inline, fix it, backtest it, read the results', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('quant'), 'Quant');

    // A symbol the simulator collects (its 1 s candles are stored as they close).
    await page.getByRole('link', { name: 'Markets', exact: true }).click();
    const row = page.locator('tbody tr').first();
    await row.waitFor();
    const symbol = (await row.getAttribute('data-symbol'))!;

    await page.getByRole('link', { name: 'Strategies', exact: true }).click();
    await page.getByLabel('Name').fill('cross');
    await page.getByRole('button', { name: 'Create from template' }).click();
    // Creating compiles the template in a sandbox process: server-bound, slow on a busy machine.
    await page.getByRole('heading', { name: 'cross' }).waitFor({ timeout: SERVER_WAIT_MS });
    const editor = page.getByTestId('strategy-editor').locator('.cm-content');
    await editor.waitFor();

    // Break line 2, check: the error is listed with its line and marked in the editor.
    await page.locator('.cm-line').nth(1).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' const = ;');
    await page.getByRole('button', { name: 'Check' }).click();
    const problem = page.getByTestId('code-problem');
    await problem.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await problem.textContent()).toMatch(/^Line 2/);
    await page.locator('.cm-lint-marker-error, .cm-lintRange-error').first().waitFor();
    await screenshot(page, 'strategy-error');

    // Fix it and save version 2; the diff against version 1 is empty of changes, then shows the edit.
    // (Check took the focus: back to the end of line 2 first.)
    await page.locator('.cm-line').nth(1).click();
    await page.keyboard.press('End');
    for (let i = 0; i < ' const = ;'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(' // tuned');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Saved version 2.').waitFor({ timeout: SERVER_WAIT_MS });
    expect(await problem.count()).toBe(0);
    await page.getByRole('button', { name: 'Diff with editor' }).last().click();
    await page.getByTestId('version-diff').getByText('// tuned').waitFor();

    // Backtest the last ten minutes of 1 s candles with short SMAs. They are the simulator's
    // recorded past (an hour of candles written at start, market.sources' historyMinutes), so the
    // minute asked for is there at once: the strategy logs only where its averages cross, and the
    // ~20 candles a fresh server had once crossed nowhere in two of three full suite runs at load.
    await until(
      async () => {
        const res = await fetch(`${dashboard.url}/api/v1/markets/${symbol}/candles?interval=1s&limit=120`);
        const body = (await res.json()) as { candles: Array<{ closed: boolean }> };
        return body.candles.filter((c) => c.closed).length >= 60;
      },
      { timeoutMs: SERVER_WAIT_MS + 60_000, intervalMs: 1_000, what: `a minute of ${symbol} 1 s candles` },
    );
    await page.getByLabel('Symbol', { exact: true }).fill(symbol);
    await page.getByLabel('Interval').selectOption('1s');
    await page.getByLabel('From', { exact: true }).fill(await localMinute(page, Date.now() - 10 * 60_000));
    await page.getByLabel('To', { exact: true }).fill(`${isoDay(Date.now() + DAY)}T00:00`);
    await page.getByLabel('fast').fill('2');
    await page.getByLabel('slow').fill('5');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const status = page.getByTestId('run-status').first();
    await status.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await finalStatus(page, 'run-status', 60_000)).toBe('succeeded');

    await page.getByTestId('runs').getByRole('link').first().click();
    await page.getByTestId('metrics-table').waitFor({ timeout: SERVER_WAIT_MS });
    expect(await page.getByTestId('backtest-status').textContent()).toBe('succeeded');
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor();
    await page.getByTestId('trades-chart').locator('canvas').first().waitFor();
    expect(
      await page
        .getByTestId('metrics-table')
        .getByRole('row', { name: /Total return/ })
        .count(),
    ).toBe(1);
    // The template's ctx.plot series: the moving averages drawn over the price.
    const legend = page.getByTestId('plot-legend');
    await legend.getByText('fast SMA').waitFor();
    expect(await legend.textContent()).toMatch(/slow SMA · on the price/);
    // Its ctx.log lines, searched: only the crossings down stay, each marked.
    await page.getByTestId('log-lines').locator('li').first().waitFor();
    const all = await page.getByTestId('log-lines').locator('li').count();
    await page.getByLabel('Search the log').fill('cross down');
    await page.waitForFunction(
      (total) => document.querySelectorAll('[data-testid="log-lines"] li').length < total,
      all,
    );
    const shown = await page.getByTestId('log-lines').locator('li').allTextContents();
    expect(shown.every((line) => line.includes('cross down at'))).toBe(true);
    expect(await page.getByTestId('log-count').textContent()).toBe(`${shown.length} of ${all} lines`);
    await page.getByLabel('Search the log').fill('');
    await screenshot(page, 'backtest-results');
  }, 300_000);
});

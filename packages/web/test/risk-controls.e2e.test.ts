/// <reference lib="dom" />
/**
 * The kill switch and risk limits in a real Chromium against `tickline start`: the owner engages
 * the switch on the portfolio page (after a confirmation), an order on the Orders page is refused
 * by it in words, the owner releases it, sets a max order value, and the next order is refused by
 * that limit; the page lists the audited changes. A new portfolio shows its default limits (on,
 * relative to equity), and the equity chart switches to a week.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { BROWSER_PACE_ENV, type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** Waits on server work: generous, because CI runs this beside other suites. */
const SERVER_WAIT_MS = 60_000;

describe.skipIf(!chromiumBinary.available)('web - kill switch and risk limits', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser(BROWSER_PACE_ENV);
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  /** A market buy of 0.01 on the Orders page; resolves with the ticket's refusal text. */
  async function refusedBuy(page: Page): Promise<string> {
    await page.getByRole('link', { name: 'Orders', exact: true }).first().click();
    const ticket = page.getByRole('form', { name: 'Paper order' });
    await ticket.waitFor();
    const symbol = await ticket.getByLabel('Symbol').inputValue();
    await page.waitForFunction(
      () => /Last [0-9]/.test(document.querySelector('[data-testid="ticket-last"]')?.textContent ?? ''),
      undefined,
      { timeout: SERVER_WAIT_MS },
    );
    await ticket.getByLabel(/^Quantity/).fill('0.01');
    await ticket.getByRole('button', { name: `Buy ${symbol}` }).click();
    const refusal = ticket.getByRole('alert');
    await refusal.waitFor({ timeout: SERVER_WAIT_MS });
    return (await refusal.textContent()) ?? '';
  }

  async function openPortfolio(page: Page): Promise<void> {
    await page.getByRole('link', { name: 'Portfolio', exact: true }).first().click();
    await page.getByTestId('risk-controls').waitFor({ timeout: SERVER_WAIT_MS });
  }

  it('web - engage, refuse, release; a limit edited and enforced', async () => {
    const page = await openPage(browser);
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await signUp(page, dashboard.url, uniqueEmail('risk'), 'Risk');
    await page.getByTestId('portfolio-equity').waitFor({ timeout: SERVER_WAIT_MS });
    await openPortfolio(page);
    const state = page.getByTestId('kill-switch-state');

    // A new portfolio starts with limits on, relative to its equity
    expect(await page.getByLabel('Max position (% of equity)').inputValue()).toBe('125');
    expect(await page.getByLabel('Max daily loss (% of equity)').inputValue()).toBe('10');
    expect(await page.getByLabel('Max orders per minute').inputValue()).toBe('120');

    // The equity chart shows a week: the server is asked for that range, and the button is on
    const ranges = page.getByTestId('equity-range');
    const weekAsked = page.waitForResponse((r) => r.url().includes('/equity?range=week') && r.ok());
    await ranges.getByRole('radio', { name: 'Week' }).click();
    await weekAsked;
    expect(await ranges.getByRole('radio', { name: 'Week' }).getAttribute('aria-checked')).toBe('true');

    // Engage, after the confirmation
    await page.getByRole('button', { name: 'Engage kill switch' }).click();
    await page.getByText(/^Kill switch engaged by you/).waitFor({ timeout: SERVER_WAIT_MS });
    expect(questions[0]).toMatch(/^Engage the kill switch\?/);
    // The switch's halt proof shows under it, built from the order journal: nothing was working
    const verdict = page.getByTestId('halt-proof-verdict');
    await verdict.waitFor({ timeout: SERVER_WAIT_MS });
    expect(await verdict.textContent()).toMatch(
      /^Halt proven at .* UTC: 0 of 0 working orders cancelled by the venue, 0 orders after the switch \(0 refused\)\.$/,
    );
    await screenshot(page, 'portfolio-kill-switch-engaged', { fullPage: true });
    expect(await refusedBuy(page)).toMatch(/\(kill_switch\)$/);

    // Release, then a 1 USDT max order value refuses the next buy
    await openPortfolio(page);
    await page.getByRole('button', { name: 'Release kill switch' }).click();
    await page.getByText(/^Kill switch off/).waitFor({ timeout: SERVER_WAIT_MS });
    expect(await state.textContent()).toMatch(/^Kill switch off/);
    await page.getByLabel('Max order value (USDT)').fill('1');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByTestId('limits-saved').waitFor({ timeout: SERVER_WAIT_MS });
    const audit = page.getByTestId('risk-audit');
    await audit.getByText(/changed the limits/).waitFor({ timeout: SERVER_WAIT_MS });
    expect(await audit.locator('li').count()).toBe(3);
    await screenshot(page, 'portfolio-risk-limits', { fullPage: true });
    expect(await refusedBuy(page)).toMatch(/\(risk_limit\)$/);
    await page.context().close();
  }, 300_000);
});

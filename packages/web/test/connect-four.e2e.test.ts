/// <reference lib="dom" />
/**
 * Connect Four in two real Chromium pages against `tickline start`: Ada creates a private room,
 * Bob joins it by its code, and they play to a win; each drop shows on the other's board.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

describe.skipIf(!chromiumBinary.available)('web - Connect Four in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  async function open(name: string): Promise<Page> {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail(name), name);
    await page.getByRole('link', { name: 'Connect Four', exact: true }).click();
    return page;
  }
  const status = (page: Page) => page.getByTestId('c4-status');
  /** Drops in `column` and waits until `other` shows the piece landed (row `row`). */
  async function drop(page: Page, other: Page, column: number, row: number) {
    await page.getByRole('button', { name: `Drop in column ${column + 1}` }).click();
    await other.locator(`[data-testid="c4-cell-${column}-${row}"]:not([data-seat="0"])`).waitFor();
  }

  it('web - a private room by code, two tabs play to a win', async () => {
    const ada = await open('Ada');
    await ada.getByRole('button', { name: 'Create a private room' }).click();
    const code = (await ada.getByTestId('room-code').textContent())!;
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    const bob = await open('Bob');
    await bob.getByLabel('Code').fill(code);
    await bob.getByRole('button', { name: 'Join by code' }).click();
    await status(ada).filter({ hasText: /turn/ }).waitFor();
    await status(bob).filter({ hasText: /turn/ }).waitFor();
    const adaFirst = (await status(ada).textContent()) === 'Your turn';
    const [first, second] = adaFirst ? [ada, bob] : [bob, ada];
    for (let i = 0; i < 3; i++) {
      await drop(first, second, 3, i);
      await drop(second, first, 4, i);
    }
    await drop(first, second, 3, 3);
    await status(first).filter({ hasText: 'You won' }).waitFor();
    await status(second).filter({ hasText: 'You lost' }).waitFor();
    await screenshot(first, 'connect-four');
    await ada.context().close();
    await bob.context().close();
  });
});

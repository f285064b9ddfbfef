/// <reference lib="dom" />
/**
 * Tag in two real Chromium pages against `tickline start`: Ada and Bob find a match, a round
 * starts with one of them it, the runner's tag is refused with the game's reason, and a player
 * steering with the keyboard moves on the other's map too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

describe.skipIf(!chromiumBinary.available)('web - tag in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  async function open(name: string): Promise<Page> {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail(name), name);
    await page.getByRole('link', { name: 'Tag', exact: true }).click();
    return page;
  }
  const status = (page: Page) => page.getByTestId('tag-status');
  const myX = async (page: Page) => Number(await page.getByTestId('tag-me').getAttribute('data-x'));

  it('web - two tabs matched into a round: a runner cannot tag, keys steer (the server moves it)', async () => {
    const ada = await open('Ada');
    await ada.getByRole('button', { name: 'Find a match' }).click();
    const bob = await open('Bob');
    await bob.getByRole('button', { name: 'Find a match' }).click();
    await status(ada).filter({ hasText: /^Round 1/ }).waitFor();
    await status(bob).filter({ hasText: /^Round 1/ }).waitFor();
    const adaIt = (await status(ada).textContent())!.includes('You are it');
    const [it, runner] = adaIt ? [ada, bob] : [bob, ada];
    await status(runner).filter({ hasText: /Run: seat \d is it/ }).waitFor();

    await runner.getByRole('button', { name: 'Tag', exact: true }).click();
    await runner.getByRole('alert').filter({ hasText: 'Refused: TAG_NOT_IT' }).waitFor();

    // Steer left or right, away from the nearer edge, until the runner has moved 2 units.
    const from = await myX(runner);
    const key = from < 20 ? 'ArrowRight' : 'ArrowLeft';
    await runner.getByTestId('tag-map').focus();
    await runner.keyboard.down(key);
    await runner.waitForFunction(
      ([x, right]) => {
        const now = Number(document.querySelector('[data-testid="tag-me"]')?.getAttribute('data-x'));
        return right ? now >= x + 2 : now <= x - 2;
      },
      [from, key === 'ArrowRight'] as const,
    );
    await runner.keyboard.up(key);
    expect(Math.abs((await myX(runner)) - from)).toBeGreaterThanOrEqual(2);
    await screenshot(it, 'tag');
    await ada.context().close();
    await bob.context().close();
  });
});

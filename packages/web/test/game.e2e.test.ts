/// <reference lib="dom" />
/**
 * The game in two real Chromium pages against `tickline start`: keys move the player (predicted at
 * once, confirmed by the server), a second browser's player appears in view, and a move beyond
 * the speed limit is refused and shown.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** How long an arrow key is held. */
const HOLD_MS = 1_500;

describe.skipIf(!chromiumBinary.available)('web - the game in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser();
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  async function play(name: string): Promise<Page> {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail(name), name);
    await page.getByRole('link', { name: 'Game', exact: true }).click();
    // Both players take the first zone in the list (the coordinator would otherwise spread them).
    await page.getByLabel('Zone').locator('option').first().waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByTestId('game-state').filter({ hasText: 'connected' }).waitFor();
    return page;
  }

  const position = async (page: Page) => {
    const element = page.getByTestId('own-position');
    return {
      x: Number(await element.getAttribute('data-x')),
      y: Number(await element.getAttribute('data-y')),
    };
  };

  it('web - keys move the player, a second browser appears in view, a teleport is refused', async () => {
    const ada = await play('Ada');
    // The picker reads the zone list again once joined: Ada is counted in her zone.
    await ada
      .getByLabel('Zone')
      .locator('option')
      .filter({ hasText: / — [1-9]\d*\/\d+ players$/ })
      .first()
      .waitFor({ state: 'attached' });
    await ada.getByTestId('own-position').filter({ hasText: /\d/ }).waitFor();
    const start = await position(ada);

    // No click and no focus() here: joining focuses the playfield, so the keys work at once.
    await ada.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'playfield');
    await ada.keyboard.down('ArrowRight');
    await ada.waitForTimeout(HOLD_MS); // holding a key is the input itself, not a wait for a result
    await ada.keyboard.up('ArrowRight');
    // Moved right, and the server agreed: the last ack left no correction to speak of.
    await ada.waitForFunction(
      (x0) => Number(document.querySelector('[data-testid="own-position"]')?.getAttribute('data-x')) > x0 + 5,
      start.x,
    );
    const moved = await position(ada);
    expect(moved.y).toBeCloseTo(start.y, 5);
    expect(await ada.locator('.rejections li').allTextContents()).toEqual([]);

    const bob = await play('Bob');
    await ada
      .getByTestId('others-count')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();
    await bob
      .getByTestId('others-count')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();
    await screenshot(ada, 'game');

    await ada.getByRole('button', { name: 'Try a teleport' }).click();
    await ada.locator('.rejections li code').first().waitFor();
    expect(await ada.locator('.rejections li code').first().textContent()).toMatch(/^GAME_/);
    // Reconciled back to where the server has the player.
    await ada.waitForFunction(
      (x) =>
        Math.abs(Number(document.querySelector('[data-testid="own-position"]')?.getAttribute('data-x')) - x) <
        1,
      moved.x,
    );
    await ada.context().close();
    await bob.context().close();
  });
});

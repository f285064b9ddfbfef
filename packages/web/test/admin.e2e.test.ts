/// <reference lib="dom" />
/**
 * Operations in the browser: the first-run admin signs in; a player joins a zone and the zone's
 * CCU rises on the admin page without a reload; the admin takes and restores a snapshot and
 * broadcasts a notice that the player's game page shows.
 */
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import {
  BROWSER_PACE_ENV,
  type Dashboard,
  initialAdmin,
  startWithBrowser,
  stopWithBrowser,
} from './harness/dashboard.ts';

describe.skipIf(!chromiumBinary.available)('web - operations in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    // The Operations page polls zones, health, lag and deliveries while the test clicks through
    // it faster than a person: the free tier's 60 a minute refused steps at random.
    [dashboard, browser] = await startWithBrowser(BROWSER_PACE_ENV);
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  async function signInAsAdmin(): Promise<Page> {
    const { email, password } = initialAdmin(dashboard);
    const page = await openPage(browser);
    await page.goto(`${dashboard.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    return page;
  }

  it('web - CCU rises as a player joins; snapshot taken and restored; a broadcast reaches the player', async () => {
    const admin = await signInAsAdmin();
    await admin.getByRole('link', { name: 'Operations' }).click();
    const firstZone = admin.locator('tbody tr[data-zone]').first();
    await firstZone.waitFor();
    const zoneId = (await firstZone.getAttribute('data-zone'))!;
    const ccu = admin.locator(`tr[data-zone="${zoneId}"] [data-testid="zone-ccu"]`);
    expect(await ccu.textContent()).toBe('0');

    const player = await openPage(browser);
    await signUp(player, dashboard.url, uniqueEmail('player'), 'Player');
    await player.getByRole('link', { name: 'Game', exact: true }).click();
    await player.getByLabel('Zone').selectOption(zoneId);
    await player.getByRole('button', { name: 'Play' }).click();
    await player.getByTestId('game-state').filter({ hasText: 'connected' }).waitFor();

    // No reload: the page re-reads the zones on its own.
    await ccu.filter({ hasText: '1' }).waitFor();

    await admin.getByRole('button', { name: 'Take snapshot now' }).click();
    const taken = admin
      .getByTestId('snapshot-message')
      .filter({ hasText: /Snapshot at tick \d+ taken \(1 player\)/ });
    await taken.waitFor();
    const tick = /tick (\d+)/.exec((await taken.textContent())!)![1]!;
    // The manual snapshot's row: a hot snapshot may land on the same tick.
    const restore = admin
      .getByRole('listitem')
      .filter({ hasText: `tick ${tick}` })
      .filter({ hasText: 'manual' })
      .getByRole('button', { name: `Restore tick ${tick}`, exact: true });
    await restore.waitFor();
    admin.once('dialog', (dialog: Dialog) => void dialog.accept());
    await restore.click();
    await admin
      .getByTestId('snapshot-message')
      .filter({ hasText: `Restored ${zoneId} to tick ${tick} (1 player)` })
      .waitFor();

    await admin.getByLabel('Message').fill('Maintenance at 18:00 UTC');
    await admin.getByRole('button', { name: 'Send notice' }).click();
    await admin
      .getByTestId('broadcast-result')
      .filter({ hasText: /Sent to [1-9]\d* players? in/ })
      .waitFor();
    await player.getByTestId('game-notices').getByText('Maintenance at 18:00 UTC').waitFor();
    await admin.getByText(/events\/s over/).waitFor();
    // Where strategy code runs: the backtest and compile pools, ready, from /readyz.
    const sandbox = admin.getByTestId('sandbox-processes');
    await sandbox.getByRole('row', { name: /backtest pool/ }).filter({ hasText: /\d+\/\d+ ready/ }).waitFor();
    await sandbox.getByRole('row', { name: /compile pool/ }).waitFor();
    // The player shows up in the lookup's online list on its own, too.
    await admin.getByRole('button', { name: /^player\./ }).waitFor();
    await admin.evaluate(() => window.scrollTo(0, 0));
    await screenshot(admin, 'operations', { fullPage: true });
    await screenshot(player, 'game-notice');
    await admin.context().close();
    await player.context().close();
  });
});

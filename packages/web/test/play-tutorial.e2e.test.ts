/// <reference lib="dom" />
/**
 * docs/game.md's tutorial in two real Chromium pages against `tickline start`: the server loads
 * `docs/examples/nim.ts` from `game.games`, Ada creates a private Nim room on `/play/nim`, Bob
 * joins it by its code, and they play to a win with commands typed as JSON; a command out of turn
 * is refused with the game's code.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

const NIM = fileURLToPath(new URL('../../../docs/examples/nim.ts', import.meta.url));

describe.skipIf(!chromiumBinary.available)('web - the tutorial game, played on /play/nim', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    [dashboard, browser] = await startWithBrowser({ TICKLINE_GAME_GAMES: NIM });
  });
  afterAll(() => stopWithBrowser(dashboard, browser));

  async function open(name: string): Promise<Page> {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail(name), name);
    await page.goto(`${dashboard.url}/play/nim`);
    return page;
  }
  const field = (page: Page, name: string) => page.getByTestId(`play-room-${name}`);
  async function take(page: Page, count: number) {
    await page.getByLabel('Command').fill(`{"type": "take", "count": ${count}}`);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  it('web - two players play Nim from the tutorial to a win', async () => {
    const ada = await open('Ada');
    await ada.getByRole('button', { name: 'Create a private room' }).click();
    const code = (await ada.getByTestId('room-code').textContent())!;
    await ada.getByTestId('room-state').filter({ hasText: 'connected' }).waitFor();
    const bob = await open('Bob');
    await bob.getByLabel('Code').fill(code);
    await bob.getByRole('button', { name: 'Join by code' }).click();
    // Ada joined first: seat 1 moves first
    await field(ada, 'turn').filter({ hasText: /^1$/ }).waitFor();
    await take(ada, 3);
    await field(bob, 'stones').filter({ hasText: /^12$/ }).waitFor();
    await take(ada, 1);
    await ada.getByRole('alert').filter({ hasText: 'NIM_NOT_YOUR_TURN' }).waitFor();
    const rest: Array<[Page, number, number]> = [
      [bob, 3, 9],
      [ada, 3, 6],
      [bob, 3, 3],
      [ada, 3, 0],
    ];
    for (const [page, count, left] of rest) {
      await take(page, count);
      const other = page === ada ? bob : ada;
      await field(other, 'stones').filter({ hasText: new RegExp(`^${left}$`) }).waitFor();
    }
    await field(bob, 'winner').filter({ hasText: /^1$/ }).waitFor();
    expect(await field(ada, 'winner').textContent()).toBe('1');
    await screenshot(ada, 'play-nim');
    await ada.context().close();
    await bob.context().close();
  });
});

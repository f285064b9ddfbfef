/// <reference lib="dom" />
/**
 * Moderation in the browser: a player opens a private Nim room on `/play/nim`; the first-run admin
 * finds it in the Operations page's Rooms panel, sees the player's seat, replays the room as the
 * player saw it, messages the player (the player's page does not close), asks for a hand-off (the
 * embedded default has no peer: refused, the room plays on) and kicks it — the player's page shows
 * the kick's code.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { openOperations, OperationsSection } from './harness/operations.ts';
import {
  BROWSER_PACE_ENV,
  type Dashboard,
  initialAdmin,
  startWithBrowser,
  stopWithBrowser,
} from './harness/dashboard.ts';

const NIM = fileURLToPath(new URL('../../../docs/examples/nim.ts', import.meta.url));

describe.skipIf(!chromiumBinary.available)('web - rooms moderation in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    // The Operations page polls several panels while the test clicks faster than a person.
    [dashboard, browser] = await startWithBrowser({ ...BROWSER_PACE_ENV, TICKLINE_GAME_GAMES: NIM });
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

  it('web - the Rooms panel lists, replays, messages, refuses a hand-off with no peer, and kicks', async () => {
    const player = await openPage(browser);
    await signUp(player, dashboard.url, uniqueEmail('Ada'), 'Ada');
    await player.goto(`${dashboard.url}/play/nim`);
    await player.getByRole('button', { name: 'Create a private room' }).click();
    const code = (await player.getByTestId('room-code').textContent())!;
    await player.getByTestId('room-state').filter({ hasText: 'connected' }).waitFor();

    const admin = await signInAsAdmin();
    await openOperations(admin, OperationsSection.Rooms);
    const rooms = admin.getByTestId('rooms-table');
    await rooms.getByText(`private ${code}`).waitFor();
    await rooms.getByRole('button', { name: /^nim-/ }).click();
    const detail = admin.getByTestId('room-detail');
    await detail.getByRole('button', { name: 'Replay' }).waitFor();
    await detail.getByRole('button', { name: 'Replay' }).click();
    // Its welcome frame, at least
    await admin.getByTestId('room-replay').locator('tbody tr').first().waitFor();

    const answer = (text: string) => (dialog: Dialog) => void dialog.accept(text);
    admin.once('dialog', answer('Play fair, please.'));
    await detail.getByRole('button', { name: 'Message' }).click();
    await admin.getByTestId('room-action-result').filter({ hasText: 'Told' }).waitFor();
    admin.once('dialog', (dialog) => void dialog.accept());
    await detail.getByRole('button', { name: 'Hand off to another server' }).click();
    await detail.getByRole('alert').filter({ hasText: 'cannot be handed off' }).waitFor();
    expect(await player.getByTestId('room-state').textContent()).toBe('connected');
    admin.once('dialog', answer('abuse'));
    await detail.getByRole('button', { name: 'Kick' }).click();
    await admin.getByTestId('room-action-result').filter({ hasText: 'Removed' }).waitFor();
    await player.getByRole('alert').filter({ hasText: 'GAME_PLAYER_KICKED' }).waitFor();
    expect(await player.getByTestId('room-state').textContent()).toBe('closed');
    await screenshot(admin, 'admin-rooms');
    await admin.context().close();
    await player.context().close();
  });
});

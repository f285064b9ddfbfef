/// <reference lib="dom" />
/**
 * Chat control in a real Chromium against `tickline start` with a Telegram bot token pointed at a
 * local Bot API server: a new user makes a link code on the API keys page, a Telegram chat sends
 * it and is linked, asks /status and /profit, and the page's Unlink button cuts it off again.
 */
import { startMockTelegram, type MockTelegram } from '@tickline/trading/internal';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, screenshot } from './harness/browser.ts';
import { type Dashboard, startWithBrowser, stopWithBrowser } from './harness/dashboard.ts';

/** A reply is due within one long poll and one command, on a busy machine. */
const REPLY_MS = 60_000;
const CHAT = 7007;

describe.skipIf(!chromiumBinary.available)('web - chat control', () => {
  let telegram: MockTelegram;
  let dashboard: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    telegram = await startMockTelegram({ username: 'tickline_e2e_bot' });
    [dashboard, browser] = await startWithBrowser({
      TICKLINE_TRADING_CHAT_TELEGRAM_TOKEN: telegram.token,
      TICKLINE_TRADING_CHAT_TELEGRAM_API_URL: telegram.url,
      TICKLINE_TRADING_CHAT_TELEGRAM_POLL_SECONDS: '2',
    });
  });
  afterAll(async () => {
    await stopWithBrowser(dashboard, browser);
    await telegram?.close();
  });

  const say = (text: string) =>
    Promise.race([
      telegram.say(CHAT, text, { username: 'ada_phone' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply to ${text}`)), REPLY_MS)),
    ]);

  it('web - link a Telegram chat with a code from the API keys page, use it, unlink it', async () => {
    const page = await openPage(browser);
    await signUp(page, dashboard.url, uniqueEmail('chat'), 'Ada');
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    const card = page.getByRole('region', { name: 'Chat control' });
    await card.getByRole('button', { name: 'Make a link code' }).click();
    const shown = card.getByTestId('chat-link-code');
    await shown.waitFor();
    const command = (await shown.locator('code').textContent())!;
    expect(command).toMatch(/^\/link [A-Z2-9]{10}$/);
    // The bot's t.me link carries the same code (the poller learnt its name from getMe).
    expect(await shown.getByRole('link').getAttribute('href')).toBe(
      `https://t.me/tickline_e2e_bot?start=${command.slice('/link '.length)}`,
    );
    await screenshot(page, 'chat-control-code');

    expect(await say(command)).toMatch(/^Linked\. This chat may read and control your live runs/);
    expect(await say('/status')).toBe('You have no live runs.');
    expect(await say('/profit')).toMatch(/^realized \+0\.00, unrealized \+0\.00, fees 0\.00 · 0 closed trades/);

    await page.reload();
    const linked = card.getByRole('list', { name: 'Linked chats' }).getByRole('listitem');
    await linked.first().waitFor();
    expect(await linked.first().textContent()).toMatch(/^@ada_phone reads and acts · linked/);
    await screenshot(page, 'chat-control-linked');
    await card.getByRole('button', { name: 'Unlink @ada_phone' }).click();
    await linked.first().waitFor({ state: 'detached' });
    expect(await say('/status')).toMatch(/^This chat is not linked/);
  }, 240_000);
});

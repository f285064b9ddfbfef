/// <reference lib="dom" />
/**
 * Chat control in a real Chromium against `tickline start` with a Telegram bot token pointed at a
 * local Bot API server: a new user makes a link code on the API keys page, a Telegram chat sends
 * it and is linked, asks /status and /profit, pauses and resumes the user's live run, and the
 * page's Unlink button cuts it off again.
 */
import { createTicklineClient } from '@tickline/client';
import { GATE_OFF_ENV } from '@tickline/testing';
import { startMockTelegram, type MockTelegram } from '@tickline/trading/internal';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
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
    // The gate off: this is about the chat, not about research before a live run.
    [dashboard, browser] = await startWithBrowser({
      ...GATE_OFF_ENV,
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
    const email = uniqueEmail('chat');
    await signUp(page, dashboard.url, email, 'Ada');
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
    expect(await say('/profit')).toMatch(
      /^realized \+0\.00, unrealized \+0\.00, fees 0\.00 · 0 closed trades/,
    );

    // A live run of the account, paused and resumed from the chat.
    const owner = createTicklineClient({ baseUrl: dashboard.url });
    await owner.auth.signIn({ email, password: TEST_PASSWORD });
    const portfolioId = (await owner.portfolios.list())[0]!.portfolioId;
    const {
      strategy: { id: strategyId },
    } = await owner.strategies.create({
      name: 'watcher',
      source: 'export default defineStrategy({ onCandle() {} });\n',
    });
    const { markets } = await owner.requestPublic<{
      markets: Array<{ symbol: string; configured: boolean }>;
    }>({
      method: 'GET',
      path: '/api/v1/markets',
    });
    const symbol = markets.find((m) => m.configured)!.symbol;
    const run = await owner.liveStrategies.enable({
      strategyId,
      version: 1,
      portfolioId,
      feeds: [{ symbol, interval: '1m' }],
      warmupBars: 0,
    });
    expect(await say('/status')).toMatch(/^1\. watcher v1 — running · /);
    expect(await say('/pause')).toBe('watcher v1: paused.');
    expect((await owner.liveStrategies.get(run.id)).state).toBe('paused');
    expect(await say('/resume')).toBe('watcher v1: running.');
    expect((await owner.liveStrategies.get(run.id)).state).toBe('running');

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

import { silentLogger, systemClock } from '@tickline/kernel';
import type { StrategyDefinition } from '@tickline/strategy/internal';
import { until } from '@tickline/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCodedErrors } from '../testing/coded-error-handler.ts';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';
import { startMockTelegram, type MockTelegram } from '../testing/mock-telegram.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { composeChatControl, type ChatControl } from './chat-control.ts';
import { LINK_TRIES } from './chat-commands.ts';
import { chatRoutes } from './chat-routes.ts';

const SYMBOL = 'BTC-USDT';
/** Buys 1 on every candle. */
const buyer: StrategyDefinition = { onCandle: (ctx) => void ctx.buy({ qty: 1, reason: 'entry' }) };
/** A reply is due within this on a busy machine (one long poll, one command). */
const REPLY_MS = 30_000;

/**
 * Chat control against a local Telegram Bot API (real HTTP, long polling): a chat linked with a
 * one-time code from the dashboard's route acts on its account's live runs only, within the scopes
 * the link was granted; an unlinked chat learns nothing.
 */
describe('chat control - Telegram', () => {
  const db = tradingDatabase();
  let telegram: MockTelegram;
  let t: LiveTestApp;
  let chat: ChatControl;
  let dashboard: FastifyInstance;
  const ADA_CHAT = 1001;

  /** The bot's reply to `text` from `chatId` (bounded: a missing reply fails, it does not hang). */
  const say = (chatId: number, text: string, from?: { title?: string; username?: string }) =>
    Promise.race([
      telegram.say(chatId, text, from),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no reply to ${text} in ${REPLY_MS} ms`)), REPLY_MS),
      ),
    ]);
  const linkCode = async (user: string, scopes?: string[]) => {
    const res = await dashboard.inject({
      method: 'POST',
      url: '/api/v1/chat/telegram/link-codes',
      headers: { 'x-api-key': `user:${user}` },
      payload: scopes === undefined ? {} : { scopes },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ code: string; command: string; url: string | null; scopes: string[] }>();
  };

  beforeAll(async () => {
    telegram = await startMockTelegram({ username: 'tickline_test_bot' });
    t = await createLiveTestApp({
      portfolios: { pa: 'ada', pb: 'bob' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': buyer },
    });
    chat = composeChatControl({
      settings: {
        telegram: {
          token: telegram.token,
          apiUrl: telegram.url,
          poll: true,
          mode: 'poll',
          pollSeconds: 2,
          linkCodeTtlMs: 600_000,
        },
      },
      sql: db.sql,
      live: t.routeOptions,
      clock: systemClock,
    });
    await chat.poller!.start({
      logger: silentLogger,
      fail: (error) => {
        throw error;
      },
    });
    dashboard = Fastify();
    dashboard.setValidatorCompiler(validatorCompiler);
    dashboard.setSerializerCompiler(serializerCompiler);
    answerCodedErrors(dashboard);
    await dashboard.register(chatRoutes, { prefix: '/api/v1', ...chat.routes });
  });
  afterAll(async () => {
    await chat?.poller?.stop();
    await dashboard?.close();
    await t?.close();
    await telegram?.close();
  });

  it('an unlinked chat is told how to link and learns nothing', async () => {
    expect(await say(2002, '/status')).toMatch(/^This chat is not linked to a Tickline account/);
    expect(await say(2002, '/pause')).toMatch(/^This chat is not linked/);
    // Long polls, each with its deadline: Telegram's `timeout` as configured.
    expect(telegram.polls.length).toBeGreaterThan(0);
    expect(telegram.polls.every((s) => s === 2)).toBe(true);
  });

  it('links with a one-time code, then pauses, resumes, stops entries and force-exits', async () => {
    const bot = await dashboard.inject({
      url: '/api/v1/chat/telegram',
      headers: { 'x-api-key': 'user:ada' },
    });
    expect(bot.json()).toEqual({ configured: true, bot: 'tickline_test_bot' });
    const { code, command, url } = await linkCode('ada');
    expect(command).toBe(`/link ${code}`);
    expect(url).toBe(`https://t.me/tickline_test_bot?start=${code}`);
    expect(await say(ADA_CHAT, `/start ${code}`, { username: 'ada' })).toMatch(
      /^Linked\. This chat may read and control/,
    );
    // The code is spent: another chat cannot use it.
    expect(await say(3003, `/link ${code}`)).toMatch(/unknown, used or expired/);
    const links = await dashboard.inject({ url: '/api/v1/chat/links', headers: { 'x-api-key': 'user:ada' } });
    expect(links.json().links).toMatchObject([
      { provider: 'telegram', chatId: String(ADA_CHAT), label: '@ada' },
    ]);

    expect(await say(ADA_CHAT, '/status')).toBe('You have no live runs.');
    expect(
      (await t.enableRun('ada', { strategyId: 's1', portfolioId: 'pa', symbol: SYMBOL })).statusCode,
    ).toBe(201);
    await t.nextCandle(SYMBOL);
    expect(await say(ADA_CHAT, '/status')).toMatch(/^1\. s1 v1 — running · 1 candles · 1 signals$/);

    expect(await say(ADA_CHAT, '/pause')).toBe('s1 v1: paused.');
    expect(t.runner.status('pa:s1')?.state).toBe('paused');
    expect(await say(ADA_CHAT, '/resume 1')).toBe('s1 v1: running.');
    expect(t.runner.status('pa:s1')?.state).toBe('running');
    expect(await say(ADA_CHAT, '/stopentry')).toBe('s1 v1: stop-entry on: no new entries, exits go on.');
    await t.nextCandle(SYMBOL);
    expect(t.books.position('pa', SYMBOL)?.quantity).toBe(1);
    expect(await say(ADA_CHAT, `/forceexit 1 ${SYMBOL}`)).toBe(`s1 v1: sell 1 ${SYMBOL} filled at 100.00`);
    expect(t.books.position('pa', SYMBOL)?.quantity ?? 0).toBe(0);
    expect(await say(ADA_CHAT, '/profit')).toMatch(
      /^realized -\d+\.\d{2}, unrealized \+0\.00, fees \d+\.\d{2} · 1 closed trades \(0 won, 1 lost\), 0 open$/,
    );
    expect(await say(ADA_CHAT, '/pause 7')).toBe('No run 7: /status lists yours.');
    expect(await say(ADA_CHAT, '/help')).toMatch(/^\/status — your live runs/);
  });

  it('a read-only link may read but not control; another account sees only its own', async () => {
    const { code } = await linkCode('ada', ['portfolio:read']);
    expect(await say(4004, `/link ${code}`)).toMatch(/^Linked\. This chat may read your live runs/);
    expect(await say(4004, '/status')).toMatch(/^1\. s1 v1 — running/);
    expect(await say(4004, '/pause')).toBe(
      'This chat may not /pause: its link lacks portfolio:write. Link it again with that scope.',
    );
    expect(t.runner.status('pa:s1')?.state).toBe('running');

    const bob = await linkCode('bob');
    expect(await say(5005, `/link ${bob.code}`)).toMatch(/^Linked/);
    expect(await say(5005, '/status')).toBe('You have no live runs.');
    expect(await say(5005, '/pause 1')).toBe('You have no live runs.');
    expect(await say(5005, '/forceexit pa:s1')).toBe('You have no live runs.');
    expect(t.runner.status('pa:s1')?.state).toBe('running');
  });

  it('/killswitch halts the account’s portfolio; a resume is then refused', async () => {
    expect(await say(ADA_CHAT, '/killswitch')).toMatch(
      /^Kill switch engaged on pa: runs paused, 0 working orders cancelled; halt proven\. Release it in the dashboard\.$/,
    );
    expect(t.runner.status('pa:s1')?.state).toBe('paused');
    expect(await say(ADA_CHAT, '/resume')).toMatch(/^Refused: .+ \(STRATEGY_LIVE_KILL_SWITCH\)$/);
    // Bob's chat halts Bob's portfolio only.
    expect(await say(5005, '/killswitch')).toMatch(/^Kill switch engaged on pb:/);
  });

  it('unlinks from the chat and from the dashboard', async () => {
    expect(await say(4004, '/unlink')).toBe('Unlinked: this chat no longer reaches your account.');
    expect(await say(4004, '/status')).toMatch(/^This chat is not linked/);
    const gone = await dashboard.inject({
      method: 'DELETE',
      url: `/api/v1/chat/links/telegram/${ADA_CHAT}`,
      headers: { 'x-api-key': 'user:bob' },
    });
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, 'TRADING_CHAT_LINK_NOT_FOUND']);
    const removed = await dashboard.inject({
      method: 'DELETE',
      url: `/api/v1/chat/links/telegram/${ADA_CHAT}`,
      headers: { 'x-api-key': 'user:ada' },
    });
    expect(removed.statusCode).toBe(204);
    expect(await say(ADA_CHAT, '/status')).toMatch(/^This chat is not linked/);
  });

  it('a chat guessing codes is ignored after a few tries', async () => {
    for (let i = 0; i < LINK_TRIES; i++)
      expect(await say(6006, `/link WRONG${i}`)).toMatch(/unknown, used or expired/);
    const sent = telegram.sent.length;
    const handled = chat.poller!.handled;
    const { code } = await linkCode('ada');
    telegram.push(6006, `/link ${code}`);
    await until(() => chat.poller!.handled > handled, { timeoutMs: REPLY_MS, what: 'the guess to be read' });
    expect(telegram.sent.length).toBe(sent);
    expect(
      (await dashboard.inject({ url: '/api/v1/chat/links', headers: { 'x-api-key': 'user:ada' } })).json()
        .links,
    ).toEqual([]);
  });
});

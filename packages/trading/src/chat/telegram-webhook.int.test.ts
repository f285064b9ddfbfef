import { silentLogger, systemClock } from '@tickline/kernel';
import type { StrategyDefinition } from '@tickline/strategy/internal';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCodedErrors } from '../testing/coded-error-handler.ts';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';
import { startMockTelegram, type MockTelegram } from '../testing/mock-telegram.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { composeChatControl, type ChatControl } from './chat-control.ts';
import type { ChatSettings } from './chat-settings.ts';
import { chatRoutes, type ChatRoutesOptions } from './chat-routes.ts';

const SYMBOL = 'BTC-USDT';
/** Buys 1 on every candle. */
const buyer: StrategyDefinition = { onCandle: (ctx) => void ctx.buy({ qty: 1, reason: 'entry' }) };
/** A reply is due within this on a busy machine. */
const REPLY_MS = 30_000;
const WEBHOOK = '/api/v1/chat/telegram/webhook';
const WEBHOOK_URL = `https://tickline.example${WEBHOOK}`;
const SECRET = 'webhook_secret-0123456789abcdef';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const fastifyWith = async (routes: ChatRoutesOptions): Promise<FastifyInstance> => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  answerCodedErrors(app);
  await app.register(chatRoutes, { prefix: '/api/v1', ...routes });
  return app;
};

/**
 * Chat control in webhook mode: the registering process sets the webhook on a local Telegram Bot
 * API (real HTTP) with its secret; updates posted to the route act once each, and only with the
 * secret; switching back to polling deletes the webhook.
 */
describe('chat control - Telegram webhook', () => {
  const db = tradingDatabase();
  let telegram: MockTelegram;
  let t: LiveTestApp;
  let chat: ChatControl;
  let app: FastifyInstance;
  const ADA_CHAT = 1001;

  const settings = (mode: 'poll' | 'webhook'): ChatSettings => ({
    telegram: {
      token: telegram.token,
      apiUrl: telegram.url,
      poll: true,
      mode,
      webhookUrl: WEBHOOK_URL,
      webhookSecret: SECRET,
      pollSeconds: 2,
      linkCodeTtlMs: 600_000,
    },
  });
  /** Posts `update` as Telegram does, with `secret` (null: without the header). */
  const post = (update: object, secret: string | null = SECRET) =>
    app.inject({
      method: 'POST',
      url: WEBHOOK,
      headers: secret === null ? {} : { [SECRET_HEADER]: secret },
      payload: update,
    });
  /** Posts `text` from `chatId` as Telegram would and waits for the bot's reply (bounded). */
  const say = async (chatId: number, text: string) => {
    const reply = telegram.nextReply(chatId);
    const res = await post(telegram.update(chatId, text));
    expect([res.statusCode, res.json()]).toEqual([200, { ok: true, duplicate: false }]);
    return Promise.race([
      reply,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no reply to ${text} in ${REPLY_MS} ms`)), REPLY_MS),
      ),
    ]);
  };
  const linkCode = async (user: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/chat/telegram/link-codes',
      headers: { 'x-api-key': `user:${user}` },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ code: string }>().code;
  };

  beforeAll(async () => {
    telegram = await startMockTelegram({ username: 'tickline_test_bot' });
    t = await createLiveTestApp({
      portfolios: { pa: 'ada' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': buyer },
    });
    chat = composeChatControl({
      settings: settings('webhook'),
      sql: db.sql,
      live: t.routeOptions,
      clock: systemClock,
    });
    expect(chat.poller).toBeUndefined();
    await chat.webhook!.start({
      logger: silentLogger,
      fail: (error) => {
        throw error;
      },
    });
    app = await fastifyWith(chat.routes);
  });
  afterAll(async () => {
    await chat?.webhook?.stop();
    await app?.close();
    await t?.close();
    await telegram?.close();
  });

  it('sets the webhook at start with its address, secret and the updates it reads', () => {
    expect(telegram.webhookCalls).toEqual(['setWebhook']);
    expect(telegram.webhook).toEqual({ url: WEBHOOK_URL, secret: SECRET, allowedUpdates: ['message'] });
    expect(telegram.polls).toEqual([]);
    expect(chat.webhook!.username).toBe('tickline_test_bot');
  });

  it('a post without the secret, or with a wrong one, is refused 401 and does nothing', async () => {
    const code = await linkCode('ada');
    const update = telegram.update(ADA_CHAT, `/link ${code}`);
    for (const secret of [null, '', 'not-the-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await post(update, secret);
      expect([res.statusCode, res.json().error?.code], `${secret} ${res.body}`).toEqual([
        401,
        'TRADING_CHAT_WEBHOOK_SECRET',
      ]);
    }
    // A refused post is not read: a body that is no update at all gets the same 401, not a 400.
    const junk = await post({ nonsense: true }, 'wrong');
    expect([junk.statusCode, junk.json().error.code]).toEqual([401, 'TRADING_CHAT_WEBHOOK_SECRET']);
    expect(telegram.sent).toEqual([]);
    expect(chat.webhook!.updates.handled).toBe(0);
    // The code was not spent and the update id not taken: the same update, posted right, links.
    const reply = telegram.nextReply(ADA_CHAT);
    expect((await post(update)).json()).toEqual({ ok: true, duplicate: false });
    expect(await reply).toMatch(/^Linked\. This chat may read and control/);
  });

  it('a command acts on the run; an update posted twice is acted on once', async () => {
    expect(
      (await t.enableRun('ada', { strategyId: 's1', portfolioId: 'pa', symbol: SYMBOL })).statusCode,
    ).toBe(201);
    await t.nextCandle(SYMBOL);
    expect(await say(ADA_CHAT, '/status')).toMatch(/^1\. s1 v1 — running · 1 candles · 1 signals$/);

    const pause = telegram.update(ADA_CHAT, '/pause');
    const replied = telegram.nextReply(ADA_CHAT);
    expect((await post(pause)).json()).toEqual({ ok: true, duplicate: false });
    expect(await replied).toBe('s1 v1: paused.');
    expect(t.runner.status('pa:s1')?.state).toBe('paused');
    // Telegram sends it again (say our 200 was lost): answered 200, not acted on, not replied to.
    const sent = telegram.sent.length;
    const again = await post(pause);
    expect([again.statusCode, again.json()]).toEqual([200, { ok: true, duplicate: true }]);
    // Updates are handled in order: once /help is answered, a queued duplicate would have been too.
    expect(await say(ADA_CHAT, '/help')).toMatch(/^\/status — your live runs/);
    expect(telegram.sent.slice(sent).map((m) => m.text)).toEqual([
      expect.stringMatching(/^\/status — your live runs/),
    ]);
    expect(await say(ADA_CHAT, '/resume')).toBe('s1 v1: running.');
    expect(t.runner.status('pa:s1')?.state).toBe('running');
  });

  it('a malformed update with the secret is refused 400; a server not in webhook mode answers 409', async () => {
    const bad = await post({ update_id: 'seven' });
    expect(bad.statusCode).toBe(400);
    const polling = await fastifyWith({
      ...chat.routes,
      telegram: { username: () => undefined, linkCodeTtlMs: 1 },
    });
    try {
      const res = await polling.inject({
        method: 'POST',
        url: WEBHOOK,
        headers: { [SECRET_HEADER]: SECRET },
        payload: telegram.update(ADA_CHAT, '/pause'),
      });
      expect([res.statusCode, res.json().error.code]).toEqual([409, 'TRADING_CHAT_NOT_CONFIGURED']);
    } finally {
      await polling.close();
    }
    expect(t.runner.status('pa:s1')?.state).toBe('running');
  });

  it('switching back to polling deletes the webhook, then the poll answers', async () => {
    const polling = composeChatControl({
      settings: settings('poll'),
      sql: db.sql,
      live: t.routeOptions,
      clock: systemClock,
    });
    await polling.poller!.start({
      logger: silentLogger,
      fail: (error) => {
        throw error;
      },
    });
    try {
      const reply = telegram.say(ADA_CHAT, '/pause');
      expect(
        await Promise.race([
          reply,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no reply')), REPLY_MS)),
        ]),
      ).toBe('s1 v1: paused.');
      expect(telegram.webhookCalls).toEqual(['setWebhook', 'deleteWebhook']);
      expect(telegram.webhook).toBeUndefined();
    } finally {
      await polling.poller!.stop();
    }
  });
});

import { ManualClock, silentLogger, systemClock } from '@tickline/kernel';
import { createPgliteSql, createPostgresSql, type Sql } from '@tickline/store';
import type { StrategyDefinition } from '@tickline/strategy/internal';
import { createDatabase, providedPostgres } from '@tickline/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answerCodedErrors } from '../testing/coded-error-handler.ts';
import { createLiveTestApp, type LiveTestApp } from '../testing/live-test-app.ts';
import { startMockTelegram, type MockTelegram } from '../testing/mock-telegram.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { composeChatControl, type ChatControl } from './chat-control.ts';
import { SqlChatUpdateIds, UPDATE_ID_TTL_MS } from './chat-update-ids.ts';
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

const postgres = providedPostgres(inject);
/** Two connections to one migrated database: two API processes behind a load balancer. */
type Open = () => Promise<[Sql, Sql]>;
const engines: Array<[string, Open]> = [
  [
    'pglite',
    async () => {
      const sql = await createPgliteSql({ memory: true });
      await migrateForTrading(sql);
      return [sql, sql];
    },
  ],
  ...(postgres.url
    ? ([
        [
          'postgresql',
          async () => {
            const url = await createDatabase(postgres.url!, 'chat_updates');
            const first = await createPostgresSql({ url, poolSize: 2 });
            await migrateForTrading(first);
            return [first, await createPostgresSql({ url, poolSize: 2 })];
          },
        ],
      ] as Array<[string, Open]>)
    : []),
];

/**
 * Telegram re-sends an update it got no answer to, and behind a load balancer the resend may land
 * on the other API process: two webhook handlers on one database act on an update id once, whether
 * it reaches both at the same moment or one after the other.
 */
describe.each(engines)('chat control - two webhook processes on one %s database', (_, open) => {
  let telegram: MockTelegram;
  let t: LiveTestApp;
  const sqls: Sql[] = [];
  const processes: Array<{ chat: ChatControl; app: FastifyInstance }> = [];
  const CHAT = 2002;

  /** Posts `update` to process `i` as Telegram does. */
  const post = (i: number, update: object) =>
    processes[i]!.app.inject({
      method: 'POST',
      url: WEBHOOK,
      headers: { [SECRET_HEADER]: SECRET },
      payload: update,
    });
  /** The `duplicate` flags of the answers, each 200. */
  const flags = (responses: Array<{ statusCode: number; json: () => { duplicate: boolean } }>) =>
    responses.map((r) => {
      expect(r.statusCode).toBe(200);
      return r.json().duplicate;
    });
  const repliesIn = (chatId: number) => telegram.sent.filter((m) => m.chatId === String(chatId));

  beforeAll(async () => {
    telegram = await startMockTelegram({ username: 'tickline_test_bot' });
    t = await createLiveTestApp({
      portfolios: { pb: 'bea' },
      prices: { [SYMBOL]: 100 },
      strategies: { 's1@1': buyer },
    });
    sqls.push(...(await open()));
    for (const [i, sql] of sqls.entries()) {
      const chat = composeChatControl({
        settings: {
          telegram: {
            token: telegram.token,
            apiUrl: telegram.url,
            // The first process registers the webhook; both take what is posted to them.
            poll: i === 0,
            mode: 'webhook',
            webhookUrl: WEBHOOK_URL,
            webhookSecret: SECRET,
            pollSeconds: 2,
            linkCodeTtlMs: 600_000,
          },
        },
        sql,
        live: t.routeOptions,
        clock: systemClock,
      });
      await chat.webhook!.start({
        logger: silentLogger,
        fail: (error) => {
          throw error;
        },
      });
      processes.push({ chat, app: await fastifyWith(chat.routes) });
    }
  });
  afterAll(async () => {
    for (const { chat, app } of processes) {
      await chat.webhook?.stop();
      await app.close();
    }
    for (const sql of new Set(sqls)) await sql.close();
    await t?.close();
    await telegram?.close();
  });

  it('the same update posted to both at once is acted on by one; then a resend to the other is not', async () => {
    const res = await processes[0]!.app.inject({
      method: 'POST',
      url: '/api/v1/chat/telegram/link-codes',
      headers: { 'x-api-key': 'user:bea' },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    // Both processes get the same `/link` at the same moment: one links, the other finds it taken.
    const link = telegram.update(CHAT, `/link ${res.json<{ code: string }>().code}`);
    const linked = telegram.nextReply(CHAT);
    expect(flags(await Promise.all([post(0, link), post(1, link)])).sort()).toEqual([false, true]);
    expect(await linked).toMatch(/^Linked\./);

    expect(
      (await t.enableRun('bea', { strategyId: 's1', portfolioId: 'pb', symbol: SYMBOL })).statusCode,
    ).toBe(201);
    // `/pause` to the second process; Telegram got no answer in time and re-sends it to the first.
    const pause = telegram.update(CHAT, '/pause');
    const paused = telegram.nextReply(CHAT);
    expect(flags([await post(1, pause)])).toEqual([false]);
    expect(await paused).toBe('s1 v1: paused.');
    expect(flags([await post(0, pause)])).toEqual([true]);
    // Each process acts in order: once a later update is answered, an earlier one would have been.
    const help = telegram.update(CHAT, '/help');
    const helped = telegram.nextReply(CHAT);
    expect(flags(await Promise.all([post(0, help), post(1, help)])).sort()).toEqual([false, true]);
    await helped;
    expect(repliesIn(CHAT).map((m) => m.text)).toEqual([
      expect.stringMatching(/^Linked\./),
      's1 v1: paused.',
      expect.stringMatching(/^\/status — your live runs/),
    ]);
    expect(t.runner.status('pb:s1')?.state).toBe('paused');
  });

  it('taken ids expire after two days: the table keeps only recent ones', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const ids = new SqlChatUpdateIds({
      sql: sqls[0]!,
      provider: 'telegram',
      botId: 'expiry',
      now: () => clock.now(),
    });
    const other = new SqlChatUpdateIds({
      sql: sqls[1]!,
      provider: 'telegram',
      botId: 'expiry',
      now: () => clock.now(),
    });
    expect([await ids.take(7), await other.take(7), await ids.take(7)]).toEqual([true, false, false]);
    // Another bot's ids are its own.
    const otherBot = new SqlChatUpdateIds({
      sql: sqls[1]!,
      provider: 'telegram',
      botId: 'another',
      now: () => clock.now(),
    });
    expect(await otherBot.take(7)).toBe(true);
    clock.advance(UPDATE_ID_TTL_MS + 1);
    // A fresh process expires what is older than two days on its first take.
    const later = new SqlChatUpdateIds({
      sql: sqls[1]!,
      provider: 'telegram',
      botId: 'expiry',
      now: () => clock.now(),
    });
    expect(await later.take(8)).toBe(true);
    const { rows } = await sqls[0]!.query<{ update_id: string | number }>(
      `select update_id from chat_updates where bot_id in ('expiry', 'another') order by update_id`,
    );
    expect(rows.map((r) => Number(r.update_id))).toEqual([8]);
    expect(await later.take(7)).toBe(true);
  });
});

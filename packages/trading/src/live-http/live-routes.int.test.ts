import { createEventSource, type EventEnvelope, ManualClock } from '@tickline/kernel';
import { createPgliteSql, type Sql } from '@tickline/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderDesk } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { SqlOrderJournal } from '../broker/sql/sql-order-journal.ts';
import { resolveBacktestSettings, type StrategyDefinition } from '@tickline/strategy/internal';
import { LiveRunner } from '../live/live-runner.ts';
import { readEquityWindow } from '../portfolio/equity-history.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { InMemoryHaltStore } from '../halt/halt-store.ts';
import { haltRoutes } from './halt-routes.ts';
import { liveRoutes, type LiveRoutesOptions } from './live-routes.ts';
import { answerCodedErrors } from '../testing/coded-error-handler.ts';

const ADA = 'ada';
const BOB = 'bob';
/** An admin (role and scope): oversees others' portfolios, never trades in them. */
const ROOT = 'root';
const PORTFOLIOS = new Map([
  ['pa', ADA],
  ['pb', BOB],
]);
const idle: StrategyDefinition = { onCandle() {} };
/** Holds every strategy load until it settles (a slow enable); settled unless a test holds it. */
let loading: Promise<void> = Promise.resolve();
let loads = 0;

describe('live routes (inject, PGlite journal)', () => {
  let sql: Sql;
  let app: FastifyInstance;
  const published: EventEnvelope[] = [];
  const books = new CorePortfolioLedger();
  const as = (user: string) => ({ 'x-test-user': user });

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForTrading(sql);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const settings = resolveBacktestSettings({ startingCapital: 10_000 });
    books.open('pa', 10_000, []);
    books.open('pb', 10_000, []);
    // A share too: the routes take the one wire symbol (protocol's SymbolSchema), pairs and shares.
    const last = new Map([
      ['BTC-USDT', 100],
      ['AAPL.US', 190],
    ]);
    const paper = createPaperBroker({
      fillModel: coreFillModel(settings),
      ledger: books,
      symbols: new Set(last.keys()),
      lastPrice: (s) => last.get(s),
      now: () => clock.now(),
    });
    const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({ maxPositionValue: 5_000 }), (s) =>
      last.get(s),
    );
    const journal = new SqlOrderJournal(sql, paper.venue);
    const source = createEventSource({ source: orderEventSourceName('paper'), clock });
    const late: { runner?: LiveRunner } = {};
    const desk = new OrderDesk({
      broker: paper,
      journal,
      portfolios: risk,
      clock,
      emit: (e) => {
        late.runner!.onOrderEvent(e);
        published.push(orderEnvelope(source, e));
      },
    });
    const runner = (late.runner = new LiveRunner({
      desk,
      paper,
      books,
      risk,
      load: async () => {
        loads++;
        await loading;
        return idle;
      },
      history: async () => [],
      publish: (e) => published.push(e),
      source: createEventSource({ source: 'strategy/live', clock }),
      clock,
    }));
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    answerCodedErrors(app);
    const routeOptions: Omit<LiveRoutesOptions, 'prefix'> = {
      runner,
      desk,
      journal,
      books,
      risk,
      authenticate: async (request) => {
        const user = request.headers['x-test-user'];
        if (typeof user !== 'string') throw Object.assign(new Error('who?'), { statusCode: 401 });
        return { userId: user, admin: user === ROOT };
      },
      ownerOf: async (id) => PORTFOLIOS.get(id),
      portfoliosOf: async (user) => [...PORTFOLIOS].filter(([, u]) => u === user).map(([id]) => id),
      versionExists: async (user, strategyId, version) =>
        user === ADA && strategyId === 's1' && version === 1,
      maxLive: async () => 1,
      // This file enables and resumes more than a minute's rate; the rate is enable-gate.test.ts's.
      enableGate: { perMinute: 1_000 },
      settings: () => settings,
      symbols: new Set(last.keys()),
      equityHistory: (id, window) => readEquityWindow(sql, id, window, Date.now()),
    };
    await app.register(liveRoutes, { prefix: '/api/v1', ...routeOptions });
    await app.register(haltRoutes, {
      prefix: '/api/v1',
      ...routeOptions,
      haltStore: new InMemoryHaltStore(),
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sql?.close();
  });

  const order = (user: string, portfolio: string, body: unknown, key = `k${Math.random()}`) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/portfolios/${portfolio}/orders`,
      headers: { ...as(user), 'idempotency-key': key },
      payload: body as object,
    });
  const rows = async () =>
    Number((await sql.query<{ n: string }>('select count(*) as n from broker_orders')).rows[0]!.n);

  it('places a manual market order once per idempotency key, and shows the position', async () => {
    const first = await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', quantity: 2 }, 'same');
    expect(first.statusCode).toBe(201);
    expect(first.json().order).toMatchObject({ status: 'filled', filledQuantity: 2 });
    const again = await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', quantity: 2 }, 'same');
    expect(again.json().order.clientOrderId).toBe(first.json().order.clientOrderId);
    // The same key with another body places nothing and says so with a code
    const other = await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', quantity: 3 }, 'same');
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toMatchObject({
      code: 'STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED',
      details: { clientOrderId: first.json().order.clientOrderId },
    });
    expect(published.filter((e) => e.type === 'order.placed')).toHaveLength(1);
    const portfolio = (await app.inject({ url: '/api/v1/portfolios/pa', headers: as(ADA) })).json();
    expect(portfolio.positions).toEqual([expect.objectContaining({ symbol: 'BTC-USDT', quantity: 2 })]);
  });

  it('places and cancels a resting limit order', async () => {
    const placed = await order(ADA, 'pa', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: 90,
      quantity: 1,
    });
    expect(placed.statusCode).toBe(201);
    const id = placed.json().order.clientOrderId as string;
    const open = (await app.inject({ url: '/api/v1/portfolios/pa/orders', headers: as(ADA) })).json();
    expect(open.orders.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual([id]);
    const cancelled = await app.inject({
      method: 'DELETE',
      url: `/api/v1/portfolios/pa/orders/${id}?symbol=BTC-USDT`,
      headers: as(ADA),
    });
    expect(cancelled.json().order).toMatchObject({ status: 'cancelled' });
    const history = (
      await app.inject({ url: '/api/v1/portfolios/pa/orders?status=all&limit=10', headers: as(ADA) })
    ).json();
    // Found by id: the fill and the cancel can share a millisecond, and then their order is a tie.
    expect(history.orders.find((o: { clientOrderId: string }) => o.clientOrderId === id)).toMatchObject({
      status: 'cancelled',
    });
    expect(history.orders.map((o: { status: string }) => o.status)).toContain('filled');
    expect(
      (await app.inject({ url: '/api/v1/portfolios/pb/orders?status=all', headers: as(ADA) })).statusCode,
    ).toBe(404);
  });

  it('answers the equity history oldest first, the latest points within the limit', async () => {
    await sql.query(
      `insert into portfolios (portfolio_id, currency, opening_cash, cash, equity, day_start_equity, opened_at, updated_at)
       values ('pa', 'USDT', 10000, 10000, 10000, 10000, now(), now()) on conflict do nothing`,
    );
    for (const [at, equity] of [
      [1, 10_000],
      [2, 10_010],
      [3, 9_990],
    ])
      await sql.query(
        'insert into portfolio_equity (portfolio_id, at_ms, equity, cash) values ($1, $2, $3, 0)',
        ['pa', at, equity],
      );
    const r = await app.inject({ url: '/api/v1/portfolios/pa/equity?limit=2', headers: as(ADA) });
    expect(r.json()).toEqual({
      points: [
        { at: 2, equity: 10_010, cash: 0 },
        { at: 3, equity: 9_990, cash: 0 },
      ],
    });
  });

  it('answers a day, a week or a month of equity, one point per bucket, and refuses other ranges', async () => {
    // Given a portfolio whose history has points in the last hours, two days and ten days ago
    const now = Date.now();
    const MINUTE = 60_000;
    const DAY = 24 * 60 * MINUTE;
    // Three hours back: never in the same bucket as now, even a month's two-hour one.
    const earlier = Math.floor((now - 180 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;
    await sql.query(
      `insert into portfolios (portfolio_id, currency, opening_cash, cash, equity, day_start_equity, opened_at, updated_at)
       values ('pr', 'USDT', 10000, 10000, 10000, 10000, now(), now()) on conflict do nothing`,
    );
    PORTFOLIOS.set('pr', ADA);
    for (const [at, equity] of [
      [now - 10 * DAY, 9_000],
      [now - 2 * DAY, 9_500],
      // three minutes in one 5-minute bucket: the range answers its last
      [earlier, 10_000],
      [earlier + MINUTE, 10_001],
      [earlier + 2 * MINUTE, 10_002],
      [now - 1_000, 10_100],
    ])
      await sql.query(
        'insert into portfolio_equity (portfolio_id, at_ms, equity, cash) values ($1, $2, $3, 0)',
        ['pr', at, equity],
      );
    const equities = async (range: string) => {
      const r = await app.inject({ url: `/api/v1/portfolios/pr/equity?range=${range}`, headers: as(ADA) });
      expect(r.statusCode).toBe(200);
      return r.json<{ points: Array<{ equity: number }> }>().points.map((p) => p.equity);
    };
    // Then each range reaches as far back as it says, oldest first, the last point of each bucket
    expect(await equities('day')).toEqual([10_002, 10_100]);
    expect(await equities('week')).toEqual([9_500, 10_002, 10_100]);
    expect(await equities('month')).toEqual([9_000, 9_500, 10_002, 10_100]);
    // And a range the chart does not offer is a coded 400
    const bad = await app.inject({ url: '/api/v1/portfolios/pr/equity?range=year', headers: as(ADA) });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses bad input with a coded 4xx and changes nothing', async () => {
    const before = await rows();
    const events = published.length;
    // 5e-324 (the least double) and anything below the finest venue step were once filled and booked.
    for (const quantity of [-1, 0, 'NaN', 'Infinity', null, 5e-324, 1e-9]) {
      const r = await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', quantity });
      expect(r.statusCode, String(quantity)).toBe(400);
      expect(r.json().error.code, String(quantity)).toBe('HTTP_BAD_REQUEST');
    }
    expect((await order(ADA, 'pa', { symbol: 'btc', side: 'buy', quantity: 1 })).statusCode).toBe(400);
    expect(
      (await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', type: 'limit', quantity: 1 })).statusCode,
    ).toBe(400);
    // Someone else's portfolio is not found.
    const theirs = await order(ADA, 'pb', { symbol: 'BTC-USDT', side: 'buy', quantity: 1 });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('STRATEGY_PORTFOLIO_NOT_FOUND');
    expect(await rows()).toBe(before);
    expect(published.length).toBe(events);
  });

  it('answers an unknown symbol and a risk limit with order.rejected', async () => {
    const unknown = await order(ADA, 'pa', { symbol: 'ETH-USDT', side: 'buy', quantity: 1 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().order).toMatchObject({ status: 'rejected', rejectReason: 'unknown_symbol' });
    expect(unknown.json().error).toMatchObject({
      code: 'STRATEGY_BROKER_ORDER_REJECTED',
      details: { reason: 'unknown_symbol' },
    });
    const big = await order(ADA, 'pa', { symbol: 'BTC-USDT', side: 'buy', quantity: 60 });
    expect(big.json().order).toMatchObject({ status: 'rejected', rejectReason: 'risk_limit' });
    expect(published.filter((e) => e.type === 'order.rejected')).toHaveLength(2);
  });

  it('enables a live strategy within the tier limit, shows and pauses it; refuses others', async () => {
    const enable = (user: string, body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/v1/live-strategies', headers: as(user), payload: body });
    const body = {
      strategyId: 's1',
      version: 1,
      portfolioId: 'pa',
      feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    };
    const on = await enable(ADA, body);
    expect(on.statusCode).toBe(201);
    const id = on.json().run.id as string;
    expect(
      (await app.inject({ url: `/api/v1/live-strategies/${id}`, headers: as(ADA) })).json().run,
    ).toMatchObject({
      state: 'running',
    });
    expect((await app.inject({ url: `/api/v1/live-strategies/${id}`, headers: as(BOB) })).statusCode).toBe(
      404,
    );
    const missing = await enable(ADA, { ...body, strategyId: 's2' });
    expect(missing.statusCode, missing.body).toBe(404);
    const eth = await enable(ADA, { ...body, feeds: [{ symbol: 'ETH-USDT', interval: '1m' }] });
    expect(eth.statusCode, eth.body).toBe(400);
    expect((await enable(BOB, { ...body, portfolioId: 'pb' })).statusCode).toBe(404);
    const paused = await app.inject({
      method: 'POST',
      url: `/api/v1/live-strategies/${id}/pause`,
      headers: as(ADA),
    });
    expect(paused.json().run).toMatchObject({ state: 'paused', pause: { code: 'user' } });
    const signals = await app.inject({ url: `/api/v1/live-strategies/${id}/signals`, headers: as(ADA) });
    expect(signals.json()).toEqual({ signals: [] });
    const resumed = await app.inject({
      method: 'POST',
      url: `/api/v1/live-strategies/${id}/resume`,
      headers: as(ADA),
    });
    expect(resumed.json().run).toMatchObject({ state: 'running' });
    expect(resumed.json().run.pause).toBeUndefined();
    const stop = (user: string) =>
      app.inject({ method: 'DELETE', url: `/api/v1/live-strategies/${id}`, headers: as(user) });
    expect((await stop(BOB)).statusCode).toBe(404);
    expect((await stop(ADA)).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/live-strategies', headers: as(ADA) })).json()).toEqual({
      runs: [],
    });
  });

  it("an admin reads and pauses another user's run, but never starts, resumes or stops one there", async () => {
    const body = {
      strategyId: 's1',
      version: 1,
      portfolioId: 'pa',
      feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    };
    const run = (user: string, method: 'GET' | 'POST' | 'DELETE', path = '') =>
      app.inject({ method, url: `/api/v1/live-strategies/pa:s1${path}`, headers: as(user) });
    const start = (user: string) =>
      app.inject({ method: 'POST', url: '/api/v1/live-strategies', headers: as(user), payload: body });
    const refused = await start(ROOT);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'STRATEGY_OWNER_ONLY']);
    expect((await start(ADA)).statusCode).toBe(201);
    expect((await run(ROOT, 'GET')).json().run).toMatchObject({ userId: ADA, state: 'running' });
    const paused = await run(ROOT, 'POST', '/pause');
    expect(paused.json().run).toMatchObject({ state: 'paused', pause: { code: 'admin' } });
    for (const [method, path] of [
      ['POST', '/resume'],
      ['DELETE', ''],
    ] as const) {
      const answer = await run(ROOT, method, path);
      expect([method, path, answer.statusCode, answer.json().error.code]).toEqual([
        method,
        path,
        403,
        'STRATEGY_OWNER_ONLY',
      ]);
    }
    // The owner still does all of it.
    expect((await run(ADA, 'POST', '/resume')).json().run).toMatchObject({ state: 'running' });
    expect((await run(ADA, 'DELETE')).statusCode).toBe(204);
  });

  it('a run the kill switch paused is not resumed while either hand holds it', async () => {
    const body = {
      strategyId: 's1',
      version: 1,
      portfolioId: 'pa',
      feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    };
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/live-strategies', headers: as(ADA), payload: body }))
        .statusCode,
    ).toBe(201);
    const post = (user: string, path: string, payload?: object) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/${path}`,
        headers: as(user),
        ...(payload ? { payload } : {}),
      });
    const resume = () => post(ADA, 'live-strategies/pa:s1/resume');
    await post(ROOT, 'portfolios/pa/kill-switch', { reason: 'abuse' });
    await post(ADA, 'portfolios/pa/kill-switch', { reason: 'wild market' });
    const run = (await app.inject({ url: '/api/v1/live-strategies/pa:s1', headers: as(ADA) })).json().run;
    expect(run).toMatchObject({ state: 'paused', pause: { code: 'kill_switch' } });
    // Resumed, it would only have every order refused: the answer says so, and the run stays paused.
    const refused = await resume();
    expect([refused.statusCode, refused.json().error.code, refused.json().error.details.hands]).toEqual([
      409,
      'STRATEGY_LIVE_KILL_SWITCH',
      ['user', 'admin'],
    ]);
    await post(ADA, 'portfolios/pa/kill-switch/release', { reason: 'calm' });
    expect((await resume()).json().error.details.hands).toEqual(['admin']);
    await post(ROOT, 'portfolios/pa/kill-switch/release', { reason: 'cleared' });
    expect((await resume()).json().run).toMatchObject({ state: 'running' });
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/live-strategies/pa:s1', headers: as(ADA) }))
        .statusCode,
    ).toBe(204);
  });

  it('one enable or resume of an account loads at a time: a second is refused with a code', async () => {
    const body = {
      strategyId: 's1',
      version: 1,
      portfolioId: 'pa',
      feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    };
    const enable = () =>
      app.inject({ method: 'POST', url: '/api/v1/live-strategies', headers: as(ADA), payload: body });
    let release!: () => void;
    loading = new Promise((resolve) => (release = resolve));
    const before = loads;
    const first = enable();
    await until(() => loads > before, { timeoutMs: 30_000 });
    const second = await enable();
    expect([second.statusCode, second.json().error.code, second.json().error.details]).toEqual([
      429,
      'STRATEGY_LIVE_ENABLE_BUSY',
      { what: 'enable', retryAfterSeconds: 1 },
    ]);
    release();
    loading = Promise.resolve();
    expect((await first).statusCode).toBe(201);
    // Admitted again once the first answered.
    const id = 'pa:s1';
    await app.inject({ method: 'POST', url: `/api/v1/live-strategies/${id}/pause`, headers: as(ADA) });
    const resumed = await app.inject({
      method: 'POST',
      url: `/api/v1/live-strategies/${id}/resume`,
      headers: as(ADA),
    });
    expect(resumed.json().run).toMatchObject({ state: 'running' });
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/live-strategies/${id}`, headers: as(ADA) }))
        .statusCode,
    ).toBe(204);
  });

  it('takes a share symbol in an order and a feed; a malformed one is a 400 as before', async () => {
    // 2026-01-01 is an NYSE holiday: the order reaches the paper broker, which refuses it closed.
    const share = await order(ADA, 'pa', { symbol: 'AAPL.US', side: 'buy', quantity: 1 });
    expect(share.statusCode, share.body).toBe(422);
    expect(share.json()).toMatchObject({
      error: { code: 'STRATEGY_BROKER_ORDER_REJECTED', details: { reason: 'market_closed' } },
      order: { symbol: 'AAPL.US', rejectReason: 'market_closed' },
    });
    const lower = await order(ADA, 'pa', { symbol: 'aapl.us', side: 'buy', quantity: 1 });
    expect(lower.statusCode).toBe(400);
    expect(lower.json().error.code).toBe('HTTP_BAD_REQUEST');
    const enable = (symbol: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/live-strategies',
        headers: as(ADA),
        // No such strategy: past the body's schema and the symbol check, nothing is enabled.
        payload: { strategyId: 'none', version: 1, portfolioId: 'pa', feeds: [{ symbol, interval: '1d' }] },
      });
    expect((await enable('AAPL.US')).json().error.code).toBe('STRATEGY_NOT_FOUND');
    expect((await enable('005930.KS')).json().error.code).toBe('STRATEGY_BROKER_REQUEST_INVALID');
    const bad = await enable('5930.KS');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HTTP_BAD_REQUEST');
  });
});

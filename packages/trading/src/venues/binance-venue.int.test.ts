/**
 * A portfolio bound to Binance spot over HTTP, against the loopback venue (REST and the WebSocket
 * API's user-data stream): the bind refuses keys that can withdraw, cannot trade or are wrong and
 * stores nothing then; a good key is sealed and never answered back; market and limit orders go to
 * the venue and their fills reach the portfolio from the stream; a venue that drops in the middle
 * of an order leaves it in a known state, placed once; back to paper deletes the key.
 */
import { randomBytes } from 'node:crypto';
import { createSecretBox, type EventEnvelope } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSpotMock } from '../broker/testing/binance-spot-mock.ts';
import { TradingSettingsSchema } from '../module/trading-settings.ts';
import { openPaperPortfolio } from '../testing/trading-api.test-support.ts';
import { createTradingTestApp, type TradingTestApp } from '../testing/trading-test-app.ts';

const KEY = 'bNdTradingKey0000000000000000000000000001';
const SECRET = 'bNdTradingSecret0000000000000000000000001';
const WITHDRAW_KEY = 'bNdWithdrawKey000000000000000000000000002';
const NO_TRADE_KEY = 'bNdReadOnlyKey0000000000000000000000000003';
const OTHER_SECRET = 'bNdOtherSecret00000000000000000000000000X';
/** Polls `check` every 50 ms (each poll may be an HTTP request) for up to 30 s: CI runs at load 10–20. */
const eventually = (check: () => boolean | Promise<boolean>, what: string) =>
  until(check, { what, timeoutMs: 30_000, intervalMs: 50 });

describe('venues - a portfolio bound to Binance spot (loopback venue)', () => {
  let mock: BinanceSpotMock;
  /** The mock's port: a case that takes the venue away brings it back there. */
  let mockPort = 0;
  let t: TradingTestApp;
  let user: Awaited<ReturnType<TradingTestApp['user']>>;
  let portfolio: string;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = {}) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...user.auth, ...headers },
      ...(payload ? { payload } : {}),
    });
  const bind = (apiKey: string, apiSecret: string) =>
    call('PUT', `/portfolios/${portfolio}/venue`, { venue: 'binance-spot', apiKey, apiSecret });
  const ordersAt = (clientOrderId: string) =>
    mock.book.orders.filter((o) => o.clientOrderId === clientOrderId);
  const events = (type: string, clientOrderId: string): EventEnvelope[] =>
    t.events.filter(
      (e) => e.type === type && (e.data as { clientOrderId?: string }).clientOrderId === clientOrderId,
    );
  const order = async (clientOrderId: string) =>
    (await call('GET', `/portfolios/${portfolio}/orders?status=all`))
      .json<{ orders: Array<{ clientOrderId: string; status: string; filledQuantity: number }> }>()
      .orders.find((o) => o.clientOrderId === clientOrderId);
  /** What a buy of `quantity` leaves once Binance took its 0.1 % commission in the base asset. */
  const received = (quantity: number) => quantity * (1 - 0.001);
  const holds = async (symbol: string, quantity: number) =>
    Math.abs((await position(symbol)) - quantity) < 1e-9;
  const reconciliations = async () =>
    (await call('GET', `/portfolios/${portfolio}/reconciliations?limit=100`)).json<{
      reconciling: { trigger: string } | null;
      reports: Array<{ trigger: string; agreed: boolean; differences: object[] }>;
    }>();
  const position = async (symbol: string) =>
    (await call('GET', `/portfolios/${portfolio}`))
      .json<{ positions: Array<{ symbol: string; quantity: number }> }>()
      .positions.find((p) => p.symbol === symbol)?.quantity ?? 0;

  beforeAll(async () => {
    mock = new BinanceSpotMock({
      apiKey: KEY,
      apiSecret: SECRET,
      symbols: [
        {
          symbol: 'BTCUSDT',
          base: 'BTC',
          quote: 'USDT',
          lastPrice: 100,
          stepSize: 0.001,
          minQty: 0.001,
          tickSize: 0.01,
          minNotional: 5,
        },
      ],
      balances: { USDT: 10_000 },
      keys: [
        { apiKey: WITHDRAW_KEY, apiSecret: OTHER_SECRET, restrictions: { enableWithdrawals: true } },
        {
          apiKey: NO_TRADE_KEY,
          apiSecret: OTHER_SECRET,
          restrictions: { enableSpotAndMarginTrading: false },
        },
      ],
    });
    await mock.start();
    mockPort = mock.port;
    const defaults = TradingSettingsSchema.parse(undefined);
    t = await createTradingTestApp({
      venueBox: createSecretBox({ activeKeyId: 't', keys: { t: randomBytes(32).toString('base64') } }),
      trading: {
        venues: {
          binance: {
            ...defaults.venues.binance,
            enabled: true,
            baseUrl: mock.url,
            wsApiUrl: mock.wsUrl,
            requestTimeoutMs: 2_000,
            // Short: an order the venue never received is declared so once its window closed.
            recvWindowMs: 1_000,
            streamReconnectMs: 50,
          },
        },
        // Heartbeats and syncs often: the venue beat starts streams on this cadence.
        live: {
          ...defaults.live,
          heartbeatMs: 200,
          syncMs: 200,
          risk: { ...defaults.live.risk, maxOrdersPerMinute: 0 },
        },
      },
    });
    user = await t.user();
    portfolio = user.userId;
    await openPaperPortfolio(t, { user, call }, { currency: 'USDT', wait: eventually });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await mock?.stop();
  });
  // A case that failed with the venue away would fail every case after it with a closed mock.
  afterEach(async () => {
    if (mock && !mock.started) await mock.start(mockPort);
  });

  it('venues - a key that can withdraw, cannot trade or is wrong is refused with its code; nothing is stored', async () => {
    expect((await call('GET', `/portfolios/${portfolio}/venue`)).json()).toEqual({
      portfolioId: portfolio,
      venue: 'paper',
      liveVenues: ['binance-spot'],
    });
    const refusals = [
      [WITHDRAW_KEY, OTHER_SECRET, 'TRADING_VENUE_KEY_CAN_WITHDRAW'],
      [NO_TRADE_KEY, OTHER_SECRET, 'TRADING_VENUE_KEY_CANNOT_TRADE'],
      [KEY, OTHER_SECRET, 'TRADING_VENUE_KEY_REFUSED'],
    ] as const;
    for (const [apiKey, apiSecret, code] of refusals) {
      const res = await bind(apiKey, apiSecret);
      expect([res.statusCode, res.json().error.code]).toEqual([422, code]);
      expect(res.body).not.toContain(apiSecret);
    }
    const bad = await call('PUT', `/portfolios/${portfolio}/venue`, {
      venue: 'binance-spot',
      apiKey: 'short',
    });
    expect(bad.statusCode).toBe(400);
    expect((await t.sql.query('select * from broker_credentials')).rows).toEqual([]);
    expect((await call('GET', `/portfolios/${portfolio}/venue`)).json().venue).toBe('paper');
  });

  it('venues - a trading key is checked at the venue, sealed, and never answered back', async () => {
    const res = await bind(KEY, SECRET);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      portfolioId: portfolio,
      venue: 'binance-spot',
      apiKeyHint: KEY.slice(-4),
      permissions: { spotTrading: true, withdrawals: false, checkedWith: 'api-restrictions' },
      boundBy: user.userId,
    });
    expect(mock.requestsTo('/sapi/v1/account/apiRestrictions').at(-1)?.status).toBe(200);
    const shown = await call('GET', `/portfolios/${portfolio}/venue`);
    expect(shown.json().balances).toEqual(
      expect.arrayContaining([{ asset: 'USDT', free: 10_000, locked: 0 }]),
    );
    const stored = JSON.stringify((await t.sql.query('select * from broker_credentials')).rows);
    for (const body of [res.body, shown.body, stored]) {
      expect(body).not.toContain(KEY);
      expect(body).not.toContain(SECRET);
    }
    expect(stored).toMatch(/"api_key":"v1\./);
    // The stream subscribes on the beat: fills come from it from now on, once the books were
    // compared with the venue (new orders wait for that).
    await eventually(() => mock.streamSubscribers === 1, 'user-data stream subscribed');
    await eventually(async () => (await reconciliations()).reports.length === 1, 'start reconciled');
    expect((await reconciliations()).reports[0]).toMatchObject({
      trigger: 'start',
      agreed: true,
      differences: [],
    });
  });

  it('venues - a market order is placed at Binance and its fill reaches the portfolio', async () => {
    const res = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.5 },
      { 'idempotency-key': 'market-1' },
    );
    expect(res.statusCode).toBe(201);
    const clientOrderId = res.json().order.clientOrderId as string;
    expect(ordersAt(clientOrderId)).toHaveLength(1);
    await eventually(async () => (await order(clientOrderId))?.status === 'filled', 'market order filled');
    await eventually(() => holds('BTC-USDT', received(0.5)), 'position booked');
    expect(events('order.filled', clientOrderId)).toHaveLength(1);
    expect(events('order.filled', clientOrderId)[0]!.source).toBe('broker/binance-spot');
  });

  it('venues - a resting limit fills when a trade reaches it, told by the user-data stream alone', async () => {
    const res = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'limit', quantity: 0.25, price: 95 },
      { 'idempotency-key': 'limit-1' },
    );
    expect(res.statusCode).toBe(201);
    const clientOrderId = res.json().order.clientOrderId as string;
    expect((await order(clientOrderId))?.status).toBe('new');
    const polls = mock.requestsTo('/api/v3/order', 'GET').length;
    mock.trade('BTCUSDT', 94.5, 10);
    await eventually(
      async () => (await order(clientOrderId))?.status === 'filled',
      'limit filled from the stream',
    );
    // The report followed from the journal's snapshot: nothing was read over REST for it.
    expect(mock.requestsTo('/api/v3/order', 'GET').length).toBe(polls);
    await eventually(() => holds('BTC-USDT', received(0.75)), 'position booked');
    expect(events('order.filled', clientOrderId)).toHaveLength(1);
  });

  it("venues - a resting order is cancelled at Binance; the stream's report of it changes nothing more", async () => {
    const res = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'limit', quantity: 0.1, price: 60 },
      { 'idempotency-key': 'cancel-1' },
    );
    const clientOrderId = res.json().order.clientOrderId as string;
    const cancelled = await call(
      'DELETE',
      `/portfolios/${portfolio}/orders/${clientOrderId}?symbol=BTC-USDT`,
    );
    expect([cancelled.statusCode, cancelled.json().order.status]).toEqual([200, 'cancelled']);
    expect(ordersAt(clientOrderId)[0]?.status).toBe('CANCELED');
    await eventually(() => mock.book.balances.get('USDT')!.locked === 0, 'the funds released at the venue');
    expect(events('order.cancelled', clientOrderId)).toHaveLength(1);
  });

  it('venues - the venue drops in the middle of an order: it ends in a known state, placed once', async () => {
    const port = mock.port;
    const before = mock.book.orders.length;
    // The venue executes the order, then never answers, then goes away (streams and all).
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 503, afterExecute: true, hang: true });
    const placing = call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.1 },
      { 'idempotency-key': 'dropped-1' },
    );
    await eventually(() => mock.book.orders.length === before + 1, 'the venue executed the order');
    const clientOrderId = mock.book.orders.at(-1)!.clientOrderId;
    await mock.stop();
    const answer = await placing;
    expect([answer.statusCode, answer.json().error.code]).toEqual([503, 'STRATEGY_BROKER_OUTCOME_UNKNOWN']);
    // Unknown to the portfolio, unless the venue's own stream reported the order before it went
    // away (the book reports NEW, then the fill): never a state the venue did not tell.
    const known = await order(clientOrderId);
    if (known) expect(['new', 'filled']).toContain(known.status);
    // The venue comes back: the stream subscribes again and the order is looked up.
    await mock.start(port);
    await eventually(
      async () => (await order(clientOrderId))?.status === 'filled',
      'the dropped order found filled',
    );
    // New orders wait until the books were reconciled with the venue after the reconnect.
    await eventually(async () => (await reconciliations()).reconciling === null, 'reconciled');
    // The client retries with its key: the same order, nothing placed again.
    const retry = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.1 },
      { 'idempotency-key': 'dropped-1' },
    );
    expect(retry.statusCode).toBe(201);
    expect(retry.json().order).toMatchObject({ clientOrderId, status: 'filled' });
    expect(ordersAt(clientOrderId)).toHaveLength(1);
    const posts = mock.requestsTo('/api/v3/order', 'POST');
    expect(posts.filter((r) => r.params.get('newClientOrderId') === clientOrderId)).toHaveLength(1);
    expect(events('order.placed', clientOrderId)).toHaveLength(1);
    expect(events('order.filled', clientOrderId)).toHaveLength(1);
    await eventually(() => holds('BTC-USDT', received(0.85)), 'position booked');
  });

  it('venues - the venue drops before it took an order: rejected once its window closed, then placed by a retry', async () => {
    const port = mock.port;
    const before = mock.book.orders.length;
    const posted = mock.requestsTo('/api/v3/order', 'POST').length;
    // No answer and no execution: the request is lost on the way in.
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 503, hang: true });
    const placing = call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.1 },
      { 'idempotency-key': 'lost-1' },
    );
    await eventually(() => mock.requestsTo('/api/v3/order', 'POST').length > posted, 'request hanging');
    const clientOrderId = mock.requestsTo('/api/v3/order', 'POST').at(-1)!.params.get('newClientOrderId')!;
    await mock.stop();
    expect((await placing).statusCode).toBe(503);
    await mock.start(port);
    await eventually(
      async () => (await order(clientOrderId))?.status === 'rejected',
      'the lost order declared not placed',
    );
    expect(mock.book.orders.length).toBe(before);
    expect(events('order.rejected', clientOrderId)).toHaveLength(1);
    // A rejection left nothing at the venue: the same key places it now, once (reconciled first).
    await eventually(async () => (await reconciliations()).reconciling === null, 'reconciled');
    const retry = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.1 },
      { 'idempotency-key': 'lost-1' },
    );
    expect([retry.statusCode, retry.json().order.status]).toEqual([201, 'filled']);
    expect(ordersAt(clientOrderId)).toHaveLength(1);
    await eventually(() => holds('BTC-USDT', received(0.95)), 'position booked');
  });

  it('venues - divergences made while the venue was away are reconciled; new orders wait until then', async () => {
    const limit = (key: string, price: number) =>
      call(
        'POST',
        `/portfolios/${portfolio}/orders`,
        { symbol: 'BTC-USDT', side: 'buy', type: 'limit', quantity: 0.1, price },
        { 'idempotency-key': key },
      );
    // Below the last trade (94.5): both rest.
    const filled = (await limit('rec-fill', 93)).json().order.clientOrderId as string;
    const cancelled = (await limit('rec-cancel', 85)).json().order.clientOrderId as string;
    const before = await position('BTC-USDT');
    const port = mock.port;
    const orders = mock.book.orders.length;
    const reportsBefore = (await reconciliations()).reports.length;
    await mock.stop();
    await eventually(
      async () => (await reconciliations()).reconciling !== null,
      'held once the stream dropped',
    );
    // While away, at the venue: one order filled, one cancelled by the venue, USDT deposited.
    mock.trade('BTCUSDT', 92, 10);
    mock.book.cancel(new URLSearchParams({ symbol: 'BTCUSDT', origClientOrderId: cancelled }));
    mock.book.balances.get('USDT')!.free += 250;
    const refused = await limit('rec-refused', 70);
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'TRADING_RECONCILING']);
    expect(refused.json().error.details.portfolioId).toBe(portfolio);
    // The same order asked for again is no new risk: answered with the order the books hold.
    const retried = await limit('rec-cancel', 85);
    expect([retried.statusCode, retried.json().order.clientOrderId]).toEqual([201, cancelled]);
    expect(mock.book.orders.length).toBe(orders);
    await mock.start(port);
    await eventually(
      async () => (await reconciliations()).reconciling === null,
      'reconciled after the reconnect',
    );
    // The venues' beat may try while the venue is away (a report that did not agree) and may be the
    // one that finds the differences once it is back, before the stream's own run: one of the
    // reports since the drop corrected them, every other found nothing.
    const since = (await reconciliations()).reports.slice(0, -reportsBefore || undefined);
    expect(since.every((r) => r.trigger === 'reconnect')).toBe(true);
    expect(since[0]!.agreed).toBe(true);
    const differences = since.filter((r) => r.agreed).flatMap((r) => r.differences);
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'order_changed',
          clientOrderId: filled,
          venue: expect.objectContaining({ status: 'filled' }),
        }),
        expect.objectContaining({
          kind: 'order_changed',
          clientOrderId: cancelled,
          venue: expect.objectContaining({ status: 'cancelled' }),
        }),
        expect.objectContaining({ kind: 'balance', asset: 'USDT', delta: expect.closeTo(250, 6) }),
      ]),
    );
    // Only those: the fill's BTC was booked by its event, not taken for a change from outside.
    expect(differences).toHaveLength(3);
    expect(events('order.filled', filled)).toHaveLength(1);
    expect(events('order.cancelled', cancelled)).toHaveLength(1);
    const corrected = t.events.filter((e) => e.type === 'portfolio.balance.corrected');
    expect(corrected.map((e) => (e.data as { asset: string }).asset)).toEqual(['USDT']);
    expect(await holds('BTC-USDT', before + received(0.1))).toBe(true);
    // The books now say what the venue says, and orders are taken again.
    const usdt = mock.book.balances.get('USDT')!;
    const cash = (await call('GET', `/portfolios/${portfolio}`)).json<{ cash: number }>().cash;
    expect(cash).toBeCloseTo(usdt.free + usdt.locked, 6);
    const again = await limit('rec-after', 70);
    expect(again.statusCode).toBe(201);
    const id = again.json().order.clientOrderId as string;
    expect((await call('DELETE', `/portfolios/${portfolio}/orders/${id}?symbol=BTC-USDT`)).statusCode).toBe(
      200,
    );
    // Asked for: the same path, nothing left to correct.
    const asked = await call('POST', `/portfolios/${portfolio}/reconciliations`);
    expect([asked.statusCode, asked.json().trigger, asked.json().differences]).toEqual([200, 'request', []]);
  });

  it('venues - back to paper deletes the key; the next order is a paper one', async () => {
    const res = await call('DELETE', `/portfolios/${portfolio}/venue`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ portfolioId: portfolio, venue: 'paper', liveVenues: ['binance-spot'] });
    expect((await t.sql.query('select * from broker_credentials')).rows).toEqual([]);
    await eventually(() => mock.streamSubscribers === 0, 'stream closed');
    const before = mock.book.orders.length;
    const paper = await call(
      'POST',
      `/portfolios/${portfolio}/orders`,
      { symbol: 'BTC-USDT', side: 'sell', type: 'limit', quantity: 0.1, price: 500 },
      { 'idempotency-key': 'paper-1' },
    );
    expect(paper.statusCode).toBe(201);
    expect(mock.book.orders.length).toBe(before);
    // The paper venue goes through the same reconciliation: its resting order is where the books say.
    const asked = await call('POST', `/portfolios/${portfolio}/reconciliations`);
    expect(asked.json()).toMatchObject({ venue: 'paper', trigger: 'request', agreed: true, differences: [] });
    expect(asked.json().venueReport.openOrders).toEqual([
      expect.objectContaining({ clientOrderId: paper.json().order.clientOrderId, status: 'new' }),
    ]);
  });
});

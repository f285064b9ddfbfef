/**
 * A portfolio bound to Binance spot through a real `tickline start` over HTTP, against the loopback
 * venue (its REST API and its WebSocket API's user-data stream), the venue switched on by
 * configuration: a key that can withdraw is refused; a trading key binds; market and limit orders
 * go to the venue and their fills reach the portfolio; the venue dropping in the middle of an order
 * leaves it in a known state, placed once; a kill switch cancels at the venue and its flatten
 * closes a position off the lot step on the step (the rest is dust, the proof holds); and the key and secret appear in no answer and in no
 * line the process wrote (logged at debug).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';
import { simulatorBtcMock } from '@tickline/trading/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type JsonResponse } from '../testing/api-clients.ts';
import { portfolioOpened } from '../testing/portfolio-clients.ts';

const KEY = 'e2eBinanceTradingKey00000000000000000000001';
const SECRET = 'e2eBinanceTradingSecret000000000000000000001';
const WITHDRAW_KEY = 'e2eBinanceWithdrawKey0000000000000000000002';
const WITHDRAW_SECRET = 'e2eBinanceWithdrawSecret00000000000000000002';
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-binance-'));
const mock = simulatorBtcMock({
  key: KEY,
  secret: SECRET,
  withdrawKey: WITHDRAW_KEY,
  withdrawSecret: WITHDRAW_SECRET,
});
let server: RunningServer;
let token: string;
let portfolio: string;
const answers: JsonResponse[] = [];

/** One API call; every answer is kept, to check none carries the key. */
async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const answer = await callJson(server.url, method, `/api/v1${path}`, {
    bearer: token,
    ...(body === undefined ? {} : { body }),
    ...(headers === undefined ? {} : { headers }),
  });
  answers.push(answer);
  return answer;
}
const order = (key: string, body: Record<string, unknown>) =>
  api('POST', `/portfolios/${portfolio}/orders`, body, { 'idempotency-key': key });
const orderStatus = async (clientOrderId: string) =>
  (
    (await api('GET', `/portfolios/${portfolio}/orders?status=all`)).body.orders as Array<{
      clientOrderId: string;
      status: string;
    }>
  ).find((o) => o.clientOrderId === clientOrderId)?.status;
const btc = async () =>
  (
    (await api('GET', `/portfolios/${portfolio}`)).body.positions as Array<{
      symbol: string;
      quantity: number;
    }>
  ).find((p) => p.symbol === 'BTC-USDT')?.quantity ?? 0;
/** A buy of `quantity` after the venue's 0.1 % commission, taken in the base asset. */
const received = (quantity: number) => quantity * (1 - 0.001);
const eventually = (check: () => boolean | Promise<boolean>, what: string) =>
  until(check, { what, timeoutMs: 60_000, intervalMs: 100 });

beforeAll(async () => {
  await mock.start();
  server = await startTicklineServer(
    embeddedTestEnv(dataDir, {
      TICKLINE_LOG_LEVEL: 'debug',
      TICKLINE_TRADING_VENUES_BINANCE_ENABLED: 'true',
      TICKLINE_TRADING_VENUES_BINANCE_BASE_URL: mock.url,
      TICKLINE_TRADING_VENUES_BINANCE_WS_API_URL: mock.wsUrl,
      TICKLINE_TRADING_VENUES_BINANCE_REQUEST_TIMEOUT_MS: '3000',
      TICKLINE_TRADING_VENUES_BINANCE_STREAM_RECONNECT_MS: '100',
      TICKLINE_TRADING_LIVE_SYNC_MS: '500',
    }),
  );
  const user = await signUpAndIn(server.url, 'binance-e2e@example.test');
  token = user.accessToken;
  portfolio = user.userId;
  await portfolioOpened(server.url, token, portfolio);
}, 180_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await mock.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('binance venue - through tickline start over HTTP (loopback venue)', () => {
  it('a key that can withdraw is refused; a trading key binds and its stream subscribes', async () => {
    const refused = await api('PUT', `/portfolios/${portfolio}/venue`, {
      venue: 'binance-spot',
      apiKey: WITHDRAW_KEY,
      apiSecret: WITHDRAW_SECRET,
    });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'TRADING_VENUE_KEY_CAN_WITHDRAW']);
    expect((await api('GET', `/portfolios/${portfolio}/venue`)).body.venue).toBe('paper');
    const bound = await api('PUT', `/portfolios/${portfolio}/venue`, {
      venue: 'binance-spot',
      apiKey: KEY,
      apiSecret: SECRET,
    });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({
      venue: 'binance-spot',
      apiKeyHint: KEY.slice(-4),
      permissions: { withdrawals: false },
    });
    await eventually(() => mock.streamSubscribers === 1, 'user-data stream subscribed');
    // A bound portfolio takes new orders once its books were compared with the venue's (409
    // TRADING_RECONCILING before): a client waits for the first report, as a user would.
    await eventually(async () => {
      const reports = await api('GET', `/portfolios/${portfolio}/reconciliations`);
      return reports.body.reconciling === null && reports.body.reports.length > 0;
    }, 'start reconciled');
  });

  it('a market order fills at the venue and the portfolio holds it', async () => {
    const placed = await order('e2e-market', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 0.01,
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(mock.book.orders.filter((o) => o.clientOrderId === placed.body.order.clientOrderId)).toHaveLength(
      1,
    );
    await eventually(async () => Math.abs((await btc()) - received(0.01)) < 1e-9, 'market fill booked');
  });

  it('a resting limit fills when a trade reaches it, from the user-data stream', async () => {
    const placed = await order('e2e-limit', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      quantity: 0.01,
      price: 59_000,
    });
    expect(placed.status).toBe(201);
    const id = placed.body.order.clientOrderId as string;
    expect(await orderStatus(id)).toBe('new');
    mock.trade('BTCUSDT', 58_900, 1);
    await eventually(async () => (await orderStatus(id)) === 'filled', 'limit filled');
    await eventually(async () => Math.abs((await btc()) - received(0.02)) < 1e-9, 'limit fill booked');
    const venue = await api('GET', `/portfolios/${portfolio}/venue`);
    expect(venue.body.balances).toEqual(expect.arrayContaining([expect.objectContaining({ asset: 'BTC' })]));
  });

  it('the venue drops in the middle of an order: it ends filled and is placed once', async () => {
    const port = mock.port;
    const before = mock.book.orders.length;
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 503, afterExecute: true, hang: true });
    const placing = order('e2e-dropped', { symbol: 'BTC-USDT', side: 'buy', type: 'market', quantity: 0.01 });
    await eventually(() => mock.book.orders.length === before + 1, 'the venue executed the order');
    const id = mock.book.orders.at(-1)!.clientOrderId;
    await mock.stop();
    const answer = await placing;
    expect([answer.status, answer.body.error.code]).toEqual([503, 'STRATEGY_BROKER_OUTCOME_UNKNOWN']);
    await mock.start(port);
    await eventually(async () => (await orderStatus(id)) === 'filled', 'the dropped order found and filled');
    const retry = await order('e2e-dropped', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 0.01,
    });
    expect([retry.status, retry.body.order.clientOrderId, retry.body.order.status]).toEqual([
      201,
      id,
      'filled',
    ]);
    expect(mock.book.orders.filter((o) => o.clientOrderId === id)).toHaveLength(1);
    expect(
      mock.requestsTo('/api/v3/order', 'POST').filter((r) => r.params.get('newClientOrderId') === id),
    ).toHaveLength(1);
    await eventually(
      async () => Math.abs((await btc()) - received(0.03)) < 1e-9,
      'dropped order booked once',
    );
    // The stream dropped with the venue, so the portfolio is held until its books were compared
    // again (409 TRADING_RECONCILING before): a client waits for that report, as a user would.
    await eventually(async () => {
      const reports = await api('GET', `/portfolios/${portfolio}/reconciliations`);
      return (
        reports.body.reconciling === null &&
        (reports.body.reports as Array<{ trigger: string }>).some((r) => r.trigger === 'reconnect')
      );
    }, 'reconciled after the venue came back');
  });

  it('the kill switch: a resting limit is cancelled at the venue, and the halt proof says so', async () => {
    const placed = await order('e2e-halt-limit', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      quantity: 0.01,
      price: 50_000,
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const id = placed.body.order.clientOrderId as string;
    const engaged = await api('POST', `/portfolios/${portfolio}/kill-switch`, {
      reason: 'e2e halt at the venue',
    });
    expect(engaged.status, JSON.stringify(engaged.body)).toBe(200);
    expect(engaged.body.cancelled).toBe(1);
    // The venue itself holds the order cancelled, and the proof, read again, rests on its answer
    expect(mock.book.orders.find((o) => o.clientOrderId === id)?.status).toBe('CANCELED');
    const proof = (await api('GET', `/halts/${engaged.body.haltId as string}`)).body.proofs[0];
    expect(proof).toMatchObject({ halted: true, ordersAfter: [], problems: [] });
    expect(proof.cancels).toEqual([expect.objectContaining({ clientOrderId: id, confirmed: true })]);
    expect(proof.cancels[0].cancelledAt).toBeGreaterThanOrEqual(proof.engagedAt);
    // An order after the switch never reaches the venue
    const sent = mock.requestsTo('/api/v3/order', 'POST').length;
    const refused = await order('e2e-after-halt', {
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 0.01,
    });
    expect(refused.status).toBe(422);
    expect(mock.requestsTo('/api/v3/order', 'POST')).toHaveLength(sent);
    expect((await api('GET', `/halts/${engaged.body.haltId as string}`)).body.proofs[0]).toMatchObject({
      halted: true,
      refusedAfter: 1,
    });
  });

  it('flatten: a position off the lot step is closed on the step, flat with the rest as dust', async () => {
    // 0.03 BTC bought with the commission taken in BTC: 0.02997, off the venue's 0.0001 step
    const held = await btc();
    expect(held).toBeCloseTo(received(0.03), 9);
    const engaged = await api('POST', `/portfolios/${portfolio}/kill-switch`, {
      reason: 'e2e flatten at the venue',
      flatten: true,
    });
    expect(engaged.status, JSON.stringify(engaged.body)).toBe(200);
    const haltId = engaged.body.haltId as string;
    // The venue took the close rounded down to its step (a whole 0.02997 is refused: LOT_SIZE)
    const closes = mock.book.orders.filter((o) => o.clientOrderId.startsWith('halt-'));
    expect(closes.map((o) => [o.side, o.origQty, o.status])).toEqual([['SELL', 0.0299, 'FILLED']]);
    // The proof holds once the close's fill is booked: flat, with the remainder named as dust
    let proof: Record<string, any> = {};
    await eventually(async () => {
      proof = (await api('GET', `/halts/${haltId}`)).body.proofs[0];
      return proof.flat?.done === true;
    }, 'the close filled');
    expect(proof).toMatchObject({ halted: true, problems: [], ordersAfter: [] });
    expect(proof.flat.closes).toEqual([
      expect.objectContaining({ side: 'sell', quantity: 0.0299, status: 'filled', filledQuantity: 0.0299 }),
    ]);
    expect(proof.flat.dust).toEqual([{ symbol: 'BTC-USDT', quantity: expect.closeTo(0.00007, 9) }]);
    await eventually(async () => Math.abs((await btc()) - 0.00007) < 1e-9, 'the portfolio holds only dust');
  });

  it('the key and the secret are in no answer and in no line the process wrote', () => {
    const output = server.output();
    expect(output.length).toBeGreaterThan(1_000);
    expect(output).toContain('portfolio bound to a live venue');
    for (const secret of [KEY, SECRET, WITHDRAW_KEY, WITHDRAW_SECRET]) {
      expect(output).not.toContain(secret);
      for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
  });
});

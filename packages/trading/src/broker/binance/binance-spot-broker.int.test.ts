import type { Clock } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { closeLot } from '../../halt/close-lot.ts';
import { runBrokerContract } from '../contract/broker-contract.ts';
import { strategyClientOrderId } from '../client-order-id.ts';
import { type PlaceOrderInput, PlaceOrderRequestSchema } from '../order.ts';
import { BinanceSpotMock, type BinanceSpotMockOptions } from '../testing/binance-spot-mock.ts';
import { createBinanceSpotBroker, type BinanceSpotBroker } from './binance-spot-broker.ts';
import { BinanceSpotConfigSchema } from './config.ts';

const API_KEY = 'test-api-key';
const API_SECRET = 'test-api-secret-0123456789';
const PORTFOLIO = 'portfolio-1';

function mockOptions(extra: Partial<BinanceSpotMockOptions> = {}): BinanceSpotMockOptions {
  return {
    apiKey: API_KEY,
    apiSecret: API_SECRET,
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
      {
        symbol: 'ETHUSDT',
        base: 'ETH',
        quote: 'USDT',
        lastPrice: 10,
        stepSize: 0.001,
        minQty: 0.001,
        tickSize: 0.01,
        minNotional: 5,
        status: 'BREAK',
      },
    ],
    balances: { USDT: 10_000 },
    ...extra,
  };
}

/** A clock the test can shift, on top of wall time (the mock venue runs on wall time). */
function shiftableClock(): Clock & { shift: number } {
  const clock = { shift: 0, now: () => Date.now() + clock.shift, monotonic: () => performance.now() };
  return clock;
}

async function startVenue(
  extra: Partial<BinanceSpotMockOptions> = {},
  config: Record<string, unknown> = {},
  credentials = { apiKey: API_KEY, apiSecret: API_SECRET },
): Promise<{ mock: BinanceSpotMock; broker: BinanceSpotBroker; clock: Clock & { shift: number } }> {
  const mock = new BinanceSpotMock(mockOptions(extra));
  await mock.start();
  const clock = shiftableClock();
  const broker = createBinanceSpotBroker({
    portfolioId: PORTFOLIO,
    credentials,
    config: BinanceSpotConfigSchema.parse({ enabled: true, baseUrl: mock.url, ...config }),
    clock,
  });
  return { mock, broker, clock };
}

runBrokerContract('binance spot (loopback mock)', {
  create: async () => {
    const { mock, broker } = await startVenue();
    return {
      broker,
      portfolioId: PORTFOLIO,
      trade: async (symbol, price, quantity) => mock.trade(symbol.replace('-', ''), price, quantity),
      cleanup: () => mock.stop(),
    };
  },
});

let n = 0;
const order = (fields: Partial<PlaceOrderInput> = {}) =>
  PlaceOrderRequestSchema.parse({
    portfolioId: PORTFOLIO,
    clientOrderId: strategyClientOrderId({
      strategyId: 'binance-test',
      version: 1,
      candleCloseTime: Date.now(),
      leg: ++n,
    }),
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'market',
    quantity: 1,
    origin: { kind: 'manual', userId: 'u1' },
    ...fields,
  });

describe('binance spot broker - signing and the receive window', () => {
  let mock: BinanceSpotMock | undefined;
  afterEach(async () => mock?.stop());

  it('is refused by the venue with a wrong secret or key', async () => {
    const badSecret = await startVenue({}, {}, { apiKey: API_KEY, apiSecret: 'wrong' });
    mock = badSecret.mock;
    const refused = await badSecret.broker.place(order());
    expect(refused).toMatchObject({ status: 'rejected', rejectReason: 'auth_failed' });
    expect(refused.detail).toContain('-1022');
    await mock.stop();
    const badKey = await startVenue({}, {}, { apiKey: 'nope', apiSecret: API_SECRET });
    mock = badKey.mock;
    expect(await badKey.broker.place(order())).toMatchObject({
      status: 'rejected',
      rejectReason: 'auth_failed',
    });
    expect(mock.book.balances.get('USDT')?.free).toBe(10_000);
  });

  it('signs on the venue clock: a venue 30 s ahead still takes orders (offset from GET /api/v3/time)', async () => {
    const venue = await startVenue({ clockOffsetMs: 30_000 });
    mock = venue.mock;
    expect(await venue.broker.place(order())).toMatchObject({ status: 'filled' });
    expect(Math.abs(venue.broker.clockOffsetMs - 30_000)).toBeLessThan(2_000);
    const sent = mock.requestsTo('/api/v3/order', 'POST')[0]!;
    expect(Number(sent.params.get('recvWindow'))).toBe(5_000);
    expect(sent.params.get('signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resyncs and retries once when the venue clock drifts past the receive window (-1021)', async () => {
    const venue = await startVenue({}, { recvWindowMs: 1_000 });
    mock = venue.mock;
    expect(await venue.broker.place(order())).toMatchObject({ status: 'filled' });
    const syncs = mock.requestsTo('/api/v3/time').length;
    mock.clockOffsetMs = 20_000; // the venue jumps ahead: our timestamps are now 20 s old
    expect(await venue.broker.place(order())).toMatchObject({ status: 'filled' });
    expect(mock.requestsTo('/api/v3/time').length).toBe(syncs + 1);
    expect(mock.requests.some((r) => r.status === 400 && r.path === '/api/v3/order')).toBe(true);
  });

  it('refuses a receive window over 60 s in config', () => {
    expect(BinanceSpotConfigSchema.safeParse({ recvWindowMs: 60_001 }).success).toBe(false);
    expect(BinanceSpotConfigSchema.parse({})).toMatchObject({
      enabled: false,
      baseUrl: 'https://testnet.binance.vision',
      recvWindowMs: 5_000,
    });
  });
});

describe('binance spot broker - rejections and rate limits', () => {
  let mock: BinanceSpotMock | undefined;
  afterEach(async () => mock?.stop());

  it('maps filter failures and a closed market to rejections', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    expect(await venue.broker.place(order({ quantity: 0.0001 }))).toMatchObject({
      rejectReason: 'invalid_order',
      detail: expect.stringContaining('LOT_SIZE'),
    });
    expect(await venue.broker.place(order({ type: 'limit', price: 95.001 }))).toMatchObject({
      rejectReason: 'invalid_order',
    });
    expect(await venue.broker.place(order({ type: 'stop', price: 90, side: 'buy' }))).toMatchObject({
      rejectReason: 'invalid_order',
    });
    expect(await venue.broker.place(order({ symbol: 'ETH-USDT' }))).toMatchObject({
      rejectReason: 'market_closed',
    });
  });

  it('stops sending after a 429 until Retry-After has passed', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    mock.inject({
      method: 'POST',
      path: '/api/v3/order',
      status: 429,
      code: -1003,
      msg: 'Too much request weight used',
      retryAfterSec: 2,
    });
    expect(await venue.broker.place(order())).toMatchObject({
      status: 'rejected',
      rejectReason: 'rate_limited',
      retryAfterMs: 2_000,
    });
    const sent = mock.requests.length;
    const blocked = await venue.broker.place(order());
    expect(blocked).toMatchObject({ rejectReason: 'rate_limited' });
    expect(blocked.retryAfterMs).toBeGreaterThan(0);
    expect(mock.requests.length).toBe(sent); // nothing went out
    await expect(venue.broker.openOrders({ portfolioId: PORTFOLIO })).rejects.toMatchObject({
      code: 'STRATEGY_BROKER_VENUE_UNAVAILABLE',
    });
    venue.clock.shift += 2_001;
    expect(await venue.broker.place(order())).toMatchObject({ status: 'filled' });
  });

  it('treats a 418 ban as a rate limit too', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    mock.inject({
      method: 'POST',
      path: '/api/v3/order',
      status: 418,
      code: -1003,
      msg: 'IP banned',
      retryAfterSec: 120,
    });
    expect(await venue.broker.place(order())).toMatchObject({
      rejectReason: 'rate_limited',
      retryAfterMs: 120_000,
    });
  });
});

describe('binance spot broker - lost answers and idempotency', () => {
  let mock: BinanceSpotMock | undefined;
  afterEach(async () => mock?.stop());

  it('a 503 after the order executed is resolved by looking the id up: one order', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 503, afterExecute: true });
    const placed = await venue.broker.place(order());
    expect(placed).toMatchObject({ status: 'filled', origin: { kind: 'manual' } });
    expect(mock.book.orders).toHaveLength(1);
  });

  it('a timed-out request that did execute is found; one that did not is an unknown outcome, safe to retry', async () => {
    const venue = await startVenue({}, { requestTimeoutMs: 300 });
    mock = venue.mock;
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 0, hang: true, afterExecute: true });
    expect(await venue.broker.place(order())).toMatchObject({ status: 'filled' });
    const request = order();
    mock.inject({ method: 'POST', path: '/api/v3/order', status: 0, hang: true });
    await expect(venue.broker.place(request)).rejects.toMatchObject({
      code: 'STRATEGY_BROKER_OUTCOME_UNKNOWN',
    });
    expect(await venue.broker.place(request)).toMatchObject({ status: 'filled' });
    expect(await venue.broker.place(request)).toMatchObject({ status: 'filled' });
    expect(mock.book.orders).toHaveLength(2);
  });

  it('does not place blind when the look-up before placing fails', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    mock.inject({ method: 'GET', path: '/api/v3/order', status: 503 });
    await expect(venue.broker.place(order())).rejects.toMatchObject({
      code: 'STRATEGY_BROKER_VENUE_UNAVAILABLE',
    });
    expect(mock.requestsTo('/api/v3/order', 'POST')).toHaveLength(0);
  });

  it('fills carry the venue trade ids and commission (from myTrades)', async () => {
    const venue = await startVenue();
    mock = venue.mock;
    const placed = await venue.broker.place(order({ type: 'limit', price: 99, quantity: 2 }));
    mock.trade('BTCUSDT', 99, 0.5);
    const half = await venue.broker.order({
      portfolioId: PORTFOLIO,
      symbol: 'BTC-USDT',
      clientOrderId: placed.clientOrderId,
    });
    expect(half?.fills).toEqual([
      {
        tradeId: String(mock.book.trades[0]!.id),
        price: 99,
        quantity: 0.5,
        fee: 0.0005,
        feeAsset: 'BTC',
        time: expect.any(Number),
      },
    ]);
    expect(await venue.broker.balances(PORTFOLIO)).toEqual(
      expect.arrayContaining([
        { asset: 'USDT', free: 10_000 - 198, locked: 148.5 },
        { asset: 'BTC', free: 0.4995, locked: 0 },
      ]),
    );
  });
});

describe('binance spot broker - guards', () => {
  it('is off unless enabled, and serves only its own portfolio', async () => {
    expect(() =>
      createBinanceSpotBroker({
        portfolioId: PORTFOLIO,
        credentials: { apiKey: 'k', apiSecret: 's' },
        config: BinanceSpotConfigSchema.parse({}),
      }),
    ).toThrow(expect.objectContaining({ code: 'STRATEGY_BROKER_LIVE_DISABLED' }));
    const venue = await startVenue();
    try {
      await expect(venue.broker.place(order({ portfolioId: 'someone-else' }))).rejects.toMatchObject({
        code: 'STRATEGY_BROKER_WRONG_PORTFOLIO',
      });
      expect(venue.mock.requests).toHaveLength(0);
    } finally {
      await venue.mock.stop();
    }
  });
});

describe('binance spot broker - lot rules for a flatten close', () => {
  let mock: BinanceSpotMock | undefined;
  afterEach(async () => mock?.stop());

  it('reads LOT_SIZE and NOTIONAL from the public exchange info once, and its close is taken', async () => {
    const venue = await startVenue({ balances: { USDT: 10_000, BTC: 0.0997 } });
    mock = venue.mock;
    const rules = await venue.broker.lotRules('BTC-USDT');
    expect(rules).toEqual({ stepSize: 0.001, minQty: 0.001, minNotional: 5 });
    await venue.broker.lotRules('BTC-USDT');
    expect(mock.requestsTo('/api/v3/exchangeInfo', 'GET')).toHaveLength(1);
    // A position off the step is refused whole (LOT_SIZE) and taken rounded down to it
    const whole = await venue.broker.place(order({ side: 'sell', quantity: 0.0997 }));
    expect(whole).toMatchObject({ status: 'rejected' });
    expect(whole.detail).toContain('LOT_SIZE');
    const lot = closeLot(0.0997, rules, 100);
    expect(lot).toEqual({ quantity: 0.099, dust: 0.0007 });
    expect(await venue.broker.place(order({ side: 'sell', quantity: lot.quantity }))).toMatchObject({
      status: 'filled',
      filledQuantity: 0.099,
    });
    // Under the minimum notional at the venue's price nothing can be sent: all of it is dust
    expect(closeLot(0.0007, rules, 100)).toEqual({ quantity: 0, dust: 0.0007 });
  });
});

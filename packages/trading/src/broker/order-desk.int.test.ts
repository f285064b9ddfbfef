import { type Clock, createMetricsRegistry, type Registry } from '@tickline/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engageKillSwitch, KILL_SWITCH_OFF, type KillSwitchState } from '../risk/kill-switch.ts';
import { type RiskLimits, RiskLimitsSchema } from '../risk/risk-limits.ts';
import { createBinanceSpotBroker } from './binance/binance-spot-broker.ts';
import { BinanceSpotConfigSchema } from './binance/config.ts';
import { strategyClientOrderId } from './client-order-id.ts';
import { OrderDesk, type PortfolioRiskView } from './order-desk.ts';
import { createPgliteSql } from '@tickline/store';
import { InMemoryOrderJournal } from './order-journal.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { SqlOrderJournal } from './sql/sql-order-journal.ts';
import { type PlaceOrderInput, PlaceOrderRequestSchema } from './order.ts';
import type { OrderLifecycleEvent } from './order-transitions.ts';
import { BinanceSpotMock } from './testing/binance-spot-mock.ts';

const P = 'portfolio-1';
let mock: BinanceSpotMock;
let desk: OrderDesk;
let events: OrderLifecycleEvent[];
let limits: RiskLimits;
let killSwitch: KillSwitchState;
let registry: Registry;
const clock: Clock & { shift: number } = {
  shift: 0,
  now: () => Date.now() + clock.shift,
  monotonic: () => performance.now(),
};

// The portfolio ledger does not exist yet: a flat portfolio with fixed equity stands in for it.
const portfolios: PortfolioRiskView = {
  riskSnapshot: async () => ({ positionQuantity: 0, markPrice: 100, dayStartEquity: 10_000, equity: 10_000 }),
  riskLimits: async () => limits,
  killSwitch: async () => killSwitch,
};

let leg = 0;
const request = (fields: Partial<PlaceOrderInput> = {}) =>
  PlaceOrderRequestSchema.parse({
    portfolioId: P,
    clientOrderId: strategyClientOrderId({
      strategyId: 'desk',
      version: 1,
      candleCloseTime: 1_763_800_000_000,
      leg: ++leg,
    }),
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'market',
    quantity: 1,
    origin: { kind: 'strategy', strategyId: 'desk', version: 1, candleCloseTime: 1_763_800_000_000 },
    ...fields,
  });
const types = () => events.map((e) => e.type);

beforeEach(async () => {
  mock = new BinanceSpotMock({
    apiKey: 'k',
    apiSecret: 's',
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
  });
  await mock.start();
  events = [];
  limits = RiskLimitsSchema.parse({});
  killSwitch = KILL_SWITCH_OFF;
  clock.shift = 0;
  const broker = createBinanceSpotBroker({
    portfolioId: P,
    credentials: { apiKey: 'k', apiSecret: 's' },
    config: BinanceSpotConfigSchema.parse({ enabled: true, baseUrl: mock.url }),
    clock,
  });
  registry = createMetricsRegistry({ processMetrics: false });
  desk = new OrderDesk({
    broker,
    journal: new InMemoryOrderJournal(),
    portfolios,
    clock,
    emit: (e) => events.push(e),
    metrics: registry,
  });
});
afterEach(() => mock.stop());

describe('order desk - events once per fact', () => {
  it('a market order emits placed and filled once; placing it again emits nothing and sends nothing', async () => {
    const order = request();
    const [a, b] = await Promise.all([desk.place(order), desk.place(order)]);
    expect(a).toBe(b);
    expect(types()).toEqual(['order.placed', 'order.filled']);
    expect(events[1]).toMatchObject({
      data: { partial: false, origin: { kind: 'strategy', strategyId: 'desk' }, venue: 'binance-spot' },
    });
    const sent = mock.requests.length;
    await desk.place(order);
    expect(types()).toHaveLength(2);
    expect(mock.requests.length).toBe(sent);
  });

  it('sync() turns venue fills of resting orders into events, once', async () => {
    await desk.place(request({ type: 'limit', price: 95, quantity: 2 }));
    mock.trade('BTCUSDT', 95, 0.5);
    expect(await desk.sync(P)).toBe(1);
    mock.trade('BTCUSDT', 95, 5);
    expect(await desk.sync(P)).toBe(1);
    expect(await desk.sync(P)).toBe(0);
    expect(
      events.map((e) => (e.type === 'order.filled' ? `filled ${e.data.filledQuantity}` : e.type)),
    ).toEqual(['order.placed', 'filled 0.5', 'filled 2']);
  });

  it('a rejected attempt may be tried again with the same id', async () => {
    const order = request();
    mock.inject({
      method: 'POST',
      path: '/api/v3/order',
      status: 429,
      code: -1003,
      msg: 'Too much request weight used',
      retryAfterSec: 1,
    });
    expect(await desk.place(order)).toMatchObject({ status: 'rejected', rejectReason: 'rate_limited' });
    expect(await desk.place(order)).toMatchObject({ status: 'rejected' });
    expect(types()).toEqual(['order.rejected']);
    clock.shift += 1_001;
    expect(await desk.place(order)).toMatchObject({ status: 'filled' });
    expect(types()).toEqual(['order.rejected', 'order.placed', 'order.filled']);
  });
});

describe('order desk - bad input and metrics', () => {
  it('refuses malformed orders with a code, changing nothing and emitting nothing', async () => {
    for (const quantity of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
      const bad = { ...request(), quantity };
      await expect(desk.place(bad)).rejects.toMatchObject({ code: 'STRATEGY_BROKER_REQUEST_INVALID' });
    }
    await expect(desk.place({ ...request(), type: 'limit', price: undefined })).rejects.toMatchObject({
      code: 'STRATEGY_BROKER_REQUEST_INVALID',
    });
    expect(events).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it('counts outcomes by venue and reason, and times the venue', async () => {
    // The position limit off, so the oversized order reaches the venue and is refused there.
    limits = RiskLimitsSchema.parse({ maxPositionPercent: 0 });
    await desk.place(request());
    await desk.place(request({ quantity: 1_000 }));
    const text = await registry.metrics();
    expect(text).toContain('tickline_broker_orders_total{venue="binance-spot",outcome="placed",reason=""} 1');
    expect(text).toContain(
      'tickline_broker_orders_total{venue="binance-spot",outcome="rejected",reason="insufficient_funds"} 1',
    );
    expect(text).toContain('tickline_broker_place_seconds_count{venue="binance-spot"} 2');
  });
});

describe('order desk - risk and the kill switch', () => {
  it('refuses past the orders-per-minute limit without reaching the venue', async () => {
    limits = RiskLimitsSchema.parse({ maxOrdersPerMinute: 2 });
    await desk.place(request());
    await desk.place(request());
    const posts = mock.requestsTo('/api/v3/order', 'POST').length;
    const third = await desk.place(request());
    expect(third).toMatchObject({
      status: 'rejected',
      rejectReason: 'risk_limit',
      detail: expect.stringContaining('max_orders_per_minute'),
    });
    expect(mock.requestsTo('/api/v3/order', 'POST')).toHaveLength(posts);
    expect(events.at(-1)).toMatchObject({ type: 'order.rejected', data: { reason: 'risk_limit' } });
    clock.shift += 60_001;
    expect(await desk.place(request())).toMatchObject({ status: 'filled' });
  });

  it('with the switch engaged, new orders are rejected and open ones cancelled', async () => {
    await desk.place(request({ type: 'limit', price: 90 }));
    await desk.place(request({ type: 'limit', price: 91 }));
    killSwitch = engageKillSwitch(KILL_SWITCH_OFF, 'user', { by: 'u1', at: clock.now(), reason: 'stop' });
    expect(await desk.place(request())).toMatchObject({ status: 'rejected', rejectReason: 'kill_switch' });
    const cancelled = await desk.cancelAll(P, killSwitch);
    expect(cancelled.map((o) => o.status)).toEqual(['cancelled', 'cancelled']);
    expect(mock.book.orders.every((o) => o.status === 'CANCELED')).toBe(true);
    expect(
      events
        .filter((e) => e.type === 'order.cancelled')
        .map((e) => e.type === 'order.cancelled' && e.data.detail),
    ).toEqual(['kill switch', 'kill switch']);
    expect(mock.book.balances.get('USDT')).toEqual({ free: 10_000, locked: 0 });
  });
});

describe('order desk - restart', () => {
  it('a desk on the SQL journal that restarts recognises the ids it placed: no new order, no new events', async () => {
    const sql = await createPgliteSql({ memory: true });
    try {
      await migrateForTrading(sql);
      const broker = createBinanceSpotBroker({
        portfolioId: P,
        credentials: { apiKey: 'k', apiSecret: 's' },
        config: BinanceSpotConfigSchema.parse({ enabled: true, baseUrl: mock.url }),
        clock,
      });
      const deskOn = (emitted: OrderLifecycleEvent[]) =>
        new OrderDesk({
          broker,
          journal: new SqlOrderJournal(sql, broker.venue),
          portfolios,
          clock,
          emit: (e) => emitted.push(e),
        });
      const before: OrderLifecycleEvent[] = [];
      const market = request();
      const resting = request({ type: 'limit', price: 95, quantity: 1 });
      await deskOn(before).place(market);
      await deskOn(before).place(resting);
      expect(before.map((e) => e.type)).toEqual(['order.placed', 'order.filled', 'order.placed']);

      const after: OrderLifecycleEvent[] = [];
      const restarted = deskOn(after);
      const posts = mock.requestsTo('/api/v3/order', 'POST').length;
      expect(await restarted.place(market)).toMatchObject({ status: 'filled', origin: { kind: 'strategy' } });
      expect(await restarted.place(resting)).toMatchObject({ status: 'new' });
      expect(mock.requestsTo('/api/v3/order', 'POST')).toHaveLength(posts);
      mock.trade('BTCUSDT', 95);
      expect(await restarted.sync(P)).toBe(1);
      expect(after.map((e) => e.type)).toEqual(['order.filled']);
      expect(mock.book.orders).toHaveLength(2);
    } finally {
      await sql.close();
    }
  }, 60_000);
});

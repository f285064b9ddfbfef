import { createInMemoryEventLog } from '@tickline/eventlog';
import {
  createEventSource,
  defineEvent,
  encodeEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manualClientOrderId } from '../broker/client-order-id.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { resolveBacktestSettings } from '@tickline/strategy/internal';
import { createLiveHost, type LiveHost } from './live-host.ts';

const Snapshot = defineEvent({ type: 'account.snapshot.generated', description: 'test', schema: z.any() });
const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const Trade = defineEvent({ type: 'market.trade', description: 'test', schema: z.any() });
const P = '5e0c2a1b-7d3f-4e8a-9c6b-0f1e2d3c4b5a';
const T0 = Date.UTC(2026, 0, 1);
const SYMBOL = 'BTC-USDT';

/**
 * The order path a manual order takes in a strategy process (live-host: order desk, paper venue,
 * runner on the candle consumer, SQL journal), fed market events through the log.
 */
describe('live - manual market orders fill at the next price after acceptance', () => {
  let sql: Sql;
  let host: LiveHost;
  let append: (events: EventEnvelope[]) => Promise<void>;
  const clock = new ManualClock(T0);
  const source = createEventSource({ source: 'test', clock });
  const settings = resolveBacktestSettings({ startingCapital: 10_000, takerFee: 0.002 });

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForTrading(sql);
    const log = createInMemoryEventLog({ name: 'main' });
    append = async (events) => {
      await log.append(
        events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
      );
    };
    host = createLiveHost({
      eventLog: log,
      publish: (e) => void append([e]),
      sql,
      clock,
      member: 'm1',
      symbols: new Set([SYMBOL]),
      settings,
      risk: RiskLimitsSchema.parse({}),
      load: async () => ({ onCandle() {} }),
      history: async () => [],
    });
    await append([
      source.create(Snapshot, {
        subject: P,
        data: {
          accountId: P,
          tier: 'free',
          currency: 'USDT',
          cash: '10000.00',
          positions: [],
          generatedAt: '',
        },
      }),
    ]);
    for (const s of host.services)
      await s.start({ logger: silentLogger, fail: (e) => expect.fail(String(e)) });
    await settle();
    // The last 1-minute close before any order: 100.
    await candle('1m', T0 - 60_000, 100);
  }, 60_000);
  afterAll(async () => {
    for (const s of host?.services ?? []) await s.stop();
    await sql?.close();
  });

  async function settle(): Promise<void> {
    for (const s of host.services) await s.idle();
  }
  async function candle(interval: '1s' | '1m', openTime: number, close: number, low = close): Promise<void> {
    const closeTime = openTime + (interval === '1s' ? 1_000 : 60_000);
    await append([
      source.create(Candle, {
        subject: SYMBOL,
        data: {
          symbol: SYMBOL,
          interval,
          openTime,
          closeTime,
          open: close,
          high: close,
          low,
          close,
          volume: 1,
          correction: false,
          incomplete: false,
        },
      }),
    ]);
    await settle();
  }
  async function trade(price: number, at: number): Promise<void> {
    await append([
      source.create(Trade, {
        subject: SYMBOL,
        data: {
          exchange: 'sim',
          symbol: SYMBOL,
          tradeId: `t${at}`,
          price,
          size: 1,
          side: 'buy',
          exchangeTime: at,
          receivedAt: at,
        },
      }),
    ]);
    await settle();
  }
  const place = (key: string, fields: { side: 'buy' | 'sell'; type?: 'market' | 'limit'; price?: number }) =>
    host.desk.place({
      portfolioId: P,
      clientOrderId: manualClientOrderId('u1', key),
      symbol: SYMBOL,
      type: 'market',
      quantity: 1,
      origin: { kind: 'manual', userId: 'u1' },
      ...fields,
    });
  const journalled = async (key: string) =>
    (await host.journal.recent(P, 50)).find((o) => o.clientOrderId === manualClientOrderId('u1', key));

  it('is accepted, then filled at the close of the next 1-second candle, not at the stale 1-minute close', async () => {
    clock.advance(T0 + 30_000 - clock.now());
    const accepted = await place('buy-1', { side: 'buy' });
    expect(accepted).toMatchObject({ status: 'new', filledQuantity: 0 });

    await candle('1s', T0 + 30_000, 105);
    const filled = await journalled('buy-1');
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(filled!.fills).toEqual([expect.objectContaining({ price: 105, quantity: 1, fee: 105 * 0.002 })]);
    expect(host.books.position(P, SYMBOL)).toMatchObject({ quantity: 1, averagePrice: 105 });
    expect(host.books.cash(P)).toBeCloseTo(10_000 - 105 - 105 * 0.002, 9);
  });

  it('fills at the price of the next trade when trades reach the process first', async () => {
    clock.advance(T0 + 31_500 - clock.now());
    expect(await place('sell-1', { side: 'sell' })).toMatchObject({ status: 'new' });
    await trade(103, T0 + 31_600);
    const filled = await journalled('sell-1');
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(filled!.fills[0]).toMatchObject({ price: 103 });
    expect(host.books.position(P, SYMBOL)?.quantity ?? 0).toBe(0);
    // A trade with no market order waiting changes nothing.
    await trade(90, T0 + 31_700);
    expect((await host.journal.recent(P, 50)).filter((o) => o.status === 'filled')).toHaveLength(2);
  });

  it('leaves limit orders resting until a bar of the fill interval crosses them', async () => {
    clock.advance(T0 + 32_000 - clock.now());
    expect(await place('limit-1', { side: 'buy', type: 'limit', price: 95 })).toMatchObject({
      status: 'new',
    });
    // A 1-second candle through the limit price does not fill it: limits rest as the backtest's.
    await candle('1s', T0 + 32_000, 96, 94);
    expect(await journalled('limit-1')).toMatchObject({ status: 'new' });
    await candle('1m', T0, 96, 94);
    expect(await journalled('limit-1')).toMatchObject({ status: 'filled' });
    expect((await journalled('limit-1'))!.fills[0]).toMatchObject({ price: 95 });
  });
});

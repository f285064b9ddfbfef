import { describe, expect, it } from 'vitest';
import {
  CONTRACT_START_CASH,
  CONTRACT_START_PRICE,
  CONTRACT_SYMBOL,
  runBrokerContract,
} from '../broker/contract/broker-contract.ts';
import { PlaceOrderRequestSchema, type PlaceOrderInput } from '../broker/order.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { coreFillModel } from './core-fill-model.ts';
import { createPaperBroker } from './paper-broker.ts';

runBrokerContract('paper', {
  create: async () => {
    const ledger = new CorePortfolioLedger();
    ledger.open('p1', CONTRACT_START_CASH, []);
    const broker = createPaperBroker({
      fillModel: coreFillModel({ makerFee: 0.001, takerFee: 0.002, slippage: { kind: 'bps', bps: 5 } }),
      ledger,
      symbols: new Set([CONTRACT_SYMBOL, 'ETH-USDT']),
      lastPrice: (symbol) => (symbol === CONTRACT_SYMBOL ? CONTRACT_START_PRICE : undefined),
    });
    let t = 1_000;
    return {
      broker,
      portfolioId: 'p1',
      trade: async (symbol, price, quantity) => {
        await broker.onBar({
          symbol,
          interval: '1m',
          open: price,
          high: price,
          low: price,
          close: price,
          volume: quantity ?? Infinity,
          time: ++t,
        });
      },
    };
  },
});

describe('paper broker on a hand-computed tape', () => {
  const origin = { kind: 'manual', userId: 'u1' } as const;
  let n = 0;
  const req = (fields: Partial<PlaceOrderInput>) =>
    PlaceOrderRequestSchema.parse({
      portfolioId: 'p1',
      clientOrderId: `c${++n}`,
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 1,
      origin,
      ...fields,
    });
  const setup = (cash: number) => {
    const ledger = new CorePortfolioLedger();
    ledger.open('p1', cash, []);
    const broker = createPaperBroker({
      // maker 0.1 %, taker 0.2 %, slippage 10 % of the bar's range against the order.
      fillModel: coreFillModel({
        makerFee: 0.001,
        takerFee: 0.002,
        slippage: { kind: 'range', fraction: 0.1 },
      }),
      ledger,
      symbols: new Set(['BTC-USDT']),
      lastPrice: () => 100,
      marketFill: 'next-bar',
      now: () => 0,
    });
    return broker;
  };
  const bar = (open: number, high: number, low: number, close: number, time: number) => ({
    symbol: 'BTC-USDT',
    interval: '1m',
    open,
    high,
    low,
    close,
    volume: Infinity,
    time,
  });

  it('fills a limit crossed inside a bar at its price, with the maker fee', async () => {
    const broker = setup(10_000);
    const limit = await broker.place(req({ type: 'limit', price: 95, quantity: 2 }));
    expect(limit.status).toBe('new');
    expect(await broker.onBar(bar(100, 101, 96, 97, 60_000))).toEqual([]);
    const [filled] = await broker.onBar(bar(97, 98, 94, 96, 120_000));
    // Opened above 95 and traded down through it: filled at 95, fee 2 × 95 × 0.001 = 0.19.
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 2, filledQuote: 190 });
    expect(filled!.fills).toEqual([
      { tradeId: 'P1-1', price: 95, quantity: 2, fee: 0.19, feeAsset: 'USDT', time: 120_000 },
    ]);
    const balances = await broker.balances('p1');
    expect(balances).toContainEqual({ asset: 'USDT', free: 10_000 - 190 - 0.19, locked: 0 });
    expect(balances).toContainEqual({ asset: 'BTC', free: 2, locked: 0 });
  });

  it('fills a stop at the worse open after a gap, slipped within the bar', async () => {
    const broker = setup(10_000);
    await broker.place(req({ quantity: 1 }));
    // Market at the next open 100, slipped by 10 % of (102 − 99) = 0.3 → 100.3; taker fee 0.2006.
    const [bought] = await broker.onBar(bar(100, 102, 99, 101, 60_000));
    expect(bought!.fills[0]).toMatchObject({ price: 100.3, quantity: 1 });
    expect(bought!.fills[0]!.fee).toBeCloseTo(0.2006, 12);
    await broker.place(req({ side: 'sell', type: 'stop', price: 95, quantity: 1 }));
    // Gaps down to open at 90 (below the 95 trigger): fills at the open 90, slipped by
    // 10 % of (91 − 88) = 0.3 → 89.7, taker fee 0.1794.
    const [stopped] = await broker.onBar(bar(90, 91, 88, 89, 120_000));
    expect(stopped!.status).toBe('filled');
    expect(stopped!.fills[0]!.price).toBeCloseTo(89.7, 12);
    expect(stopped!.fills[0]!.fee).toBeCloseTo(0.1794, 12);
    const usdt = (await broker.balances('p1')).find((b) => b.asset === 'USDT')!;
    expect(usdt.free).toBeCloseTo(10_000 - 100.3 - 0.2006 + 89.7 - 0.1794, 9);
  });

  it('fills what the cash buys when a resting buy meets a dearer fill, and cancels the rest', async () => {
    // 1,000 USDT: a market buy of 9.9 held 9.9 × 100 × 1.002 = 991.98 at the last price 100.
    const broker = setup(1_000);
    const placed = await broker.place(req({ quantity: 9.9 }));
    expect(placed.status).toBe('new');
    // Next bar opens at 110: 1,000 / (110 × 1.002) = 9.0708… units are affordable.
    const [partly] = await broker.onBar(bar(110, 110, 110, 110, 60_000));
    const affordable = 1_000 / (110 + 110 * 0.002);
    expect(partly).toMatchObject({ status: 'cancelled', detail: 'insufficient funds for the rest' });
    expect(partly!.filledQuantity).toBeCloseTo(affordable, 12);
    const usdt = (await broker.balances('p1')).find((b) => b.asset === 'USDT');
    expect(usdt?.free ?? 0).toBeCloseTo(0, 9);
  });

  it('refuses an unknown symbol and an order the cash cannot cover, holding nothing', async () => {
    const broker = setup(100);
    expect(await broker.place(req({ symbol: 'ETH-USDT' }))).toMatchObject({
      status: 'rejected',
      rejectReason: 'unknown_symbol',
    });
    expect(await broker.place(req({ type: 'limit', price: 99, quantity: 1.01 }))).toMatchObject({
      status: 'rejected',
      rejectReason: 'insufficient_funds',
    });
    expect(await broker.openOrders({ portfolioId: 'p1' })).toEqual([]);
  });
});

describe('paper broker - an order fills on the bars of its fill interval', () => {
  let n = 0;
  const strategy = (fillInterval?: '1s' | '1m') =>
    ({
      kind: 'strategy',
      strategyId: 's1',
      version: 1,
      candleCloseTime: 60_000,
      ...(fillInterval === undefined ? {} : { fillInterval }),
    }) as const;
  const req = (fields: Partial<PlaceOrderInput>) =>
    PlaceOrderRequestSchema.parse({
      portfolioId: 'p1',
      clientOrderId: `f${++n}`,
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 1,
      origin: strategy('1s'),
      ...fields,
    });
  const setup = (defaultFillInterval?: string) => {
    const ledger = new CorePortfolioLedger();
    ledger.open('p1', 10_000, []);
    return createPaperBroker({
      // No fees, no slippage: a fill's price is the bar's open (market) or the order's (limit).
      fillModel: coreFillModel({ makerFee: 0, takerFee: 0, slippage: { kind: 'bps', bps: 0 } }),
      ledger,
      symbols: new Set(['BTC-USDT']),
      lastPrice: () => 100,
      marketFill: (request) => (request.origin.kind === 'strategy' ? 'next-bar' : 'next-price'),
      fundsAtFill: (request) => request.origin.kind === 'strategy',
      now: () => 60_000,
      ...(defaultFillInterval === undefined ? {} : { defaultFillInterval }),
    });
  };
  /** A bar of `interval` opening at `openTime` at price `open`, ranging 2 either side. */
  const bar = (interval: string, openTime: number, open: number) => ({
    symbol: 'BTC-USDT',
    interval,
    open,
    high: open + 2,
    low: open - 2,
    close: open + 1,
    volume: Infinity,
    time: openTime,
  });

  it('a 1 s run’s market order fills at the next 1 s bar’s open; a 1 m bar closing first leaves it', async () => {
    const broker = setup();
    const placed = await broker.place(req({ origin: strategy('1s') }));
    expect(placed.status).toBe('new');
    expect(await broker.onBar(bar('1m', 0, 99))).toEqual([]);
    const [filled] = await broker.onBar(bar('1s', 60_000, 101));
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 1, filledQuote: 101 });
    expect(filled!.fills[0]).toMatchObject({ price: 101, time: 60_000 });
  });

  it('a strategy’s order never fills on the bar of the candle it was decided on, handled late', async () => {
    const broker = setup();
    // Decided on the 1 s candle closing at 60 000 (it opened at 59 000); the venue's live turn for
    // that bar reaches the order only after (a run catching up decides before the live turn).
    await broker.place(req({ type: 'limit', price: 200, origin: strategy('1s') }));
    expect(await broker.onBar(bar('1s', 59_000, 101))).toEqual([]);
    const [filled] = await broker.onBar(bar('1s', 60_000, 102));
    expect(filled!.fills[0]).toMatchObject({ time: 60_000 });
  });

  it('a 1 m run’s market order waits through the 1 s bars for the next 1 m bar’s open', async () => {
    const broker = setup();
    await broker.place(req({ origin: strategy('1m') }));
    for (let s = 0; s < 60; s++)
      expect(await broker.onBar(bar('1s', 60_000 + s * 1_000, 101 + s))).toEqual([]);
    const [filled] = await broker.onBar(bar('1m', 60_000, 101));
    expect(filled!.fills[0]).toMatchObject({ price: 101, time: 60_000 });
  });

  it('limits and stops follow the same rule: a 1 s run’s limit fills on the first 1 s bar that reaches it', async () => {
    const broker = setup();
    await broker.place(req({ type: 'limit', price: 95, origin: strategy('1s') }));
    // A 1 m bar reaching 95 does not fill it; the 1 s bar reaching it does, at the limit.
    expect(await broker.onBar({ ...bar('1m', 0, 96), low: 90 })).toEqual([]);
    expect(await broker.onBar(bar('1s', 60_000, 100))).toEqual([]);
    const [filled] = await broker.onBar({ ...bar('1s', 61_000, 96), low: 94 });
    expect(filled!.fills[0]).toMatchObject({ price: 95, time: 61_000 });
  });

  it('an order naming no interval — a person’s limit, a strategy order journalled before — fills on the venue’s default', async () => {
    const broker = setup();
    await broker.place(req({ type: 'limit', price: 95, origin: { kind: 'manual', userId: 'u1' } }));
    await broker.place(req({ type: 'limit', price: 95, origin: strategy() }));
    expect(await broker.onBar({ ...bar('1s', 60_000, 96), low: 94 })).toEqual([]);
    expect(await broker.onBar({ ...bar('1m', 60_000, 96), low: 94 })).toHaveLength(2);
    const seconds = setup('1s');
    await seconds.place(req({ type: 'limit', price: 95, origin: { kind: 'manual', userId: 'u1' } }));
    expect(await seconds.onBar({ ...bar('1m', 60_000, 96), low: 94 })).toEqual([]);
    expect(await seconds.onBar({ ...bar('1s', 60_000, 96), low: 94 })).toHaveLength(1);
  });

  it('an adopted order keeps its interval: a 1 s run’s order taken over fills on the next 1 s bar', async () => {
    const before = setup();
    const placed = await before.place(req({ origin: strategy('1s') }));
    const after = setup();
    expect(after.adopt(placed)).toBe(true);
    expect(await after.onBar(bar('1m', 60_000, 99))).toEqual([]);
    const [filled] = await after.onBar(bar('1s', 61_000, 102));
    expect(filled!.fills[0]).toMatchObject({ price: 102, time: 61_000 });
  });
});

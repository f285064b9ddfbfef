import { createConsumerRunner, createInMemoryEventLog } from '@tickline/eventlog';
import {
  createEventSource,
  defineEvent,
  encodeEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrderDesk } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import type { OrderFilledData, OrderPlacedData } from '../broker/events.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { Engine } from '../core/engine.ts';
import type { EngineSettings, Feed } from '../core/types.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { LiveRunner, type LiveStrategySpec } from './live-runner.ts';

const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const P = 'portfolio-1';
const SYMBOL = 'BTC-USDT';

/** Buys 3 on an SMA cross up (market), protects with a stop, adds on dips with limits; exits on cross down. */
const crossing: StrategyDefinition = {
  params: { fast: { type: 'int', default: 5 }, slow: { type: 'int', default: 15 } },
  init: (ctx) => ({
    fast: new ctx.ta.SmaStream(ctx.params.fast as number),
    slow: new ctx.ta.SmaStream(ctx.params.slow as number),
    prev: 0,
    stop: -1,
  }),
  onCandle(ctx) {
    const s = ctx.state as {
      fast: { update(v: number): number };
      slow: { update(v: number): number };
      prev: number;
      stop: number;
    };
    const close = ctx.close.at(0);
    const diff = s.fast.update(close) - s.slow.update(close);
    const qty = ctx.position().qty;
    if (s.prev <= 0 && diff > 0 && qty === 0) {
      ctx.buy({ qty: 3, reason: 'cross up' });
      s.stop = ctx.sell({ type: 'stop', qty: 3, price: close * 0.97, reason: 'stop' });
    } else if (qty > 0 && diff > 0 && ctx.orders().length < 3) {
      ctx.buy({ type: 'limit', qty: 1, price: close * 0.995, reason: 'dip' });
    } else if (s.prev >= 0 && diff < 0 && qty > 0) {
      ctx.cancelAll();
      ctx.closePosition(undefined, 'cross down');
    }
    s.prev = diff;
  },
};

function settings(): EngineSettings {
  return resolveBacktestSettings({
    startingCapital: 10_000,
    makerFee: 0.001,
    takerFee: 0.002,
    slippage: { kind: 'range', fraction: 0.1 },
    closeAtEnd: false,
  });
}

/** The backtest's fills, recorded where the engine books them. */
function backtest(definition: StrategyDefinition, feed: Feed, s: EngineSettings) {
  const engine = new Engine([feed], s);
  const fills: Array<{ side: string; qty: number; price: number; fee: number; time: number }> = [];
  const book = engine.ledger.fill.bind(engine.ledger);
  engine.ledger.fill = (p, side, qty, price, fee, time, reason, step) => {
    fills.push({ side, qty, price, fee, time });
    book(p, side, qty, price, fee, time, reason, step);
  };
  const result = engine.run(definition, { recordSignals: true });
  return { result, fills };
}

function candleEvents(feed: Feed): EventEnvelope[] {
  const source = createEventSource({ source: 'market', clock: new ManualClock(0) });
  const c = feed.columns;
  return Array.from(c.closeTime, (_, i) =>
    source.create(Candle, {
      subject: SYMBOL,
      data: {
        exchange: 'x',
        symbol: SYMBOL,
        interval: feed.interval,
        openTime: c.openTime[i],
        closeTime: c.closeTime[i],
        open: c.open[i],
        high: c.high[i],
        low: c.low[i],
        close: c.close[i],
        volume: c.volume[i],
        correction: false,
        incomplete: false,
      },
    }),
  );
}

function world(
  s: EngineSettings,
  definition: StrategyDefinition,
  cpuMsPerCandle?: number,
  journal = new InMemoryOrderJournal(),
) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const books = new CorePortfolioLedger();
  books.open(P, s.startingCapital, []);
  const last = new Map<string, number>();
  const paper = createPaperBroker({
    fillModel: coreFillModel(s),
    ledger: books,
    symbols: new Set([SYMBOL]),
    lastPrice: (symbol) => last.get(symbol),
    marketFill: 'next-bar',
    fundsAtFill: (request) => request.origin.kind === 'strategy',
    now: () => clock.now(),
  });
  const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }), (x) =>
    last.get(x),
  );
  const published: EventEnvelope[] = [];
  const orderSource = createEventSource({ source: orderEventSourceName('paper'), clock });
  let runner: LiveRunner | undefined;
  const desk = new OrderDesk({
    broker: paper,
    journal,
    portfolios: risk,
    clock,
    emit: (e) => {
      runner!.onOrderEvent(e);
      published.push(orderEnvelope(orderSource, e));
    },
  });
  const options = {
    desk,
    paper,
    books,
    risk,
    load: async () => definition,
    history: async () => [],
    publish: (e: EventEnvelope) => published.push(e),
    source: createEventSource({ source: 'strategy/live', clock }),
    clock,
    ...(cpuMsPerCandle === undefined ? {} : { cpuMsPerCandle }),
  };
  runner = new LiveRunner(options);
  const setRunner = (r: LiveRunner) => (runner = r);
  const track = (e: { symbol: string; close: number }) => last.set(e.symbol, e.close);
  return { runner, published, books, track, desk, journal, options, setRunner };
}

const spec = (id: string, s: EngineSettings): LiveStrategySpec => ({
  id,
  strategyId: id,
  version: 1,
  userId: 'u1',
  portfolioId: P,
  params: {},
  feeds: [{ symbol: SYMBOL, interval: '1m' }],
  settings: s,
  warmupBars: 0,
});

describe('live runs', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('parity: candles through an event log give the backtest’s orders and fills, order by order', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 600, 7);
    const { result, fills } = backtest(crossing, feed, s);
    expect(result.signals.length).toBeGreaterThan(20);
    expect(fills.length).toBeGreaterThan(15);

    const w = world(s, crossing);
    await w.runner.enable(spec('live-1', s));
    const log = createInMemoryEventLog({ name: 'main' });
    const events = candleEvents(feed);
    await log.append(
      events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
    );
    const consumer = createConsumerRunner({
      log,
      name: 'strategy.live',
      waitMs: 20,
      handle: async (batch) => {
        for (const e of batch) w.track(e.data as { symbol: string; close: number });
        await w.runner.handle(batch);
      },
    });
    await consumer.start({ logger: silentLogger, fail: (error) => expect.fail(String(error)) });
    stops.push(() => consumer.stop());
    await consumer.idle();

    const placed = w.published.filter((e) => e.type === 'order.placed').map((e) => e.data as OrderPlacedData);
    const signals = result.signals;
    // Same orders, in the same order: candle, side, type, quantity and price.
    expect(
      placed.map((o) => [
        o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : -1,
        o.side,
        o.type,
        o.quantity,
        o.price ?? NaN,
      ]),
    ).toEqual(signals.map((x) => [x.time, x.side, x.type, x.qty, x.price]));
    const liveFills = w.published
      .filter((e) => e.type === 'order.filled')
      .map((e) => e.data as OrderFilledData)
      .map((f) => ({
        side: f.side,
        qty: f.fill.quantity,
        price: f.fill.price,
        fee: f.fill.fee,
        time: f.fill.time,
      }));
    expect(liveFills).toEqual(fills);
    expect(w.books.cash(P)).toBe(
      result.metrics.finalEquity - (w.books.position(P, SYMBOL)?.quantity ?? 0) * feed.columns.close.at(-1)!,
    );
  });

  it('decides once per candle: a redelivered batch, or another process on the same candles, places nothing twice', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 200, 3);
    const events = candleEvents(feed);
    const a = world(s, crossing);
    await a.runner.enable(spec('live-2', s));
    for (const e of events) {
      a.track(e.data as { symbol: string; close: number });
      await a.runner.handle([e]);
    }
    const count = () => a.published.filter((e) => e.type.startsWith('order.')).length;
    const before = count();
    expect(before).toBeGreaterThan(0);
    // At-least-once delivery: the last 50 candles again change nothing.
    await a.runner.handle(events.slice(-50));
    expect(count()).toBe(before);
    // A process taking the strategy over (same journal) decides the first signal candle again.
    const firstSignal = a.published.find((e) => e.type === 'strategy.signal')!.data as {
      clientOrderId: string;
      candleCloseTime: number;
    };
    const b = world(s, crossing, undefined, a.journal);
    await b.runner.enable(spec('live-2', s));
    for (const e of events) {
      if ((e.data as { closeTime: number }).closeTime > firstSignal.candleCloseTime) break;
      b.track(e.data as { symbol: string; close: number });
      await b.runner.handle([e]);
    }
    expect(b.runner.status('live-2')!.lastSignals[0]!.clientOrderId).toBe(firstSignal.clientOrderId);
    expect(b.published.filter((e) => e.type.startsWith('order.'))).toEqual([]);
  });

  it('pauses a strategy that throws, tells its owner, and the others go on', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 120, 5);
    const throwing: StrategyDefinition = {
      onCandle(ctx) {
        if (ctx.feed.index === 10) throw new Error('boom');
      },
    };
    const w = world(s, crossing);
    const runner = new LiveRunner({
      ...w.options,
      load: async (id) => (id === 'bad' ? throwing : crossing),
    });
    w.setRunner(runner);
    await runner.enable(spec('good', s));
    await runner.enable(spec('bad', s));
    for (const e of candleEvents(feed)) {
      w.track(e.data as { symbol: string; close: number });
      await runner.handle([e]);
    }
    expect(runner.status('bad')).toMatchObject({
      state: 'paused',
      pause: { code: 'STRATEGY_RUNTIME_ERROR', reason: 'boom' },
    });
    const paused = w.published.filter((e) => e.type === 'strategy.live.paused');
    expect(paused.map((e) => e.data)).toEqual([expect.objectContaining({ userId: 'u1', strategyId: 'bad' })]);
    expect(runner.status('good')).toMatchObject({ state: 'running', candles: 120 });
  });

  it('the kill switch cancels working orders and pauses the portfolio’s runs', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 300, 7);
    const w = world(s, crossing);
    await w.runner.enable(spec('k', s));
    const events = candleEvents(feed);
    let working = 0;
    for (const e of events) {
      w.track(e.data as { symbol: string; close: number });
      await w.runner.handle([e]);
      working = (await w.journal.working(P)).length;
      if (working > 0) break;
    }
    expect(working).toBeGreaterThan(0);
    const cancelled = await w.runner.killSwitch(P, 'user', { by: 'u1', at: 0, reason: 'enough' });
    expect(cancelled.length).toBe(working);
    expect(await w.journal.working(P)).toEqual([]);
    expect(w.runner.status('k')).toMatchObject({ state: 'paused', pause: { code: 'kill_switch' } });
    expect(
      w.published
        .filter((e) => e.type === 'order.cancelled')
        .map((e) => (e.data as { detail?: string }).detail),
    ).toEqual(Array(working).fill('kill switch'));
  });
});

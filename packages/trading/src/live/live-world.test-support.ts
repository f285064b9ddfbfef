/**
 * @module A live trading world for tests: a paper venue, books, risk view, order desk and runner
 * over an in-memory journal, a backtest recording its fills, and candles as log events — shared by
 * the runner's tests and the sandbox session's.
 */
import { createConsumerRunner, createInMemoryEventLog } from '@tickline/eventlog';
import {
  createEventSource,
  defineEvent,
  encodeEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import { z } from 'zod';
import { OrderDesk } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import { InMemoryOrderJournal, type OrderJournal } from '../broker/order-journal.ts';
import {
  Engine,
  type EngineSettings,
  type Feed,
  type OpenSession,
  resolveBacktestSettings,
  type Signal,
  type StrategyDefinition,
} from '@tickline/strategy/internal';
import type { OrderFilledData, OrderPlacedData } from '../broker/events.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { type FeedCandle, LiveRunner, type LiveRunnerOptions, type LiveStrategySpec } from './live-runner.ts';

export const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
export const P = 'portfolio-1';
export const SYMBOL = 'BTC-USDT';

/** Buys 3 on an SMA cross up (market), protects with a stop, adds on dips with limits; exits on cross down. */
export const crossing: StrategyDefinition = {
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

export function settings(): EngineSettings {
  return resolveBacktestSettings({
    startingCapital: 10_000,
    makerFee: 0.001,
    takerFee: 0.002,
    slippage: { kind: 'range', fraction: 0.1 },
    closeAtEnd: false,
  });
}

/** The backtest's fills, recorded where the engine books them. */
export function backtest(definition: StrategyDefinition, feed: Feed | readonly Feed[], s: EngineSettings) {
  const engine = new Engine(Array.isArray(feed) ? feed : [feed as Feed], s);
  const fills: Array<{ side: string; qty: number; price: number; fee: number; time: number }> = [];
  const book = engine.ledger.fill.bind(engine.ledger);
  engine.ledger.fill = (p, side, qty, price, fee, time, reason, step) => {
    fills.push({ side, qty, price, fee, time });
    book(p, side, qty, price, fee, time, reason, step);
  };
  const result = engine.run(definition, { recordSignals: true });
  return { result, fills };
}

export function candleEvents(feed: Feed): EventEnvelope[] {
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

export function world(
  s: EngineSettings,
  definition: StrategyDefinition,
  cpuMsPerCandle?: number,
  journal: OrderJournal = new InMemoryOrderJournal(),
  open?: OpenSession,
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
    held: (order) => runner?.orderHolds.holds(order) === true,
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
  /** Automatic resumes waiting (cpu-resume.ts): a test fires them; none fires by itself. */
  const timers: Array<{ fire: () => void; ms: number }> = [];
  const options: LiveRunnerOptions = {
    schedule: (fn, ms) => {
      const timer = { fire: fn, ms };
      timers.push(timer);
      return () => {
        const at = timers.indexOf(timer);
        if (at >= 0) timers.splice(at, 1);
      };
    },
    desk,
    paper,
    books,
    risk,
    load: async () => definition,
    history: async () => [],
    orders: journal,
    publish: (e: EventEnvelope) => published.push(e),
    source: createEventSource({ source: 'strategy/live', clock }),
    clock,
    ...(cpuMsPerCandle === undefined ? {} : { cpuMsPerCandle }),
    ...(open === undefined ? {} : { open }),
  };
  runner = new LiveRunner(options);
  const setRunner = (r: LiveRunner) => (runner = r);
  const track = (e: { symbol: string; close: number }) => last.set(e.symbol, e.close);
  return { runner, published, books, track, desk, journal, options, setRunner, timers };
}

/**
 * The market's stored candles of a test's feed: those closed so far (`upTo` as each one closes),
 * served as a live run's history reads them.
 */
export function storedSoFar(feed: readonly EventEnvelope[]) {
  let upTo = -Infinity;
  return {
    upTo: (e: EventEnvelope) => void (upTo = (e.data as FeedCandle).closeTime),
    history: async (_s: string, _i: string, count: number) =>
      feed
        .map((e) => e.data as FeedCandle)
        .filter((c) => c.closeTime <= upTo)
        .slice(-count),
  };
}

/** What {@link world} returns. */
export type LiveWorld = ReturnType<typeof world>;

export const spec = (id: string, s: EngineSettings): LiveStrategySpec => ({
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

/** The orders a live world placed, as `[candle close, side, type, quantity, price]` rows. */
export function placedRows(w: Pick<LiveWorld, 'published'>): unknown[][] {
  return w.published
    .filter((e) => e.type === 'order.placed')
    .map((e) => e.data as OrderPlacedData)
    .map((o) => [
      o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : -1,
      o.side,
      o.type,
      o.quantity,
      o.price ?? NaN,
    ]);
}

/** A backtest's signals as the same rows as {@link placedRows}. */
export function signalRows(signals: readonly Signal[]): unknown[][] {
  return signals.map((x) => [x.time, x.side, x.type, x.qty, x.price]);
}

/** The fills a live world published, shaped as the backtest's fill recorder shapes them. */
export function liveFills(w: Pick<LiveWorld, 'published'>) {
  return w.published
    .filter((e) => e.type === 'order.filled')
    .map((e) => e.data as OrderFilledData)
    .map((f) => ({
      side: f.side,
      qty: f.fill.quantity,
      price: f.fill.price,
      fee: f.fill.fee,
      time: f.fill.time,
    }));
}

/**
 * Feeds `events` to the world's runner as the process does: appended to an (in-memory) log and
 * read by a consumer, batches and all, until it is idle. Returns the consumer's stop.
 */
export async function feedThroughLog(
  w: LiveWorld,
  events: readonly EventEnvelope[],
): Promise<() => Promise<void>> {
  const log = createInMemoryEventLog({ name: 'main' });
  await log.append(
    events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
  );
  let failure: unknown;
  const consumer = createConsumerRunner({
    log,
    name: 'strategy.live',
    waitMs: 20,
    handle: async (batch) => {
      for (const e of batch) w.track(e.data as { symbol: string; close: number });
      await w.runner.handle(batch);
    },
  });
  await consumer.start({ logger: silentLogger, fail: (error) => (failure = error) });
  await consumer.idle();
  if (failure !== undefined) {
    await consumer.stop();
    throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
  }
  return () => consumer.stop();
}

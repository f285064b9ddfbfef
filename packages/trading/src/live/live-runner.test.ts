import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OrderPlacedData } from '../broker/events.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import type { Order } from '../broker/order.ts';
import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import {
  backtest,
  candleEvents,
  crossing,
  feedThroughLog,
  liveFills,
  P,
  placedRows,
  settings,
  signalRows,
  spec,
  SYMBOL,
  world,
} from './live-world.test-support.ts';

/** Buys on every candle, saying how many it has seen: a candle missed or seen twice shows. */
const everyCandle: StrategyDefinition = {
  init: () => ({ n: 0 }),
  onCandle(ctx) {
    const st = ctx.state as { n: number };
    st.n++;
    ctx.buy({ qty: 0.01, reason: `seen ${st.n}` });
  },
};

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
    stops.push(await feedThroughLog(w, candleEvents(feed)));

    // Same orders, in the same order: candle, side, type, quantity and price.
    expect(placedRows(w)).toEqual(signalRows(result.signals));
    expect(liveFills(w)).toEqual(fills);
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

  it("a fill being recorded holds back only its portfolio's runs, which then decide with the fill booked", async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 4, 9);
    const events = candleEvents(feed);
    /** Holds the journal write of every fill until `release` (a slow store). */
    class HeldFills extends InMemoryOrderJournal {
      held: Array<() => void> = [];
      override async put(order: Order): Promise<void> {
        if (order.status === 'filled') {
          await new Promise<void>((resolve) => this.held.push(resolve));
        }
        return super.put(order);
      }
      releaseFills(): void {
        for (const go of this.held.splice(0)) go();
      }
    }
    const journal = new HeldFills();
    /** What each run saw: its position when it decided each candle. */
    const seen: Record<string, number[]> = { buyer: [], watcher: [] };
    const definition: StrategyDefinition = {
      onCandle(ctx) {
        const id = ctx.params.id === 1 ? 'buyer' : 'watcher';
        seen[id]!.push(ctx.position().qty);
        if (id === 'buyer' && ctx.feed.index === 0) ctx.buy({ qty: 0.5, reason: 'first' });
      },
      params: { id: { type: 'int', default: 0 } },
    };
    const w = world(s, definition, undefined, journal);
    const Q = 'portfolio-2';
    w.books.open(Q, s.startingCapital, []);
    await w.runner.enable({ ...spec('buyer', s), params: { id: 1 } });
    await w.runner.enable({ ...spec('watcher', s), portfolioId: Q, params: { id: 2 } });
    w.track(events[0]!.data as { symbol: string; close: number });
    await w.runner.handle([events[0]!]);
    expect(seen).toEqual({ buyer: [0], watcher: [0] });

    // The second bar fills the buy; its write is held. The other portfolio's run decides anyway.
    w.track(events[1]!.data as { symbol: string; close: number });
    const wave = w.runner.handle([events[1]!]);
    await vi.waitFor(() => expect(seen.watcher).toHaveLength(2));
    expect(journal.held).toHaveLength(1);
    expect(seen.buyer).toEqual([0]);
    journal.releaseFills();
    await wave;
    // The buyer decided the candle after its fill was recorded: its engine held the 0.5.
    expect(seen.buyer).toEqual([0, 0.5]);
    expect(w.books.position(P, SYMBOL)?.quantity).toBe(0.5);
    expect(w.books.position(P, SYMBOL)?.markPrice).toBe(feed.columns.close[1]);
  });

  it('a fill whose recording fails leaves its runs unasked for a redelivery; the others decided', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 4, 9);
    const events = candleEvents(feed);
    let fail = true;
    class FailingFills extends InMemoryOrderJournal {
      override async put(order: Order): Promise<void> {
        if (order.status === 'filled' && fail) throw new Error('store unavailable');
        return super.put(order);
      }
    }
    const counted: Record<string, number> = { buyer: 0, watcher: 0 };
    const definition: StrategyDefinition = {
      onCandle(ctx) {
        const id = ctx.params.id === 1 ? 'buyer' : 'watcher';
        counted[id]!++;
        if (id === 'buyer' && ctx.feed.index === 0) ctx.buy({ qty: 0.5, reason: 'first' });
      },
      params: { id: { type: 'int', default: 0 } },
    };
    const w = world(s, definition, undefined, new FailingFills());
    const Q = 'portfolio-2';
    w.books.open(Q, s.startingCapital, []);
    await w.runner.enable({ ...spec('buyer', s), params: { id: 1 } });
    await w.runner.enable({ ...spec('watcher', s), portfolioId: Q, params: { id: 2 } });
    for (const e of events.slice(0, 2)) w.track(e.data as { symbol: string; close: number });
    await w.runner.handle([events[0]!]);
    await expect(w.runner.handle([events[1]!])).rejects.toThrow('store unavailable');
    expect(counted).toEqual({ buyer: 1, watcher: 2 });
    expect(w.runner.status('buyer')).toMatchObject({ state: 'running', candles: 1 });
    // The redelivered candle is the buyer's, once; the watcher decided it already.
    fail = false;
    await w.runner.handle([events[1]!]);
    expect(counted).toEqual({ buyer: 2, watcher: 2 });
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

  it('signals and pauses carry the strategy’s name for the notifications its owner reads', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 80, 5);
    const w = world(s, crossing);
    const runner = new LiveRunner({ ...w.options, nameOf: async (_user, id) => `name of ${id}` });
    w.setRunner(runner);
    await runner.enable(spec('named', s));
    for (const e of candleEvents(feed)) {
      w.track(e.data as { symbol: string; close: number });
      await runner.handle([e]);
    }
    runner.pause('named', 'kill_switch', 'stop');
    const signals = w.published.filter((e) => e.type === 'strategy.signal');
    expect(signals.length).toBeGreaterThan(0);
    for (const e of signals) expect(e.data).toMatchObject({ strategyName: 'name of named' });
    const paused = w.published.filter((e) => e.type === 'strategy.live.paused');
    expect(paused.map((e) => e.data)).toEqual([expect.objectContaining({ strategyName: 'name of named' })]);
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

  it('resumes from a checkpoint: candles after it are decided again, those already placed are not placed twice', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 12, 4);
    const candles = candleEvents(feed).map((e) => e.data as FeedCandle);
    // Process A acts on candles 0–7 and is gone before it stored a checkpoint past candle 5.
    const a = world(s, everyCandle);
    await a.runner.enable(spec('r', s));
    for (const c of candles.slice(0, 8)) {
      a.track(c);
      await a.runner.onCandle(c);
    }
    const placedBy = (w: ReturnType<typeof world>) =>
      w.published
        .filter((e) => e.type === 'order.placed')
        .map((e) => (e.data as OrderPlacedData).origin)
        .map((o) => (o?.kind === 'strategy' ? o.candleCloseTime : -1));
    expect(placedBy(a)).toEqual(candles.slice(0, 8).map((c) => c.closeTime));
    // Process B takes the run over with the same journal, the stored candles and checkpoint 5.
    const b = world(s, everyCandle, undefined, a.journal);
    const runner = new LiveRunner({ ...b.options, history: async () => candles.slice(0, 10) });
    b.setRunner(runner);
    for (const c of candles.slice(0, 10)) b.track(c);
    // Its counters as stored with that checkpoint: candles 0–5, one order each.
    const counts = { candles: 6, signals: 6 };
    await runner.enable({ ...spec('r', s), warmupBars: 6 }, { resumeAfter: candles[5]!.closeTime, counts });
    // Candles 0–5 were warm-up (state), 6–7 were A's orders (same ids: nothing new), 8–9 are new.
    expect(placedBy(b)).toEqual([candles[8]!.closeTime, candles[9]!.closeTime]);
    // Counted once each: 6–7 from A's journal, 8–9 decided here.
    expect(runner.status('r')).toMatchObject({ candles: 10, signals: 10 });
    expect(runner.checkpoints()).toEqual([
      { id: 'r', atMs: candles[9]!.closeTime, candles: 10, signals: 10 },
    ]);
    const signals = b.published
      .filter((e) => e.type === 'strategy.signal')
      .map((e) => e.data as { reason: string });
    expect(signals.map((x) => x.reason)).toEqual(['seen 7', 'seen 8', 'seen 9', 'seen 10']);
    // The live candle after the catch-up is the next one; an old one offered again is ignored.
    await runner.onCandle(candles[9]!);
    await runner.onCandle(candles[10]!);
    expect(placedBy(b)).toEqual([8, 9, 10].map((i) => candles[i]!.closeTime));
    expect(runner.status('r')).toMatchObject({ candles: 11, signals: 11 });
  });
});

describe('live runs - where the warm-up ends', () => {
  it('a candle stored before the warm-up read but delivered after it is warm-up, not decided again; the next is', async () => {
    const s = settings();
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 8, 5)).map((e) => e.data as FeedCandle);
    const w = world(s, everyCandle);
    const runner = new LiveRunner({ ...w.options, history: async () => candles.slice(0, 6) });
    w.setRunner(runner);
    await runner.enable({ ...spec('e', s), warmupBars: 6 });
    // The market's consumer was behind: candle 5 reaches the runner after the run warmed up on it.
    for (const c of candles.slice(5, 7)) {
      w.track(c);
      await runner.onCandle(c);
    }
    const reasons = w.published
      .filter((e) => e.type === 'strategy.signal')
      .map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual(['seen 7']);
  });
});

describe('live runs - a restart keeps the position', () => {
  // What it decides depends on its position and on its working orders, never on the candle count.
  const positional: StrategyDefinition = {
    onCandle(ctx) {
      const qty = ctx.position().qty;
      if (qty === 0) {
        ctx.buy({ qty: 1, reason: 'flat: buy' });
        // Placed once and left working: a run that forgot it would place another.
        if (ctx.orders().length === 1)
          ctx.buy({ type: 'limit', qty: 1, price: ctx.close.at(0) * 0.5, reason: 'resting far below' });
      } else if (qty < 2) ctx.buy({ qty: 1, reason: 'one held: add' });
      else ctx.closePosition(undefined, 'two held: close');
    },
  };
  const decisions = (w: ReturnType<typeof world>) =>
    w.published
      .filter((e) => e.type === 'order.placed' || e.type === 'order.filled' || e.type === 'order.cancelled')
      .map((e) => {
        const o = e.data as OrderPlacedData & { fill?: { price: number; time: number }; detail?: string };
        return [
          e.type,
          o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : o.clientOrderId,
          o.side,
          o.type,
          o.quantity,
          o.fill?.price ?? null,
          o.fill?.time ?? null,
        ];
      });
  const uninterrupted = async (candles: FeedCandle[]) => {
    const reference = world(settings(), positional);
    await reference.runner.enable(spec('r', settings()));
    for (const c of candles) {
      reference.track(c);
      await reference.runner.onCandle(c);
    }
    return decisions(reference);
  };

  /** Process A: the run enabled, the first 40 candles decided; then its runner is gone. */
  const decidedBeforeKill = async (candles: FeedCandle[]) => {
    const a = world(settings(), positional);
    const since = candles[0]!.openTime;
    await a.runner.enable({ ...spec('r', settings()), ordersSince: since });
    for (const c of candles.slice(0, 40)) {
      a.track(c);
      await a.runner.onCandle(c);
    }
    return { a, since };
  };

  /**
   * Process B over A's venue, books and journal, resuming after candle 40 while the store holds
   * the first `stored.n` candles (a test moves it); `enabled` settles once its catch-up is done.
   */
  const restarted = (
    a: ReturnType<typeof world>,
    since: number,
    candles: FeedCandle[],
    stored: { n: number },
  ) => {
    const runner = new LiveRunner({ ...a.options, history: async () => candles.slice(0, stored.n) });
    a.setRunner(runner);
    const enabled = runner.enable(
      { ...spec('r', settings()), ordersSince: since },
      { resumeAfter: candles[39]!.closeTime },
    );
    return { runner, enabled };
  };

  it("a restart longer than a candle: the candles closed meanwhile fill the run's orders one by one before each is decided; its orders and fills equal an uninterrupted run's", async () => {
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 80, 13)).map(
      (e) => e.data as FeedCandle,
    );
    const expected = await uninterrupted(candles);
    expect(expected.filter((d) => d[0] === 'order.filled').length).toBeGreaterThan(20);

    // Process A decides 40 candles and dies; ten more close (stored) before its successor starts.
    const { a, since } = await decidedBeforeKill(candles);
    const stored = { n: 50 };
    const { runner, enabled } = restarted(a, since, candles, stored);
    // A live candle arrives while it catches up (stored too): the live bar passes its orders over.
    stored.n = 51;
    a.track(candles[50]!);
    await runner.onCandle(candles[50]!);
    await enabled;
    for (const c of candles.slice(51)) {
      a.track(c);
      await runner.onCandle(c);
    }
    expect(decisions(a)).toEqual(expected);
  });

  it("a live candle the store writes only after the catch-up read it last is decided with its fills, once: orders and fills equal an uninterrupted run's", async () => {
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 80, 13)).map(
      (e) => e.data as FeedCandle,
    );
    const expected = await uninterrupted(candles);
    const { a, since } = await decidedBeforeKill(candles);
    const stored = { n: 50 };
    const { runner, enabled } = restarted(a, since, candles, stored);
    // Candle 50 is delivered live while the run catches up, and stored only later: the catch-up
    // ended without it in the store, and the live wave asked the run with its orders passed over.
    a.track(candles[50]!);
    await Promise.all([enabled, runner.onCandle(candles[50]!)]);
    stored.n = 51;
    for (const c of candles.slice(51)) {
      a.track(c);
      await runner.onCandle(c);
    }
    expect(decisions(a)).toEqual(expected);
  });

  it('a run catching up fills every working order of its strategy with the bars it is owed, those its engine does not know too', async () => {
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 80, 13)).map(
      (e) => e.data as FeedCandle,
    );
    // Candle 45 dips to a tenth of anything seen: it reaches the limit resting far below.
    candles[45] = { ...candles[45]!, low: Math.min(...candles.map((c) => c.low)) * 0.1 };
    const { a } = await decidedBeforeKill(candles);
    const resting = a.published.find(
      (e) => e.type === 'order.placed' && (e.data as OrderPlacedData).type === 'limit',
    )!.data as OrderPlacedData;
    // Its successor's orders begin after that limit was placed (an older enable's, or an older
    // version's): its engine does not know the limit, yet live bars pass it over while it catches up.
    const { enabled } = restarted(a, candles[20]!.closeTime, candles, { n: 50 });
    await enabled;
    const fills = a.published.filter(
      (e) => e.type === 'order.filled' && (e.data as OrderPlacedData).clientOrderId === resting.clientOrderId,
    );
    expect(fills.map((e) => (e.data as { fill: { time: number } }).fill.time)).toEqual([
      candles[45].openTime,
    ]);
  });

  it("a run taken over between two candles rebuilds its books from its own orders: its next decisions equal an uninterrupted run's, order by order", async () => {
    const s = settings();
    const candles = candleEvents(randomWalkFeed(SYMBOL, '1m', 60_000, 80, 13)).map(
      (e) => e.data as FeedCandle,
    );
    const expected = await uninterrupted(candles);
    expect(expected.length).toBeGreaterThan(20);

    // Process A runs the first 40 candles; its runner dies between two candles (kill -9).
    const { a, since } = await decidedBeforeKill(candles);
    // A new runner over the same venue, books and journal resumes from the checkpoint.
    const runner = new LiveRunner({ ...a.options, history: async () => candles.slice(0, 40) });
    a.setRunner(runner);
    await runner.enable({ ...spec('r', s), ordersSince: since }, { resumeAfter: candles[39]!.closeTime });
    for (const c of candles.slice(40)) {
      a.track(c);
      await runner.onCandle(c);
    }
    expect(decisions(a)).toEqual(expected);
  });
});

import type { RecordedFill } from '@tickline/strategy';
import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { describe, expect, it } from 'vitest';
import type { OrderPlacedData } from '../broker/events.ts';
import { createHaltService } from '../halt/halt-service.ts';
import { InMemoryHaltStore } from '../halt/halt-store.ts';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { FLATTEN_REASON, flattenFills } from './run-flatten.ts';
import { P, settings, spec, SYMBOL, world } from './live-world.test-support.ts';

/** Buys 2 on its first candle, then logs the position it sees and sells whatever it holds. */
const holder: StrategyDefinition = {
  init: () => ({ bought: false }),
  onCandle(ctx) {
    const st = ctx.state as { bought: boolean };
    const qty = ctx.position().qty;
    ctx.log(`holds ${qty}`);
    if (!st.bought) {
      st.bought = true;
      ctx.buy({ qty: 2, reason: 'entry' });
    } else if (qty > 0) ctx.closePosition(undefined, 'exit');
  },
};

function candles(n: number): FeedCandle[] {
  const c = randomWalkFeed(SYMBOL, '1m', 60_000, n, 9).columns;
  return Array.from(c.closeTime, (_, i) => ({
    symbol: SYMBOL,
    interval: '1m',
    openTime: c.openTime[i]!,
    closeTime: c.closeTime[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));
}

describe('kill switch flatten - a resumed run learns the close', () => {
  it('engage with flatten, resume: the run’s next decision sees no position and sells nothing', async () => {
    const s = settings();
    const w = world(s, holder);
    const feed = candles(6);
    const stored: FeedCandle[] = [];
    w.options.history = async (_symbol, _interval, count, before) =>
      stored.filter((c) => c.closeTime <= before).slice(-count);
    const step = async (c: FeedCandle) => {
      stored.push(c);
      w.track(c);
      await w.runner.onCandle(c);
    };
    await w.runner.enable(spec('r', s));
    // The run buys on candle 0 and the paper venue fills it with candle 1's bar
    await step(feed[0]!);
    await step(feed[1]!);
    expect(w.books.position(P, SYMBOL)?.quantity).toBe(2);
    const risk = w.options.risk;
    const halts = createHaltService({
      risk,
      apply: async (p, actor, engagement) => (await w.runner.killSwitch(p, actor, engagement)).length,
      desk: w.desk,
      positions: (p) => w.books.positions(p),
      journal: w.journal,
      store: new InMemoryHaltStore(),
      now: () => Date.now(),
    });
    // The switch with flatten: the run is paused and the portfolio's position closed by the
    // switch's own market order, which the paper venue fills with the next bar
    await halts.engage({
      portfolioIds: [P],
      scope: 'portfolio',
      flatten: true,
      change: { actor: 'user', by: 'u1', at: feed[1]!.closeTime, reason: 'stop' },
    });
    expect(w.runner.status('r')).toMatchObject({ state: 'paused', pause: { code: 'kill_switch' } });
    stored.push(feed[2]!);
    w.track(feed[2]!);
    await w.runner.onCandle(feed[2]!);
    expect(w.books.position(P, SYMBOL)?.quantity ?? 0).toBe(0);
    // Released and resumed, the run's next candle sees it flat: no sell of a position that is gone
    await risk.releaseKillSwitch(P, { actor: 'user', by: 'u1', at: feed[2]!.closeTime, reason: 'go' });
    await w.runner.resume('r');
    const sellsBefore = sells(w.published);
    await step(feed[3]!);
    const logs = w.runner.status('r')!.logs.filter((l) => l.warmup !== true);
    expect(logs.at(-1)?.text).toBe('holds 0');
    expect(sells(w.published)).toEqual(sellsBefore);

    // Another process taking the run over rebuilds it from the journal: flat there too
    const b = world(s, holder, undefined, w.journal);
    const runner = new LiveRunner({ ...b.options, history: w.options.history });
    b.setRunner(runner);
    b.track(feed[3]!);
    await runner.enable({ ...spec('r', s), ordersSince: 0 }, { resumeAfter: feed[3]!.closeTime });
    stored.push(feed[4]!);
    b.track(feed[4]!);
    await runner.onCandle(feed[4]!);
    expect(
      runner
        .status('r')!
        .logs.filter((l) => l.warmup !== true)
        .at(-1)?.text,
    ).toBe('holds 0');
  });

  it('books a close once, only against an open position on the other side', () => {
    const close = {
      portfolioId: P,
      clientOrderId: 'halt-x-0-0',
      symbol: SYMBOL,
      side: 'sell' as const,
      type: 'market' as const,
      quantity: 3,
      timeInForce: 'gtc' as const,
      status: 'filled' as const,
      filledQuantity: 3,
      filledQuote: 300,
      fills: [{ tradeId: 't', price: 100, quantity: 3, fee: 0.3, feeAsset: 'USDT', time: 50 }],
      createdAt: 40,
      updatedAt: 50,
    };
    const fills: RecordedFill[] = [[SYMBOL, 'buy', 2, 90, 0, 10, 'entry']];
    const booked = flattenFills(fills, [close]);
    expect(booked).toEqual([[SYMBOL, 'sell', 2, 100, expect.closeTo(0.2, 12), 50, FLATTEN_REASON]]);
    // Read again with the close booked, or after a later entry: nothing more
    expect(flattenFills([...fills, ...booked], [close])).toEqual([]);
    expect(flattenFills([[SYMBOL, 'buy', 1, 90, 0, 60, 'again']], [close])).toEqual([]);
    // A buy close does not meet a long position
    expect(flattenFills(fills, [{ ...close, side: 'buy' }])).toEqual([]);
  });
});

/** The sells the desk was asked to place (the run's and the switch's). */
const sells = (published: ReadonlyArray<{ type: string; data: unknown }>) =>
  published
    .filter((e) => e.type === 'order.placed' && (e.data as OrderPlacedData).side === 'sell')
    .map((e) => (e.data as OrderPlacedData).clientOrderId);

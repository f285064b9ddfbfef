/**
 * A percent-sized run started again mid-position, as a restart or a takeover starts it: its spec
 * read back from the live store (SQL) and its books rebuilt from its orders in the SQL journal
 * (run-restore.ts). Every order after the restart must equal its backtest's, quantity included.
 */
import { describe, expect, it } from 'vitest';
import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { SqlOrderJournal } from '../broker/sql/sql-order-journal.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { LiveStore } from './live-store.ts';
import { storedRunSpec } from './run-restore.ts';
import {
  backtest,
  candleEvents,
  P,
  placedRows,
  settings,
  signalRows,
  spec,
  SYMBOL,
  world,
} from './live-world.test-support.ts';

/** Percent orders only: each one's quantity is read from the run's equity when it is placed. */
const percentSized: StrategyDefinition = {
  onCandle(ctx) {
    const i = Math.round(ctx.time / 60_000) % 50;
    const held = ctx.position().qty;
    if (i === 1 || i === 9) ctx.buy({ percent: 30, reason: 'enter' });
    if (i === 5) ctx.buy({ type: 'limit', percent: 10, price: ctx.close.at(0) * 0.998, reason: 'dip' });
    if ((i === 20 || i === 30) && held > 0) ctx.sell({ percent: 15, reason: 'trim' });
    if (i === 45) {
      ctx.cancelAll();
      ctx.closePosition(undefined, 'flat');
    }
  },
};

describe('parity after a restart - a percent-sized run rebuilt from its stored books', () => {
  const database = tradingDatabase();

  it("a run started again mid-position from the store and the journal places every order as its backtest does, quantity included", async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 150, 21);
    const candles = candleEvents(feed).map((e) => e.data as FeedCandle);
    const { result } = backtest(percentSized, feed, s);
    expect(result.signals.filter((x) => x.percent > 0).length).toBeGreaterThan(8);

    const journal = new SqlOrderJournal(database.sql, 'paper');
    const store = new LiveStore(database.sql);
    const a = world(s, percentSized, undefined, journal);
    const since = candles[0]!.openTime;
    const first = { ...spec('restarted', s), ordersSince: since };
    await a.runner.enable(first);
    // Stored as the composition stores an enable (the capital its engine started from).
    await store.save({ ...first, tier: 'free', startingCapital: s.startingCapital });
    // Mid-position (the feed starts at i = 21): bought at i = 1, 5 and 9, trims and exit to come.
    const restartAt = 42;
    for (const c of candles.slice(0, restartAt)) {
      a.track(c);
      await a.runner.onCandle(c);
    }
    expect(a.books.position(P, SYMBOL)?.quantity ?? 0).toBeGreaterThan(0);

    // The process is gone; its successor reads the run from the store, as the composition's sync
    // does, with the engine settings a run of the portfolio gets now (its equity now).
    const stored = (await store.get('restarted'))!;
    const now = { ...s, startingCapital: Math.max(1, a.books.equity(P)) };
    expect(now.startingCapital).not.toBeCloseTo(s.startingCapital, 0);
    const runner = new LiveRunner({ ...a.options, history: async () => candles.slice(0, restartAt) });
    a.setRunner(runner);
    await runner.enable(storedRunSpec({ ...stored, enabledAt: since }, now), {
      persist: false,
      resumeAfter: candles[restartAt - 1]!.closeTime,
    });
    for (const c of candles.slice(restartAt)) {
      a.track(c);
      await runner.onCandle(c);
    }

    // Order by order, percent ones with the quantity they came to (sized from the run's equity).
    const live = placedRows(a);
    const replay = signalRows(result.signals);
    expect(live.length).toBe(replay.length);
    live.forEach((row, k) => {
      expect(row.slice(0, 3)).toEqual(replay[k]!.slice(0, 3));
      expect(row[3] as number).toBeCloseTo(replay[k]![3] as number, 9);
    });
  });
});

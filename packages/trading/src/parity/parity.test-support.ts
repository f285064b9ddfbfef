/**
 * @module A live paper run for parity tests: a seeded 1 m random walk whose first candles are the
 * run's warm-up history, the rest handed to a live runner one by one (the live world's paper venue
 * fills its orders), and what a parity replay of it needs.
 */
import type { EventEnvelope } from '@tickline/kernel';
import {
  type Feed,
  type LiveCandle,
  randomWalkFeed,
  type StrategyDefinition,
} from '@tickline/strategy/internal';
import { candleEvents, P, settings, spec, SYMBOL, world } from '../live/live-world.test-support.ts';
import type { ManualClock } from '@tickline/kernel';
import type { WarmupWindow } from '../live/live-runner-types.ts';
import type { LivePausedSpan, StoredLiveRun } from '../live/live-store.ts';

export const WARMUP = 40;
/** Past the live engine's 256-candle columns: a run's `feed.index` must go on as the backtest's. */
export const BARS = 500;
export const ENABLED_AT = Date.UTC(2026, 0, 1);
/** Candles whose first WARMUP closed by the time the run is enabled (the world's clock). */
export const feed = randomWalkFeed(SYMBOL, '1m', 60_000, BARS, 11, 100, ENABLED_AT - WARMUP * 60_000);

function candlesOf(f: Feed): LiveCandle[] {
  const c = f.columns;
  return Array.from(c.closeTime, (closeTime, i) => ({
    openTime: c.openTime[i]!,
    closeTime,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));
}

/** `run-1` of `u1` as the store keeps it: version 1 on the feed's symbol, running, `more` over it. */
export function storedRun(more: Partial<StoredLiveRun> = {}): StoredLiveRun {
  return {
    id: 'run-1',
    strategyId: 'run-1',
    version: 1,
    userId: 'u1',
    tier: 'free',
    portfolioId: P,
    params: {},
    counts: { candles: 0, signals: 0 },
    feeds: [{ symbol: feed.symbol, interval: '1m' }],
    warmupBars: WARMUP,
    state: 'running',
    checkpointMs: feed.columns.closeTime.at(-1)!,
    ...more,
  };
}

/** The market's stored candles: the last `count` closed by `before`. */
export const history = async (_s: string, _i: string, count: number, before: number) =>
  candlesOf(feed)
    .filter((c) => c.closeTime <= before)
    .slice(-count);

/**
 * A live paper run of `definition` over the feed: `warmupBars` candles of warm-up from history,
 * then every candle after the first WARMUP. `storedLate`: that many of the last candles closed by
 * the enable reach the store only after the warm-up read (they closed while it ran). `pause`: the
 * owner pauses the run after live candle `after` and resumes it before live candle `resume` (the
 * clock then at the close of the one before, the newest stored); `killSwitch`: the portfolio's kill
 * switch pauses it instead (its working orders cancelled), released before the resume;
 * `killSwitchAt`: the run paused by its owner, the kill switch is engaged after live candle
 * `killSwitchAt` of the pause (the clock then at its close), cancelling the orders still working.
 */
export async function livePaperRun(
  definition: StrategyDefinition,
  params: Record<string, unknown> = {},
  warmupBars = WARMUP,
  o: {
    storedLate?: number;
    pause?: { after: number; resume: number; killSwitch?: boolean; killSwitchAt?: number };
  } = {},
) {
  const s = settings();
  const w = world(s, definition);
  let reads = 0;
  w.options.history = async (symbol, interval, count, before) =>
    reads++ === 0 && o.storedLate !== undefined
      ? history(symbol, interval, count, before - o.storedLate * 60_000)
      : history(symbol, interval, count, before);
  let windows: Array<WarmupWindow | null> | undefined;
  const paused: LivePausedSpan[] = [];
  w.options.persist = {
    enabled: async (_spec, start) => void (windows = start?.warmup),
    paused: async () => {},
    resumed: async (_id, { at, ...after }) => void paused.push({ ...after, until: at }),
  };
  const run = { ...spec('run-1', s), warmupBars, params };
  await w.runner.enable(run);
  const events: EventEnvelope[] = candleEvents(feed).slice(WARMUP);
  const clock = w.options.clock as ManualClock;
  for (const [i, e] of events.entries()) {
    if (i === o.pause?.resume) {
      clock.advance((events[i - 1]!.data as LiveCandle).closeTime - clock.now());
      if (o.pause.killSwitch === true || o.pause.killSwitchAt !== undefined)
        await w.options.risk.releaseKillSwitch(P, {
          actor: 'user',
          by: 'u1',
          at: clock.now(),
          reason: 'released',
        });
      await w.runner.resume(run.id);
    }
    w.track(e.data as { symbol: string; close: number });
    await w.runner.handle([e]);
    if (i === o.pause?.after) {
      // The kill switch pauses the run and cancels its working orders at the venue.
      if (o.pause.killSwitch === true)
        await w.runner.killSwitch(P, 'user', { by: 'u1', at: clock.now(), reason: 'for the test' });
      else w.runner.pause(run.id, 'user', 'paused for the test');
    }
    if (i === o.pause?.killSwitchAt) {
      clock.advance((e.data as LiveCandle).closeTime - clock.now());
      await w.runner.killSwitch(P, 'user', { by: 'u1', at: clock.now(), reason: 'while paused' });
    }
  }
  // Its decisions start after the warm-up: before the enable when candles were stored late.
  const orders = await w.journal.ofStrategy(P, run.strategyId, ENABLED_AT - (o.storedLate ?? 0) * 60_000 + 1);
  const base = {
    run: {
      id: run.id,
      strategyId: run.strategyId,
      version: run.version,
      params: run.params,
      feeds: run.feeds,
      warmupBars,
      enabledAt: ENABLED_AT,
      decidedUntil: feed.columns.closeTime.at(-1)!,
      ...(paused.length === 0 ? {} : { paused }),
    },
    settings: s,
    history,
    orders,
  };
  return { base, orders, w, windows: windows ?? [] };
}

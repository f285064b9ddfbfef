import type { EventEnvelope } from '@tickline/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { runBacktest } from '../core/engine.ts';
import type { Feed } from '../core/types.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import type { LiveCandle } from '../live/live-engine.ts';
import { candleEvents, crossing, P, settings, spec, SYMBOL, world } from '../live/live-world.test-support.ts';
import { createInlineExecutor } from '../research/executor.ts';
import { evaluateTrustedStrategy } from '../sandbox/host-module.ts';
import { replayParity, type ParityReplayOptions } from './parity-replay.ts';

const WARMUP = 40;
/** Past the live engine's 256-candle columns: a run's `feed.index` must go on as the backtest's. */
const BARS = 500;
const ENABLED_AT = Date.UTC(2026, 0, 1);
/** Candles whose first WARMUP closed by the time the run is enabled (the world's clock). */
const feed = randomWalkFeed(SYMBOL, '1m', 60_000, BARS, 11, 100, ENABLED_AT - WARMUP * 60_000);

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

/** The market's stored candles: the last `count` closed by `before`. */
const history = async (_s: string, _i: string, count: number, before: number) =>
  candlesOf(feed)
    .filter((c) => c.closeTime <= before)
    .slice(-count);

/** A live paper run of `definition` over the feed: warm-up from history, then every later candle. */
async function livePaperRun(definition: StrategyDefinition, params: Record<string, unknown> = {}) {
  const s = settings();
  const w = world(s, definition);
  w.options.history = history;
  const run = { ...spec('run-1', s), warmupBars: WARMUP, params };
  await w.runner.enable(run);
  const events: EventEnvelope[] = candleEvents(feed).slice(WARMUP);
  for (const e of events) {
    w.track(e.data as { symbol: string; close: number });
    await w.runner.handle([e]);
  }
  const orders = await w.journal.ofStrategy(P, run.strategyId, ENABLED_AT);
  const base = {
    run: {
      id: run.id,
      strategyId: run.strategyId,
      version: run.version,
      params: run.params,
      feeds: run.feeds,
      warmupBars: WARMUP,
      enabledAt: ENABLED_AT,
      decidedUntil: feed.columns.closeTime.at(-1)!,
    },
    settings: s,
    history,
    orders,
  };
  return { base, orders };
}

/** Replays on this thread (trusted definitions only). */
const onHost =
  (definition: StrategyDefinition): ParityReplayOptions['execute'] =>
  async (job) =>
    runBacktest(definition, job.feeds, job.settings, {
      ...(job.params ? { params: job.params } : {}),
      recordSignals: job.recordSignals === true,
      ...(job.warmupUntil === undefined ? {} : { warmupUntil: job.warmupUntil }),
    });

describe('parity report', () => {
  const sandbox = createInlineExecutor();
  afterAll(() => sandbox.close());

  it('a live paper run replayed with its own version is identical, decision by decision', async () => {
    const { base, orders } = await livePaperRun(crossing);
    expect(orders.length).toBeGreaterThan(10);
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.window).toMatchObject({ candles: BARS - WARMUP, warmupCandles: WARMUP });
    expect(report.identical).toBe(true);
    expect(report.liveDecisions).toBe(orders.length);
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
    expect(report.rows.every((r) => r.differs.length === 0)).toBe(true);
    // Stops and limits are in it, with their prices.
    expect(new Set(report.rows.map((r) => r.live!.type))).toEqual(new Set(['market', 'stop', 'limit']));
  });

  it('percent orders sized from equity, replayed in the sandbox from the stored code: identical', async () => {
    const js = stripTypes(SMA_CROSS_SOURCE);
    const { base, orders } = await livePaperRun(evaluateTrustedStrategy(js), { fast: 5, slow: 15 });
    expect(orders.length).toBeGreaterThan(4);
    const report = await replayParity({ ...base, execute: (job) => sandbox.run({ ...job, code: js }) });
    expect(report.rows[0]!.replay!.percent).toBe(100);
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
  });

  it('a changed version shows the first divergence, and the rows agree up to it', async () => {
    const { base } = await livePaperRun(crossing);
    // The next version of the strategy: a slower slow average by default.
    const changed: StrategyDefinition = {
      ...crossing,
      params: { ...crossing.params, slow: { type: 'int', default: 16 } },
    };
    const report = await replayParity({ ...base, execute: onHost(changed) });
    expect(report.identical).toBe(false);
    const first = report.firstDivergence!;
    expect(report.rows[first]!.differs.length).toBeGreaterThan(0);
    expect(report.rows.slice(0, first).every((r) => r.differs.length === 0)).toBe(true);
    expect(report.summary).toMatch(/^diverges at decision \d+/);
    expect(report.summary).toContain(new Date(report.rows[first]!.live!.candleCloseTime).toISOString());
  });

  it('a replay without the run’s warm-up is not the run: warm-up decisions would count', async () => {
    const { base } = await livePaperRun(crossing);
    const report = await replayParity({
      ...base,
      execute: (job) => onHost(crossing)({ ...job, warmupUntil: -Infinity }),
    });
    expect(report.identical).toBe(false);
  });

  it('a run that decided nothing yet has no report (coded)', async () => {
    const { base } = await livePaperRun(crossing);
    await expect(
      replayParity({ ...base, run: { ...base.run, decidedUntil: ENABLED_AT }, execute: onHost(crossing) }),
    ).rejects.toMatchObject({ code: 'STRATEGY_PARITY_UNAVAILABLE' });
  });
});

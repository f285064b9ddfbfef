/**
 * The look-ahead check against a suite: 20 seeded strategies with a look-ahead bias, each of the
 * four kinds the issue names five times (a future index, a ToPrimitive/`valueOf` index, an
 * indicator read at a negative offset, state set from the last bar of the data), must all be
 * caught; 20 honest ones (every template with two parameter sets in the sandbox, and six that read
 * the raw columns only up to the bar being decided) must all pass. Biased strategies get the raw
 * columns of the data they were loaded with, as a strategy with its own data access would: inside
 * the sandbox none of these can be written (a series is ago-indexed, the index coerced once:
 * lookahead-access.test.ts), so they run on the host engine through an executor that hands them
 * the (cut) feeds.
 */
import { describe, expect, it } from 'vitest';
import { ema, rsi, sma } from '@tickline/market';
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { StrategyContext } from '../core/context.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { runBacktest } from '../core/engine.ts';
import type { Feed } from '../core/types.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { createInlineExecutor, type BacktestExecutor, type BacktestJob } from './executor.ts';
import { checkLookahead } from './lookahead.ts';

const BARS = 1_500;
const POINTS = 12;
const settings = resolveBacktestSettings({ takerFee: 0.001 });

/** A seeded stand-in for what a strategy with its own data access builds from the feeds it got. */
type Maker = (feeds: readonly Feed[], seed: number) => StrategyDefinition;

/** Runs trusted definitions made from each run's own (possibly cut) feeds, on this thread. */
function hostExecutor(make: Maker, seed: number): BacktestExecutor {
  return {
    concurrency: 1,
    run: (j) =>
      Promise.resolve(
        runBacktest(make(j.feeds, seed), j.feeds, j.settings, { recordSignals: j.recordSignals }),
      ),
    close: () => Promise.resolve(),
  };
}

/** Long when `up`, flat when not: every decision is an order when it flips. */
function follow(ctx: StrategyContext, up: boolean): void {
  const flat = ctx.position().qty === 0;
  if (flat && up) ctx.buy({ percent: 100 });
  else if (!flat && !up) ctx.closePosition();
}

const closes = (feeds: readonly Feed[]): Float64Array => feeds[0]!.columns.close;

/** An index object whose property key is a later bar: `array[key]` reads bar `i + k`. */
const laterKey = (i: number, k: number) => ({ valueOf: () => i + k, toString: () => String(i + k) });

const BIASED: Array<[kind: string, make: Maker]> = [
  // 1. Future index: the close k bars ahead of the one being decided.
  ...[1, 2, 3, 5, 8].map((k): [string, Maker] => [
    `future index +${k}`,
    (feeds) => ({
      onCandle(ctx) {
        const next = closes(feeds)[ctx.feed.index + k];
        follow(ctx, next !== undefined && next > ctx.close.at(0));
      },
    }),
  ]),
  // 2. ToPrimitive tricks: an object as the index, converted to a later bar's position.
  ...[1, 2, 3, 4, 6].map((k): [string, Maker] => [
    `valueOf/toString index +${k}`,
    (feeds) => ({
      onCandle(ctx) {
        const c = closes(feeds) as unknown as Record<string, number | undefined>;
        const next = c[laterKey(ctx.feed.index, k) as unknown as string];
        follow(ctx, next !== undefined && next > ctx.close.at(0));
      },
    }),
  ]),
  // 3. An indicator over all the data, read at a negative offset (centred): it averages bars to come.
  ...(
    [
      ['SMA(10) at offset −5', (c: Float64Array) => sma(c, 10), 5],
      ['SMA(20) at offset −10', (c: Float64Array) => sma(c, 20), 10],
      ['EMA(8) at offset −4', (c: Float64Array) => ema(c, 8), 4],
      ['EMA(30) at offset −15', (c: Float64Array) => ema(c, 30), 15],
      ['RSI(14) at offset −7', (c: Float64Array) => rsi(c, 14), 7],
    ] as const
  ).map(([name, indicator, ahead]): [string, Maker] => [
    name,
    (feeds) => {
      const values = indicator(closes(feeds));
      return {
        onCandle(ctx) {
          const v = values[ctx.feed.index + ahead];
          const up = name.startsWith('RSI')
            ? v !== undefined && v > 50
            : v !== undefined && v > ctx.close.at(0);
          follow(ctx, up);
        },
      };
    },
  ]),
  // 4. State from the last bar of the data: the final price, the range's extremes or its mean.
  [
    'state: below the last close',
    (feeds) => {
      const last = closes(feeds).at(-1)!;
      return { onCandle: (ctx) => follow(ctx, ctx.close.at(0) < last) };
    },
  ],
  [
    'state: under the mean of all bars',
    (feeds) => {
      const c = closes(feeds);
      const mean = c.reduce((s, v) => s + v, 0) / c.length;
      return { onCandle: (ctx) => follow(ctx, ctx.close.at(0) < mean) };
    },
  ],
  [
    'state: near the range low',
    (feeds) => {
      const c = closes(feeds);
      const [lo, hi] = [Math.min(...c), Math.max(...c)];
      return { onCandle: (ctx) => follow(ctx, ctx.close.at(0) < lo + (hi - lo) / 2) };
    },
  ],
  [
    'state: below the close halfway through the data',
    (feeds) => {
      const c = closes(feeds);
      const middle = c[c.length >> 1]!;
      return { onCandle: (ctx) => follow(ctx, ctx.close.at(0) < middle) };
    },
  ],
  [
    'state: bars left to the end',
    (feeds) => {
      const n = closes(feeds).length;
      return { onCandle: (ctx) => follow(ctx, (n - ctx.feed.index) % 10 < 5) };
    },
  ],
];

/** Honest strategies with the same raw access, reading only bars up to the one being decided. */
const HONEST_HOST: Array<[kind: string, make: Maker]> = [
  ...[1, 3, 7].map((k): [string, Maker] => [
    `past index −${k}`,
    (feeds) => ({
      onCandle(ctx) {
        const before = closes(feeds)[ctx.feed.index - k];
        follow(ctx, before !== undefined && ctx.close.at(0) > before);
      },
    }),
  ]),
  ...([10, 25] as const).map((n): [string, Maker] => [
    `SMA(${n}) of the bars so far`,
    (feeds) => ({
      onCandle(ctx) {
        const values = sma(closes(feeds).subarray(0, ctx.feed.index + 1), n);
        follow(ctx, values.at(-1)! < ctx.close.at(0));
      },
    }),
  ]),
  [
    'state: the first bar',
    (feeds) => {
      const first = closes(feeds)[0]!;
      return { onCandle: (ctx) => follow(ctx, ctx.close.at(0) > first) };
    },
  ],
];

/** Every template twice: its defaults and another set, in the sandbox. */
const HONEST_TEMPLATES: Array<[id: string, params: Record<string, unknown>]> = STRATEGY_TEMPLATES.flatMap(
  (t) => {
    const other: Record<string, Record<string, unknown>> = {
      'trend-sma-cross': { fast: 5, slow: 20 },
      'mean-reversion-rsi': { period: 7, oversold: 40, exit: 60 },
      'breakout-donchian': { entry: 10, exit: 5 },
      'momentum-macd': { fast: 6, slow: 13, signal: 5 },
      'volatility-atr': { period: 10, k: 0.5, m: 1 },
      'multi-timeframe-ema': { fast: 5, slow: 15, trend: 30 },
      'spread-pairs': { lookback: 30, entry: 1, exit: 0.25 },
    };
    return [
      [t.id, {}],
      [t.id, other[t.id] ?? {}],
    ];
  },
);

/** A seeded 1 m random walk; the spread template gets a second symbol. */
const feedsFor = (seed: number, two = false): Feed[] => [
  randomWalkFeed('BTC-USDT', '1m', 60_000, BARS, seed),
  ...(two ? [randomWalkFeed('ETH-USDT', '1m', 60_000, BARS, seed + 1000, 50)] : []),
];
const job = (feeds: Feed[], code = ''): BacktestJob => ({ code, feeds, settings, params: {} });

describe('look-ahead check - a suite of biased and honest strategies', () => {
  it('catches all 20 biased strategies, each on its own seeded data', async () => {
    expect(BIASED).toHaveLength(20);
    const missed: string[] = [];
    for (const [i, [kind, make]] of BIASED.entries()) {
      const seed = 100 + i;
      // Given a strategy whose past decisions read later data
      const report = await checkLookahead(hostExecutor(make, seed), job(feedsFor(seed)), { points: POINTS });
      // Then it placed orders, and the runs on cut data decided differently before the cut
      expect(report.signals, kind).toBeGreaterThan(1);
      if (report.ok) missed.push(kind);
      for (const d of report.differences) expect(d.time, kind).toBeLessThanOrEqual(d.cutoff);
    }
    expect(missed).toEqual([]);
  });

  it(
    'passes 20 honest strategies: every template twice in the sandbox, six reading past bars',
    { timeout: 300_000 },
    async () => {
      expect(HONEST_TEMPLATES.length + HONEST_HOST.length).toBe(20);
      const flagged: string[] = [];
      for (const [i, [kind, make]] of HONEST_HOST.entries()) {
        const report = await checkLookahead(hostExecutor(make, i), job(feedsFor(200 + i)), {
          points: POINTS,
        });
        expect(report.signals, kind).toBeGreaterThan(5);
        if (!report.ok) flagged.push(kind);
      }
      const inline = createInlineExecutor({ cpuMs: 20_000 });
      try {
        for (const [i, [id, params]] of HONEST_TEMPLATES.entries()) {
          const template = STRATEGY_TEMPLATES.find((t) => t.id === id)!;
          const two = template.feeds !== undefined;
          const j = { ...job(feedsFor(300 + i, two), stripTypes(template.source)), params };
          const report = await checkLookahead(inline, j, { points: POINTS });
          const name = `${id} ${JSON.stringify(params)}`;
          expect(report.signals, name).toBeGreaterThan(0);
          if (!report.ok) flagged.push(name);
        }
      } finally {
        await inline.close();
      }
      expect(flagged).toEqual([]);
    },
  );
});

/**
 * The parity report on a live paper run of every strategy template over 4 hours of simulator
 * candles (the market simulator's seeded trade tape, aggregated into 1 m and 5 m candles by the
 * market's own candle aggregator): the template's code runs live in a runner on a paper venue,
 * then the parity replay runs the same code in the sandbox over the candles the run saw. Each reads
 * "identical, N decisions"; the template changed (another default) shows its first divergence.
 * Templates with a second feed get it: the multi-timeframe one the same symbol's 5 m candles, the
 * spread ETH-USDT's 1 m candles.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEventSource, defineEvent, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { CandleAggregator, resolveTapeConfig, tradeTape, type Candle } from '@tickline/market';
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import {
  createInlineExecutor,
  evaluateTrustedStrategy,
  stripTypes,
  type LiveCandle,
  type LiveFeed,
} from '@tickline/strategy/internal';
import { z } from 'zod';
import { OrderDesk } from '../broker/order-desk.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import { LiveRunner } from '../live/live-runner.ts';
import { settings } from '../live/live-world.test-support.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { replayParity } from './parity-replay.ts';

const P = 'portfolio-1';
const Closed = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const WARMUP_BARS = 200;
/** The run is enabled after 200 minutes of candles (its warm-up), then decides 4 hours of them. */
const ENABLED_AT = START + WARMUP_BARS * MINUTE;
const END = ENABLED_AT + 240 * MINUTE;

/** Closed 1 m and 5 m candles of BTC-USDT and ETH-USDT from the simulator's seeded tape. */
function simulatorCandles(seed: number): Candle[] {
  const aggregator = new CandleAggregator({ intervals: ['1m', '5m'], emitUpdates: false });
  const out: Candle[] = [];
  for (const trade of tradeTape(resolveTapeConfig({ seed }, START))) {
    if (trade.exchangeTime >= END) break;
    for (const o of aggregator.onTrade(trade)) if (o.type === 'closed') out.push(o.candle);
  }
  for (const o of aggregator.advance(END)) if (o.type === 'closed') out.push(o.candle);
  return out.sort((a, b) => a.closeTime - b.closeTime);
}

const key = (f: { symbol: string; interval: string }) => `${f.symbol} ${f.interval}`;

/** A live paper run of `code` on `feeds`: warm-up from the candles before ENABLED_AT, then the rest. */
async function livePaperRun(
  code: string,
  feeds: LiveFeed[],
  params: Record<string, unknown>,
  candles: readonly Candle[],
) {
  const s = settings();
  const clock = new ManualClock(ENABLED_AT);
  const symbols = new Set(feeds.map((f) => f.symbol));
  const books = new CorePortfolioLedger();
  books.open(P, s.startingCapital, []);
  const last = new Map<string, number>();
  const paper = createPaperBroker({
    fillModel: coreFillModel(s),
    ledger: books,
    symbols,
    lastPrice: (symbol) => last.get(symbol),
    marketFill: 'next-bar',
    fundsAtFill: (request) => request.origin.kind === 'strategy',
    now: () => clock.now(),
  });
  const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }), (x) =>
    last.get(x),
  );
  const journal = new InMemoryOrderJournal();
  // The desk reports order events to the runner, which needs the desk: bound once both exist.
  const ref: { runner?: LiveRunner } = {};
  const desk = new OrderDesk({
    broker: paper,
    journal,
    portfolios: risk,
    clock,
    emit: (e) => ref.runner!.onOrderEvent(e),
  });
  const wanted = new Set(feeds.map(key));
  const mine = candles.filter((c) => wanted.has(key(c)));
  const history = async (
    symbol: string,
    interval: string,
    count: number,
    before: number,
  ): Promise<LiveCandle[]> =>
    mine.filter((c) => c.symbol === symbol && c.interval === interval && c.closeTime <= before).slice(-count);
  const runner = (ref.runner = new LiveRunner({
    desk,
    paper,
    books,
    risk,
    load: async () => evaluateTrustedStrategy(code),
    history,
    orders: journal,
    publish: () => undefined,
    source: createEventSource({ source: 'strategy/live', clock }),
    clock,
  }));
  const run = {
    id: 'run-1',
    strategyId: 'run-1',
    version: 1,
    userId: 'u1',
    portfolioId: P,
    params,
    feeds,
    settings: s,
    warmupBars: WARMUP_BARS,
  };
  await runner.enable(run);
  // Candles closing together arrive as one batch, as the consumer hands them over.
  const market = createEventSource({ source: 'market', clock: new ManualClock(0) });
  const live = mine.filter((c) => c.closeTime > ENABLED_AT);
  for (let i = 0; i < live.length;) {
    const t = live[i]!.closeTime;
    const batch: EventEnvelope[] = [];
    for (; i < live.length && live[i]!.closeTime === t; i++) {
      const c = live[i]!;
      last.set(c.symbol, c.close);
      batch.push(market.create(Closed, { subject: c.symbol, data: { ...c, correction: false } }));
    }
    clock.advance(t - clock.now());
    await runner.handle(batch);
  }
  const orders = await journal.ofStrategy(P, run.strategyId, ENABLED_AT);
  const decidedUntil = live.at(-1)!.closeTime;
  return {
    orders,
    base: {
      run: { ...run, enabledAt: ENABLED_AT, decidedUntil },
      settings: s,
      history,
      orders,
    },
  };
}

/**
 * Feeds beyond the default one 1 m feed, and parameters the 200-bar warm-up settles. 1 m, not 1 s:
 * four hours of 1 s candles are past the replay's 5,000 candles per feed. Runs on 1 s candles are
 * compared with their backtests in live/fill-interval.test.ts and, through `tickline start`, in
 * server/src/live/paper-fills-1s.e2e.test.ts.
 */
const RUNS: Record<string, { feeds: LiveFeed[]; params?: Record<string, unknown> }> = {
  'mean-reversion-rsi': {
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    params: { oversold: 40, exit: 55 },
  },
  'multi-timeframe-ema': {
    feeds: [
      { symbol: 'BTC-USDT', interval: '1m' },
      { symbol: 'BTC-USDT', interval: '5m' },
    ],
    params: { fast: 5, slow: 12, trend: 10 },
  },
  'spread-pairs': {
    feeds: [
      { symbol: 'BTC-USDT', interval: '1m' },
      { symbol: 'ETH-USDT', interval: '1m' },
    ],
    params: { lookback: 60, entry: 1.5, exit: 0.5 },
  },
};

describe('parity report - every template, live on simulator candles', () => {
  const sandbox = createInlineExecutor({ cpuMs: 20_000 });
  afterAll(() => sandbox.close());
  const candles = simulatorCandles(26);

  it('the simulator gave 4 hours of 1 m candles of both symbols after the warm-up', () => {
    for (const symbol of ['BTC-USDT', 'ETH-USDT']) {
      const mine = candles.filter((c) => c.symbol === symbol && c.interval === '1m');
      expect(mine.filter((c) => c.closeTime <= ENABLED_AT)).toHaveLength(WARMUP_BARS);
      expect(mine.filter((c) => c.closeTime > ENABLED_AT)).toHaveLength(240);
    }
  });

  for (const template of STRATEGY_TEMPLATES) {
    it(
      `${template.id}: identical, then the first divergence of a changed version`,
      { timeout: 120_000 },
      async () => {
        const code = stripTypes(template.source);
        const { feeds, params = {} } = RUNS[template.id] ?? {
          feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
        };
        // Given a live paper run of the template over 4 hours of simulator candles
        const { base, orders } = await livePaperRun(code, feeds, params, candles);
        expect(orders.length, template.id).toBeGreaterThan(2);
        // When it is replayed in the sandbox with the same code
        const same = await replayParity({ ...base, execute: (job) => sandbox.run({ ...job, code }) });
        // Then every decision is the same
        expect(same.summary).toBe(`identical, ${orders.length} decisions`);
        // And a next version that buys with half the equity diverges, the rows before it identical
        const changed = code.replaceAll('percent: 100', 'percent: 50');
        expect(changed).not.toBe(code);
        const other = await replayParity({
          ...base,
          execute: (job) => sandbox.run({ ...job, code: changed }),
        });
        expect(other.identical, template.id).toBe(false);
        const first = other.firstDivergence!;
        expect(other.rows.slice(0, first).every((r) => r.differs.length === 0)).toBe(true);
        expect(other.summary).toMatch(/^diverges at decision \d+/);
      },
    );
  }
});

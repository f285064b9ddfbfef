/**
 * @module `npm run bench:live` — live strategy runs on one process: BENCH_STRATEGIES (default
 * 1,000) SMA-crossover runs (the editor's template, percent sizing) spread over BENCH_SYMBOLS
 * (default 20) symbols of one-minute candles, BENCH_MINUTES (default 240) minutes replayed as
 * fast as the runner takes them, each run with its own paper portfolio, every order through the
 * order desk and the paper venue. All symbols' candles of a minute arrive together (as they do
 * live); a run's candle-to-signal latency is from that arrival to the end of its decision (its
 * orders placed). strategies_per_core = how many such runs one core sustains at one candle per
 * minute, from the process CPU time per replayed minute. The last line is `RESULT {json}`.
 * Targets: p99 < 100 ms, ≥ 1,000 strategies per core.
 *
 * Two runs side by side: the shipped path (each run's strategy in its own isolate, stepped one
 * candle at a time through the sandbox's live session, with the premium tier's limits) and its
 * peer, the same engine on the host thread (what live runs did before they were sandboxed); the
 * RESULT's headline figures are the sandbox's, with the ratios to the peer. BENCH_PATH=sandbox or
 * host runs one only.
 */
import {
  compileStrategy,
  coreFillModel,
  CorePortfolioLedger,
  createPaperBroker,
  evaluateTrustedStrategy,
  InMemoryOrderJournal,
  LedgerRiskView,
  LiveRunner,
  openLiveSandbox,
  OrderDesk,
  type OpenSession,
  randomWalkFeed,
  resolveBacktestSettings,
  RiskLimitsSchema,
  SMA_CROSS_SOURCE,
  type FeedCandle,
} from '@tickline/strategy/internal';
import { createEventSource, systemClock } from '@tickline/kernel';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const strategies = envInt('BENCH_STRATEGIES', 1_000);
const symbolCount = envInt('BENCH_SYMBOLS', 20);
const minutes = envInt('BENCH_MINUTES', 240);
/** Minutes replayed first and not measured (JIT warm-up, the SMAs filling). */
const warmup = envInt('BENCH_WARMUP', 30);
const symbols = Array.from({ length: symbolCount }, (_, i) => `S${i}-USDT`);
const settings = resolveBacktestSettings({ startingCapital: 10_000, makerFee: 0.001, takerFee: 0.001 });
const js = (await compileStrategy(SMA_CROSS_SOURCE)).js;
const definition = evaluateTrustedStrategy(js);
const path = process.env.BENCH_PATH ?? 'both';

progress(`${strategies} runs over ${symbolCount} symbols, ${minutes} one-minute candles each`);
const feeds = symbols.map((s, i) => randomWalkFeed(s, '1m', 60_000, warmup + minutes, i + 1));

/** The sandbox path: the run's stored code in its own isolate (premium tier limits). */
const sandboxSessions: OpenSession = (spec, capacity) =>
  openLiveSandbox({
    code: js,
    feeds: spec.feeds,
    settings: spec.settings,
    params: spec.params,
    capacity,
    limits: { memoryMb: 64, cpuMsPerCandle: 100 },
  });

async function measure(label: 'sandbox' | 'host') {
  progress(`${label}: starting ${strategies} runs`);
  const books = new CorePortfolioLedger();
  const last = new Map<string, number>();
  const paper = createPaperBroker({
    fillModel: coreFillModel(settings),
    ledger: books,
    symbols: new Set(symbols),
    lastPrice: (s) => last.get(s),
    marketFill: 'next-bar',
    fundsAtFill: (r) => r.origin.kind === 'strategy',
  });
  const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }), (s) =>
    last.get(s),
  );
  const late: { runner?: LiveRunner } = {};
  let orderEvents = 0;
  let signals = 0;
  const desk = new OrderDesk({
    broker: paper,
    journal: new InMemoryOrderJournal(),
    portfolios: risk,
    clock: systemClock,
    emit: (e) => {
      orderEvents++;
      late.runner!.onOrderEvent(e);
    },
  });
  let arrival = 0;
  const latencies: number[] = [];
  const runner = (late.runner = new LiveRunner({
    desk,
    paper,
    books,
    risk,
    ...(label === 'sandbox' ? { open: sandboxSessions } : { load: async () => definition }),
    history: async () => [],
    publish: (e) => {
      if (e.type === 'strategy.signal') signals++;
    },
    source: createEventSource({ source: 'strategy/live' }),
    clock: systemClock,
    cpuMsPerCandle: 1_000,
    observe: () => latencies.push(performance.now() - arrival),
  }));
  for (let i = 0; i < strategies; i++) {
    const portfolioId = `p${i}`;
    books.open(portfolioId, settings.startingCapital, []);
    await runner.enable({
      id: `run-${i}`,
      strategyId: `run-${i}`,
      version: 1,
      userId: `u${i % 100}`,
      portfolioId,
      params: { fast: 5 + (i % 7), slow: 20 + (i % 11) },
      feeds: [{ symbol: symbols[i % symbolCount]!, interval: '1m' }],
      settings,
      warmupBars: 0,
    });
  }

  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  for (let m = 0; m < warmup + minutes; m++) {
    if (m === warmup) {
      latencies.length = 0;
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
    }
    arrival = performance.now();
    for (const feed of feeds) {
      const c = feed.columns;
      const candle: FeedCandle = {
        symbol: feed.symbol,
        interval: '1m',
        openTime: c.openTime[m]!,
        closeTime: c.closeTime[m]!,
        open: c.open[m]!,
        high: c.high[m]!,
        low: c.low[m]!,
        close: c.close[m]!,
        volume: c.volume[m]!,
      };
      last.set(feed.symbol, candle.close);
      await runner.onCandle(candle);
    }
    if ((m + 1) % 60 === 0) progress(`${label}: ${m + 1} minutes`);
    // Candles come a minute apart: let timers and I/O run between them, as a live process does.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMsPerMinute = (cpu.user + cpu.system) / 1_000 / minutes;
  const paused = runner.list().filter((s) => s.state === 'paused').length;
  for (const id of runner.list().map((r) => r.id)) runner.disable(id);
  return {
    strategies,
    symbols: symbolCount,
    minutes,
    decisions: latencies.length,
    signals,
    order_events: orderEvents,
    paused,
    candle_to_signal_p50_ms: round(percentile(latencies, 50), 3),
    candle_to_signal_p99_ms: round(percentile(latencies, 99), 3),
    cpu_ms_per_minute: round(cpuMsPerMinute, 1),
    wall_ms: round(wallMs, 0),
    strategies_per_core: Math.floor((strategies * 60_000) / cpuMsPerMinute),
  };
}

const runs: Partial<Record<'sandbox' | 'host', Awaited<ReturnType<typeof measure>>>> = {};
if (path !== 'host') runs.sandbox = await measure('sandbox');
if (path !== 'sandbox') runs.host = await measure('host');
printTable(
  Object.entries(runs).map(([label, r]) => ({
    path: label === 'sandbox' ? 'sandbox (isolate per run)' : 'host thread (peer)',
    'p50 ms': r.candle_to_signal_p50_ms,
    'p99 ms': r.candle_to_signal_p99_ms,
    'cpu ms/minute': r.cpu_ms_per_minute,
    'strategies/core': r.strategies_per_core,
    paused: r.paused,
  })),
);
const main = runs.sandbox ?? runs.host!;
printResult({
  path: runs.sandbox ? 'sandbox' : 'host',
  ...main,
  ...(runs.sandbox && runs.host
    ? {
        peer: 'host thread',
        peer_candle_to_signal_p99_ms: runs.host.candle_to_signal_p99_ms,
        peer_strategies_per_core: runs.host.strategies_per_core,
        p99_ratio_vs_peer: round(runs.sandbox.candle_to_signal_p99_ms / runs.host.candle_to_signal_p99_ms, 2),
        cpu_ratio_vs_peer: round(runs.sandbox.cpu_ms_per_minute / runs.host.cpu_ms_per_minute, 2),
      }
    : {}),
});

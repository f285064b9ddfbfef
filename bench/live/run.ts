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
  OrderDesk,
  randomWalkFeed,
  resolveBacktestSettings,
  RiskLimitsSchema,
  SMA_CROSS_SOURCE,
  type FeedCandle,
} from '@tickline/strategy/internal';
import { createEventSource, systemClock } from '@tickline/kernel';
import { envInt, percentile, printResult, progress, round } from '../lib/report.ts';

const strategies = envInt('BENCH_STRATEGIES', 1_000);
const symbolCount = envInt('BENCH_SYMBOLS', 20);
const minutes = envInt('BENCH_MINUTES', 240);
/** Minutes replayed first and not measured (JIT warm-up, the SMAs filling). */
const warmup = envInt('BENCH_WARMUP', 30);
const symbols = Array.from({ length: symbolCount }, (_, i) => `S${i}-USDT`);
const settings = resolveBacktestSettings({ startingCapital: 10_000, makerFee: 0.001, takerFee: 0.001 });
const definition = evaluateTrustedStrategy((await compileStrategy(SMA_CROSS_SOURCE)).js);

progress(`${strategies} runs over ${symbolCount} symbols, ${minutes} one-minute candles each`);
const feeds = symbols.map((s, i) => randomWalkFeed(s, '1m', 60_000, warmup + minutes, i + 1));
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
const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }), (s) => last.get(s));
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
  load: async () => definition,
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
  if ((m + 1) % 60 === 0) progress(`${m + 1} minutes`);
  // Candles come a minute apart: let timers and I/O run between them, as a live process does.
  await new Promise((resolve) => setImmediate(resolve));
}
const wallMs = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
const cpuMsPerMinute = (cpu.user + cpu.system) / 1_000 / minutes;
const paused = runner.list().filter((s) => s.state === 'paused').length;
printResult({
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
});

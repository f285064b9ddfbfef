/**
 * @module `npm run bench:live` — live strategy runs the way the server runs them: BENCH_STRATEGIES
 * (default 5,000) SMA-crossover runs (the editor's template, percent sizing) of BENCH_ACCOUNTS
 * accounts (default one per five runs; a premium account runs up to 20) spread over BENCH_SYMBOLS
 * (default 20) symbols of one-minute candles, BENCH_MINUTES (default 60) minutes after
 * BENCH_WARMUP (default 10) unmeasured ones, replayed as fast as the runner takes them, each run
 * with its own paper portfolio, every order through the order desk and the paper venue. Every
 * order passes the risk check production runs: the platform's default limits, and each
 * portfolio's kill switch and limits read from SQL (`SqlRiskControls` over the embedded PGlite in a
 * data directory, as `tickline start` has it) through the view every process uses
 * (`LedgerRiskView`), whose 1 s cache runs on the replayed clock — as live, where candles are a
 * minute apart, each strategy order reads the store. Every order is journalled in the same SQL, as
 * there (`SqlOrderJournal`: its claim, the venue's answer, each fill); BENCH_JOURNAL=memory keeps
 * orders in memory instead, which is what every figure before docs/benchmarks.md's "orders
 * journalled in SQL" entry measured. All
 * symbols' candles of a minute arrive as one batch (as the candle consumer delivers them); a run's
 * candle-to-signal latency is from that arrival to its signal — the `strategy.signal` event its
 * first order publishes as it goes to the desk — or to the end of its step when it placed none;
 * `candle_to_placed_*` times the same decisions to their orders placed (journalled, risk-checked).
 *
 * The shipped path: the runs' strategies in sandbox processes (one resident process per core,
 * each account's runs in one isolate there; docs/sandbox.md), this process only routing candles
 * and placing orders — its event-loop delay is measured while it does. The peer: the same engine
 * on this process's thread, what live runs were before any sandbox. strategies_per_core counts the
 * CPU of this process and the sandbox processes together; `wave_cpu_{server,boundary,strategy}_ms`
 * split the sandbox path's CPU a wave (issue 45). The last line is `RESULT {json}`.
 * Targets (issue 24): candle close → signal p99 < 100 ms and this process's event-loop delay p99 <
 * 20 ms with 5,000 runs on 2 cores. BENCH_PATH=sandbox or host runs one only. `npm run bench:live`
 * starts this process as `bin/tickline` starts the server (`bin/node-as-server`: jemalloc when
 * installed, a small young generation, Liftoff for PGlite's WebAssembly), so the server's side is
 * measured as it ships.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import {
  compileStrategy,
  evaluateTrustedStrategy,
  LiveProcesses,
  type OpenSession,
  randomWalkFeed,
  resolveBacktestSettings,
  SMA_CROSS_SOURCE,
} from '@tickline/strategy/internal';
import {
  coreFillModel,
  CorePortfolioLedger,
  createOrderEventOutbox,
  createPaperBroker,
  InMemoryOrderJournal,
  LedgerRiskView,
  LiveRunner,
  migrateForTrading,
  OrderDesk,
  orderEnvelope,
  orderEventSourceName,
  PORTFOLIO_PROJECTION_CONSUMER,
  RiskLimitsSchema,
  SqlOrderJournal,
  SqlRiskControls,
  type FeedCandle,
} from '@tickline/trading/internal';
import { type Clock, createEventSource, type EventEnvelope, Registry, silentLogger } from '@tickline/kernel';
import { createPgliteSql } from '@tickline/store';
import { cpuMicros, rssBytes } from '../lib/proc-stat.ts';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const strategies = envInt('BENCH_STRATEGIES', 5_000);
const accounts = envInt('BENCH_ACCOUNTS', Math.max(1, Math.ceil(strategies / 5)));
const symbolCount = envInt('BENCH_SYMBOLS', 20);
const minutes = envInt('BENCH_MINUTES', 60);
/** Minutes replayed first and not measured (JIT warm-up, the SMAs filling). */
const warmup = envInt('BENCH_WARMUP', 10);
const processCount = envInt('BENCH_PROCESSES', availableParallelism());
const symbols = Array.from({ length: symbolCount }, (_, i) => `S${i}-USDT`);
const settings = resolveBacktestSettings({ startingCapital: 10_000, makerFee: 0.001, takerFee: 0.001 });
const js = (await compileStrategy(SMA_CROSS_SOURCE)).js;
const definition = evaluateTrustedStrategy(js);
const path = process.env.BENCH_PATH ?? 'both';
/**
 * A directory: this process's CPU profile of the measured minutes only (not the runs' opening nor
 * the warm-up), one `<path>.cpuprofile` per path — where the server's share of a wave goes.
 */
const profileDir = process.env.BENCH_PROFILE_DIR;

progress(
  `${strategies} runs of ${accounts} accounts over ${symbolCount} symbols, ${minutes} one-minute candles each`,
);
const feeds = symbols.map((s, i) => randomWalkFeed(s, '1m', 60_000, warmup + minutes, i + 1));

/** The premium tier's limits (docs/sandbox.md). */
const LIMITS = { cpuMsPerCandle: 100, setupCpuMs: 2_000, warmupCpuMs: 2_000 };

async function measure(label: 'sandbox' | 'host') {
  progress(`${label}: starting ${strategies} runs`);
  // The embedded store of `tickline start` (PGlite on a worker thread, in a data directory), for
  // the risk controls and the order journal.
  const dataDir = await mkdtemp(join(tmpdir(), 'tickline-bench-live-'));
  const sqlMetrics = new Registry();
  const sql = await createPgliteSql({ dataDir, metrics: sqlMetrics });
  /** Statements sent to the store so far (each a round trip to PGlite's worker and its fixed cost). */
  const statements = async () => {
    const metric = await sqlMetrics.getSingleMetric('tickline_sql_statement_duration_seconds')?.get();
    // A histogram's values carry their series' name (prom-client types them without it).
    const values = (metric?.values ?? []) as Array<{ value: number; metricName?: string }>;
    return values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  };
  let statementsStart = 0;
  await migrateForTrading(sql);
  /** The replayed minute's close: the desk's, the venue's and the risk cache's clock. */
  let replayed = feeds[0]!.columns.openTime[0]!;
  const clock: Clock = { now: () => replayed, monotonic: () => performance.now() };
  const pool =
    label === 'sandbox'
      ? new LiveProcesses({
          processes: processCount,
          // Experiments only: V8 flags for the sandbox processes, space-separated.
          ...(process.env.BENCH_SANDBOX_V8_FLAGS
            ? { v8Flags: process.env.BENCH_SANDBOX_V8_FLAGS.split(' ') }
            : {}),
        })
      : undefined;
  const sandboxSessions: OpenSession = (spec, capacity) =>
    pool!.open({
      runId: spec.id,
      tenant: spec.userId,
      code: js,
      feeds: spec.feeds,
      settings: spec.settings,
      params: spec.params,
      capacity,
      limits: LIMITS,
      tenantMemoryMb: 256,
    });
  const books = new CorePortfolioLedger();
  const last = new Map<string, number>();
  const paper = createPaperBroker({
    fillModel: coreFillModel(settings),
    ledger: books,
    symbols: new Set(symbols),
    lastPrice: (s) => last.get(s),
    marketFill: 'next-bar',
    fundsAtFill: (r) => r.origin.kind === 'strategy',
    now: () => replayed,
  });
  // Production's check: the default limits, the switch and limits from SQL (see the module comment).
  const controls = new (class extends SqlRiskControls {
    override read(portfolioId: string) {
      riskReads++;
      riskChecked++;
      return super.read(portfolioId);
    }
    override readMany(portfolioIds: readonly string[]) {
      riskReads++;
      riskChecked += portfolioIds.length;
      return super.readMany(portfolioIds);
    }
  })(sql);
  const risk = new LedgerRiskView(books, RiskLimitsSchema.parse({}), (s) => last.get(s), {
    controls,
    now: () => replayed,
  });
  const late: { runner?: LiveRunner } = {};
  let orderEvents = 0;
  let signals = 0;
  /** Orders the risk check (or the venue) refused. */
  let refused = 0;
  /** Queries of the risk controls in SQL, and the portfolios they read (measured minutes only). */
  let riskReads = 0;
  let riskChecked = 0;
  // The journal `tickline start` has: orders in SQL (broker_orders), held by this member, with
  // their events in its outbox (published once "the log" — here at once — has them).
  const inMemory = process.env.BENCH_JOURNAL === 'memory';
  const outbox = createOrderEventOutbox({
    sql,
    publisher: { publish: () => undefined, flush: async () => true },
    bookedBy: PORTFOLIO_PROJECTION_CONSUMER,
  });
  await outbox.start({ logger: silentLogger, fail: () => undefined });
  const orderSource = createEventSource({ source: orderEventSourceName(paper.venue), clock });
  const desk = new OrderDesk({
    broker: paper,
    journal: inMemory
      ? new InMemoryOrderJournal()
      : new SqlOrderJournal(sql, paper.venue, { holder: 'bench' }),
    portfolios: risk,
    clock,
    ...(inMemory
      ? {}
      : { envelope: (e: Parameters<typeof orderEnvelope>[1]) => orderEnvelope(orderSource, e) }),
    emit: (e, envelope) => {
      orderEvents++;
      if (e.type === 'order.rejected') refused++;
      late.runner!.onOrderEvent(e);
      if (envelope !== undefined) outbox.send([envelope]);
    },
  });
  let arrival = 0;
  /** Per decision: from the candles' arrival to its orders placed (or its step's end, none placed). */
  const latencies: number[] = [];
  /**
   * Per decision: to its signal — the `strategy.signal` event of its first order, published as the
   * order goes to the desk — or to its step's end when it placed none.
   */
  const signalled: number[] = [];
  /** Runs whose signal of this wave is in `signalled` already. */
  const announced = new Set<string>();
  /** Per measured wave: its first and its last decision after the candles' arrival (ms). */
  const firsts: number[] = [];
  const lasts: number[] = [];
  let waveFrom = 0;
  const runner = (late.runner = new LiveRunner({
    desk,
    paper,
    books,
    risk,
    ...(label === 'sandbox' ? { open: sandboxSessions } : { load: async () => definition }),
    history: async () => [],
    publish: (e) => {
      if (e.type !== 'strategy.signal') return;
      signals++;
      const { strategyId } = e.data as { strategyId: string };
      if (!announced.has(strategyId)) {
        announced.add(strategyId);
        signalled.push(performance.now() - arrival);
      }
    },
    source: createEventSource({ source: 'strategy/live', clock }),
    clock,
    cpuMsPerCandle: 1_000,
    observe: (runId) => {
      const now = performance.now() - arrival;
      latencies.push(now);
      if (!announced.delete(runId)) signalled.push(now);
    },
  }));
  const opening = performance.now();
  const enables: Array<Promise<unknown>> = [];
  for (let i = 0; i < strategies; i++) {
    const portfolioId = `p${i}`;
    books.open(portfolioId, settings.startingCapital, []);
    enables.push(
      runner.enable({
        id: `run-${i}`,
        strategyId: `run-${i}`,
        version: 1,
        userId: `u${i % accounts}`,
        portfolioId,
        params: { fast: 5 + (i % 7), slow: 20 + (i % 11) },
        feeds: [{ symbol: symbols[i % symbolCount]!, interval: '1m' }],
        settings,
        warmupBars: 0,
      }),
    );
    if (enables.length >= 64) await Promise.all(enables.splice(0));
  }
  await Promise.all(enables);
  const openMs = performance.now() - opening;
  progress(`${label}: ${strategies} runs open in ${(openMs / 1000).toFixed(1)} s`);

  const children = () =>
    (pool?.stats() ?? []).map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  const childCpu = () => children().reduce((sum, pid) => sum + cpuMicros(pid), 0);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  /** CPU the runs' steps used, as each step reports it (the thread's clock around its call). */
  const stepsCpu = () => runner.list().reduce((sum, s) => sum + s.cpuMs, 0);
  let stepsStart = stepsCpu();
  let cpuStart = process.cpuUsage();
  let threadStart = process.threadCpuUsage();
  let childStart = childCpu();
  let wallStart = performance.now();
  let profiler: Session | undefined;
  for (let m = 0; m < warmup + minutes; m++) {
    if (m === warmup) {
      latencies.length = 0;
      signalled.length = 0;
      riskReads = 0;
      riskChecked = 0;
      cpuStart = process.cpuUsage();
      threadStart = process.threadCpuUsage();
      childStart = childCpu();
      stepsStart = stepsCpu();
      statementsStart = await statements();
      wallStart = performance.now();
      loop.enable();
      if (profileDir !== undefined) {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        // What the wave allocates, the garbage included (a scavenge's survivors are promoted).
        await profiler.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
    }
    const batch: EventEnvelope[] = feeds.map((feed) => {
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
      return { type: 'market.candle.closed', data: candle } as unknown as EventEnvelope;
    });
    replayed = feeds[0]!.columns.closeTime[m]!;
    arrival = performance.now();
    waveFrom = latencies.length;
    await runner.handle(batch);
    if (m >= warmup && latencies.length > waveFrom) {
      const wave = latencies.slice(waveFrom);
      firsts.push(Math.min(...wave));
      lasts.push(Math.max(...wave));
    }
    if ((m + 1) % 10 === 0) progress(`${label}: ${m + 1} minutes`);
    // Candles come a minute apart: let timers and I/O run between them, as a live process does.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  loop.disable();
  if (profiler !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(join(profileDir!, `${label}.cpuprofile`), JSON.stringify(profile));
    const heap = await profiler.post('HeapProfiler.stopSampling');
    await writeFile(join(profileDir!, `${label}.heapprofile`), JSON.stringify(heap.profile));
    profiler.disconnect();
  }
  const wallMs = performance.now() - wallStart;
  const sqlStatements = (await statements()) - statementsStart;
  const cpu = process.cpuUsage(cpuStart);
  const thread = process.threadCpuUsage(threadStart);
  const serverCpuMs = (cpu.user + cpu.system) / 1_000;
  const sandboxCpuMs = (childCpu() - childStart) / 1_000;
  const cpuMsPerMinute = (serverCpuMs + sandboxCpuMs) / minutes;
  // The sandbox path's wave split three ways. Strategy: the steps' own calls, the thread's CPU
  // around each call into a tenant's isolate as the process reports it (entering the isolate, the
  // engine and the user's code). Boundary: the rest of the sandbox processes (messages, decoding,
  // notes, their own loop). Server: this process. The host path's steps report wall time, not CPU
  // (under load a step descheduled reads long), so its split is left out.
  const strategyCpuMs = stepsCpu() - stepsStart;
  const split =
    label === 'sandbox'
      ? { server: serverCpuMs, boundary: sandboxCpuMs - strategyCpuMs, strategy: strategyCpuMs }
      : undefined;
  const perWave = (ms: number | undefined) => (ms === undefined ? null : round(ms / minutes, 1));
  const paused = runner.list().filter((s) => s.state === 'paused').length;
  const sandboxRssMb = children().reduce((sum, pid) => sum + rssBytes(pid), 0) / 1024 / 1024;
  const sandboxProcesses = children().length;
  for (const id of runner.list().map((r) => r.id)) runner.disable(id);
  await pool?.stop();
  await outbox.stop();
  await sql.close();
  await rm(dataDir, { recursive: true, force: true });
  return {
    strategies,
    accounts,
    symbols: symbolCount,
    minutes,
    decisions: latencies.length,
    signals,
    order_events: orderEvents,
    paused,
    refused_orders: refused,
    risk_store_queries: riskReads,
    risk_store_portfolios_read: riskChecked,
    // Every statement of the measured minutes (risk reads, journal, outbox), a wave's on average.
    sql_statements_per_wave: round(sqlStatements / minutes, 1),
    candle_to_signal_p50_ms: round(percentile(signalled, 50), 3),
    candle_to_signal_p99_ms: round(percentile(signalled, 99), 3),
    // The same decisions timed to their orders placed at the desk (journalled, risk-checked).
    candle_to_placed_p50_ms: round(percentile(latencies, 50), 3),
    candle_to_placed_p99_ms: round(percentile(latencies, 99), 3),
    // Where a wave's time goes: its first decision (the first part of a sandbox answer acted on)
    // and its last (the slowest process's last part), median and worst over the waves.
    wave_first_decision_p50_ms: round(percentile(firsts, 50), 1),
    wave_last_decision_p50_ms: round(percentile(lasts, 50), 1),
    wave_last_decision_max_ms: round(Math.max(...lasts), 1),
    server_loop_p99_ms: round(loop.percentile(99) / 1e6, 2),
    server_cpu_ms_per_minute: round(serverCpuMs / minutes, 1),
    // Of which its main thread (the event loop); the rest is the store's worker and V8's threads.
    server_main_thread_cpu_ms_per_minute: round((thread.user + thread.system) / 1_000 / minutes, 1),
    sandbox_cpu_ms_per_minute: round(sandboxCpuMs / minutes, 1),
    cpu_ms_per_minute: round(cpuMsPerMinute, 1),
    // One wave a replayed minute: the split above, ms of CPU a wave.
    wave_cpu_server_ms: perWave(split?.server),
    wave_cpu_boundary_ms: perWave(split?.boundary),
    wave_cpu_strategy_ms: perWave(split?.strategy),
    wall_ms: round(wallMs, 0),
    open_s: round(openMs / 1000, 1),
    strategies_per_core: Math.floor((strategies * 60_000) / cpuMsPerMinute),
    sandbox_processes: sandboxProcesses,
    rss_mb_per_1000_strategies: pool === undefined ? 0 : round((sandboxRssMb * 1000) / strategies, 1),
  };
}

const runs: Partial<Record<'sandbox' | 'host', Awaited<ReturnType<typeof measure>>>> = {};
if (path !== 'host') runs.sandbox = await measure('sandbox');
if (path !== 'sandbox') runs.host = await measure('host');
printTable(
  Object.entries(runs).map(([label, r]) => ({
    path:
      label === 'sandbox' ? `sandbox (${processCount} processes, isolate per account)` : 'host thread (peer)',
    'p50 ms': r.candle_to_signal_p50_ms,
    'p99 ms': r.candle_to_signal_p99_ms,
    'server loop p99 ms': r.server_loop_p99_ms,
    'cpu ms/minute': r.cpu_ms_per_minute,
    'wave cpu server/boundary/strategy ms':
      r.wave_cpu_server_ms === null
        ? '-'
        : `${r.wave_cpu_server_ms} / ${r.wave_cpu_boundary_ms} / ${r.wave_cpu_strategy_ms}`,
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

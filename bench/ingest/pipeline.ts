/**
 * @module Tickline's ingest path as the `collector` role runs it: the simulator → the market
 * collector (normalize → validate → latest store → candle aggregation → packed trades) → the
 * worker publisher, whose thread builds and encodes the events and appends them to the embedded
 * log (fsync always, the default). BENCH_PUBLISHER=thread runs the in-thread publisher instead
 * (events built and encoded, and the log written, on the collector's thread: the old path).
 * Two runs:
 *
 * - throughput: the simulator at full speed (`max`), N trades, timed until the publisher's flush
 *   says every event is in the log; the collector thread's GC and busy time are measured apart;
 * - latency: the simulator paced at an offered rate; readers in their own threads, each with the
 *   log open read-only as another process would have it (reader.worker.ts): a tail that takes
 *   the exchange time → readable-in-the-log lag of every 16th trade, and the candle projection
 *   (PGlite, through the consumer runner as the `platform` role runs it) that takes the
 *   trade → stored candle lag of every closed 1s candle (stored − its close time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance as perf } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  createEmbeddedEventLog,
  createPublisher,
  createWorkerPublisher,
  type EventLog,
  type Publisher,
  type WorkerPublisher,
} from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { createMarketCollector, LatestStore, SimulatorSource, TRADE_CODEC_URL } from '@tickline/market';
import { percentile, progress } from '../lib/report.ts';
import type { ReaderJob, ReaderReport } from './reader.worker.ts';

export const MARKETS = [
  { symbol: 'BTC-USDT', startPrice: 60_000 },
  { symbol: 'ETH-USDT', startPrice: 3_000 },
  { symbol: 'SOL-USDT', startPrice: 150 },
];
export const SYMBOLS = MARKETS.map((m) => m.symbol);
const context = {
  logger: silentLogger,
  fail: (error: unknown) => progress(`background failure: ${String(error)}`),
};
// One trade in LAG_SAMPLE is decoded by the tailing reader (decoding all would be the benchmark).
const LAG_SAMPLE = 16;
/** The server's `publisher.maxQueuedEvents` default. */
const MAX_QUEUED_EVENTS = 100_000;
/**
 * How often forming candles are published (the collector's coalescing): BENCH_CANDLE_UPDATE_MS,
 * else the collector's default.
 */
const CANDLE_UPDATE_MS = process.env.BENCH_CANDLE_UPDATE_MS
  ? Number(process.env.BENCH_CANDLE_UPDATE_MS)
  : undefined;
/** How often the read-only readers look for the writer's new records. */
const READER_POLL_MS = 5;

/** Where the publisher runs: its own worker thread (default), or the collector's thread. */
export type PublisherMode = 'worker' | 'thread';

interface Rig {
  dir: string;
  logDir: string;
  publisher: Publisher;
  lane: WorkerPublisher | undefined;
}

async function withRig<T>(mode: PublisherMode, run: (rig: Rig) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tickline-bench-ingest-'));
  const logDir = join(dir, 'eventlog');
  const common = {
    spillDir: join(dir, 'spill'),
    maxQueuedEvents: MAX_QUEUED_EVENTS,
    metrics: createMetricsRegistry(),
  };
  let log: EventLog | undefined;
  let lane: WorkerPublisher | undefined;
  let publisher: Publisher;
  if (mode === 'worker') {
    lane = createWorkerPublisher({
      ...common,
      log: { engine: 'embedded', options: { dir: logDir, fsync: 'always' } },
      codecs: [TRADE_CODEC_URL],
    });
    publisher = lane;
  } else {
    log = await createEmbeddedEventLog({ dir: logDir, fsync: 'always' });
    publisher = createPublisher({ ...common, log });
  }
  await publisher.start(context);
  try {
    return await run({ dir, logDir, publisher, lane });
  } finally {
    await publisher.stop();
    await log?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function collectorFor(source: SimulatorSource, rig: Rig, replay: boolean) {
  const { publisher, lane } = rig;
  return createMarketCollector({
    // Full speed runs simulated time ahead of the clock, like a replay: pulled as the log drains.
    sources: [{ source, symbols: SYMBOLS, replay }],
    congested: () => publisher.stats().queued > MAX_QUEUED_EVENTS / 2,
    publish: () => (event) => publisher.publish(event),
    lane: () => lane,
    latest: new LatestStore(),
    validation: { knownSymbols: new Set(SYMBOLS) },
    ...(CANDLE_UPDATE_MS === undefined ? {} : { candleUpdateIntervalMs: CANDLE_UPDATE_MS }),
    metrics: createMetricsRegistry(),
  });
}

/** Resolves once `check` holds, polling every few milliseconds; a failed source ends the run. */
async function until(
  check: () => boolean,
  collector?: { sources(): Array<{ state: string; detail?: string }> },
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    const failed = collector?.sources().find((s) => s.state === 'failed');
    if (failed) throw new Error(`source failed: ${failed.detail}`);
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** Longest the paced run waits for the log and the projection to catch up after the offered period. */
const CATCH_UP_MS = 15_000;

/** Result of the full-speed run. */
export interface ThroughputResult {
  trades: number;
  tradesPerSecond: number;
  /** Events appended (trades, candle closes and coalesced updates, status). */
  events: number;
  spilled: number;
  /**
   * Process CPU (user + system, every thread) per trade: the cost regardless of what else the
   * machine runs, where trades/s follows the machine's other load.
   */
  cpuUsPerTrade: number;
  /** Share of the run the collector's thread was busy (event-loop utilization). */
  collectorBusy: number;
  /** Garbage collections on the collector's thread during the run, and their total pause. */
  gcCount: number;
  gcMs: number;
}

/** Counts GC pauses on this thread until `stop()`. */
function watchGc(): { stop(): { count: number; ms: number } } {
  let count = 0;
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count++;
      ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // Entries are delivered asynchronously; take what arrived, then stop.
      for (const entry of observer.takeRecords()) {
        count++;
        ms += entry.duration;
      }
      observer.disconnect();
      return { count, ms };
    },
  };
}

/** The simulator at full speed for `total` trades, timed until all events are in the log. */
export async function ingestThroughput(total: number, mode: PublisherMode): Promise<ThroughputResult> {
  return withRig(mode, async (rig) => {
    const { publisher } = rig;
    const source = new SimulatorSource({ seed: 7, symbols: MARKETS, mode: 'max', tradesPerSecond: 10 });
    const collector = collectorFor(source, rig, true);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const elu = perf.eventLoopUtilization();
    const gc = watchGc();
    await collector.start(context);
    await until(() => (collector.sources()[0]?.trades ?? 0) >= total, collector);
    await collector.stop();
    const trades = collector.sources()[0]!.trades;
    const busy = perf.eventLoopUtilization(elu).utilization;
    const gcs = gc.stop();
    if (!(await publisher.flush(60_000))) throw new Error('publisher did not drain');
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const stats = publisher.stats();
    return {
      trades,
      tradesPerSecond: trades / seconds,
      events: stats.published,
      spilled: stats.spilledTotal,
      cpuUsPerTrade: (used.user + used.system) / trades,
      collectorBusy: busy,
      gcCount: gcs.count,
      gcMs: gcs.ms,
    };
  });
}

/** Result of the paced run. */
export interface LatencyResult {
  trades: number;
  tradesPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  candleEvents: number;
  /** Events other than trades (candle updates and closes, indicators, status) per second offered. */
  otherEventsPerSecond: number;
  candleLagP50Ms: number;
  candleLagP99Ms: number;
  /** The projection reached the log's head within the catch-up bound. */
  caughtUp: boolean;
}

/** Starts a reader thread (reader.worker.ts) and waits until it follows the log. */
async function startReader(job: ReaderJob): Promise<{ finish(head: number): Promise<ReaderReport> }> {
  const worker = new Worker(new URL('./reader.worker.ts', import.meta.url), { workerData: job });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${job.mode} reader exited with ${code}`)));
  });
  const next = () =>
    Promise.race([new Promise<ReaderReport>((resolve) => worker.once('message', resolve)), failed]);
  await next();
  return {
    async finish(head) {
      worker.postMessage({ head });
      const report = await next();
      await worker.terminate();
      return report;
    },
  };
}

/** Offers `rate` trades/s for `warmupSeconds` (unmeasured), then `seconds`; lags as in the module comment. */
export async function ingestLatency(
  rate: number,
  seconds: number,
  mode: PublisherMode,
  warmupSeconds = 0,
): Promise<LatencyResult> {
  return withRig(mode, async (rig) => {
    const { dir, logDir, publisher } = rig;
    const job = {
      logDir,
      dir,
      sampleEvery: LAG_SAMPLE,
      catchUpMs: CATCH_UP_MS,
      pollIntervalMs: READER_POLL_MS,
    };
    const projection = await startReader({ ...job, mode: 'projection' });
    const tail = await startReader({ ...job, mode: 'tail' });

    // Paced: each symbol trades rate/3 per second on average; releases every 10 ms.
    const source = new SimulatorSource({
      seed: 11,
      symbols: MARKETS,
      tradesPerSecond: rate / SYMBOLS.length,
      tickMs: 10,
    });
    const collector = collectorFor(source, rig, false);
    await collector.start(context);
    // The warm-up runs the same load but is not measured: JIT, the log's first segment writes
    // and fsyncs (seconds on a busy shared disk), the projection's first transactions.
    await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
    const measuredFrom = Date.now();
    const warmTrades = collector.sources()[0]!.trades;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await collector.stop();
    const trades = collector.sources()[0]!.trades - warmTrades;
    const elapsed = (performance.now() - started) / 1000;
    // Every event went to the fresh log once: once drained, its last offset is the count published.
    const drained = await publisher.flush(CATCH_UP_MS);
    const head = publisher.stats().published;
    // Only what arrived in the measured window counts (the warm-up's lags are left out).
    const measured = <R extends { lags: number[]; at: number[] }>(report: R): R => ({
      ...report,
      lags: report.lags.filter((_, i) => report.at[i]! >= measuredFrom),
    });
    const [candleReport, tailReport] = await Promise.all([projection.finish(head), tail.finish(head)]);
    const candles = measured(candleReport);
    const tailed = measured(tailReport);
    return {
      trades,
      tradesPerSecond: trades / elapsed,
      lagP50Ms: percentile(tailed.lags, 50),
      lagP99Ms: percentile(tailed.lags, 99),
      lagMaxMs: percentile(tailed.lags, 100),
      candleEvents: candles.lags.length,
      // Counted once everything is in the log; a run whose log fell behind says so (caughtUp).
      otherEventsPerSecond: drained ? (head - trades - warmTrades) / (elapsed + warmupSeconds) : Number.NaN,
      candleLagP50Ms: percentile(candles.lags, 50),
      candleLagP99Ms: percentile(candles.lags, 99),
      caughtUp: drained && candles.caughtUp,
    };
  });
}

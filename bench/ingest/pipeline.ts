/**
 * @module Tickline's ingest path as the `collector` role runs it: the simulator → the market
 * collector (normalize → validate → latest store → candle aggregation → fire-and-forget publish)
 * → the publisher → the embedded log (fsync always, the default). Two runs:
 *
 * - throughput: the simulator at full speed (`max`), N trades, timed until the publisher's flush
 *   says every event is in the log;
 * - latency: the simulator paced at an offered rate; a tailing reader takes the exchange time →
 *   readable-in-the-log lag of every 16th trade, and the candle projection (PGlite in its worker
 *   thread, through the consumer runner with the event registry, as the `platform` role runs it)
 *   the trade → stored candle lag of every closed 1s candle (stored − its close time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConsumerRunner,
  createEmbeddedEventLog,
  createPublisher,
  type EventLog,
  type Publisher,
} from '@tickline/eventlog';
import { createMetricsRegistry, decodeEvent, EventRegistry, silentLogger } from '@tickline/kernel';
import {
  createCandleProjection,
  createMarketCollector,
  LatestStore,
  MARKET_EVENTS,
  SimulatorSource,
  type Candle,
  type Trade,
} from '@tickline/market';
import { createPgliteSql, migrate } from '@tickline/store';
import { percentile, progress } from '../lib/report.ts';

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
const CANDLE_TYPES = new Set(['market.candle.updated', 'market.candle.closed']);
/** The server's `publisher.maxQueuedEvents` default. */
const MAX_QUEUED_EVENTS = 100_000;

interface Rig {
  dir: string;
  log: EventLog;
  publisher: Publisher;
}

async function withRig<T>(run: (rig: Rig) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tickline-bench-ingest-'));
  const log = await createEmbeddedEventLog({ dir: join(dir, 'eventlog'), fsync: 'always' });
  const publisher = createPublisher({
    log,
    spillDir: join(dir, 'spill'),
    maxQueuedEvents: MAX_QUEUED_EVENTS,
    metrics: createMetricsRegistry(),
  });
  await publisher.start(context);
  try {
    return await run({ dir, log, publisher });
  } finally {
    await publisher.stop();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function collectorFor(source: SimulatorSource, publisher: Publisher, replay: boolean) {
  return createMarketCollector({
    // Full speed runs simulated time ahead of the clock, like a replay: pulled as the log drains.
    sources: [{ source, symbols: SYMBOLS, replay }],
    congested: () => publisher.stats().queued > MAX_QUEUED_EVENTS / 2,
    publish: () => (event) => publisher.publish(event),
    latest: new LatestStore(),
    validation: { knownSymbols: new Set(SYMBOLS) },
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
}

/** The simulator at full speed for `total` trades, timed until all events are in the log. */
export async function ingestThroughput(total: number): Promise<ThroughputResult> {
  return withRig(async ({ publisher }) => {
    const source = new SimulatorSource({ seed: 7, symbols: MARKETS, mode: 'max', tradesPerSecond: 10 });
    const collector = collectorFor(source, publisher, true);
    const started = performance.now();
    const cpu = process.cpuUsage();
    await collector.start(context);
    await until(() => (collector.sources()[0]?.trades ?? 0) >= total, collector);
    await collector.stop();
    const trades = collector.sources()[0]!.trades;
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
  candleLagP50Ms: number;
  candleLagP99Ms: number;
  /** The projection reached the log's head within the catch-up bound. */
  caughtUp: boolean;
}

/** Offers `rate` trades/s for `seconds`; lags as described in the module comment. */
export async function ingestLatency(rate: number, seconds: number): Promise<LatencyResult> {
  return withRig(async ({ dir, log, publisher }) => {
    const sql = await createPgliteSql({ dataDir: join(dir, 'db') });
    await migrate(sql);
    const registry = new EventRegistry(MARKET_EVENTS);
    const projection = createCandleProjection({ sql });
    const candleLags: number[] = [];
    const runner = createConsumerRunner({
      log,
      name: projection.consumer,
      registry,
      handle: async (events, ctx) => {
        const candles = events.filter((e) => CANDLE_TYPES.has(e.type));
        if (candles.length === 0) return;
        await projection.handle(candles, ctx);
        const now = Date.now();
        // A 1s candle closes when the first trade of the next second arrives (at its close time
        // on the paced tape): stored − close time is the trade → stored candle lag.
        for (const e of candles) {
          if (e.type === 'market.candle.closed' && (e.data as Candle).interval === '1s') {
            candleLags.push(now - (e.data as Candle).closeTime);
          }
        }
      },
    });
    await runner.start(context);

    const lags: number[] = [];
    const tail = await log.consumer('bench-tail', { start: { from: 'latest' } });
    const stopTail = new AbortController();
    const tailing = (async () => {
      let seen = 0;
      while (!stopTail.signal.aborted) {
        const batch = await tail.fetch({ max: 8_192, waitMs: 100, signal: stopTail.signal });
        const now = Date.now();
        for (const record of batch) {
          if (record.type !== 'market.trade' || seen++ % LAG_SAMPLE !== 0) continue;
          lags.push(now - (decodeEvent(record.payload).data as Trade).exchangeTime);
        }
        if (batch.length > 0) await tail.ack(batch.at(-1)!.offset);
      }
    })();

    // Paced: each symbol trades rate/3 per second on average; releases every 10 ms.
    const source = new SimulatorSource({
      seed: 11,
      symbols: MARKETS,
      tradesPerSecond: rate / SYMBOLS.length,
      tickMs: 10,
    });
    const collector = collectorFor(source, publisher, false);
    const started = performance.now();
    await collector.start(context);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await collector.stop();
    const trades = collector.sources()[0]!.trades;
    const elapsed = (performance.now() - started) / 1000;
    await publisher.flush(CATCH_UP_MS);
    // Let the tail and the projection reach the head before reading the samples (bounded: a run
    // that fell behind reports what it measured, and says so).
    const head = (await log.head()).last;
    const caughtUp = await until(() => runner.stats().lastOffset >= head, undefined, CATCH_UP_MS);
    stopTail.abort();
    await tailing.catch(() => undefined);
    await tail.close();
    await runner.stop();
    await sql.close();
    return {
      trades,
      tradesPerSecond: trades / elapsed,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      lagMaxMs: percentile(lags, 100),
      candleEvents: candleLags.length,
      candleLagP50Ms: percentile(candleLags, 50),
      candleLagP99Ms: percentile(candleLags, 99),
      caughtUp,
    };
  });
}

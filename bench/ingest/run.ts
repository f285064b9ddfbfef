/**
 * @module `npm run bench:ingest` — market data ingest: the simulator through the collector
 * (normalize → validate → latest store → candles → fire-and-forget publish) into the embedded log
 * with fsync always, against the raw NATS JetStream client publishing the same trades pre-encoded
 * (no validation, no candles) to a local nats-server, in the same run. The publisher runs in its
 * worker thread (BENCH_PUBLISHER=thread: on the collector's thread, the path before the worker);
 * BENCH_CANDLE_UPDATE_MS sets how often forming candles are published (the collector's default).
 *
 * 1. Throughput: BENCH_TRADES (default 500,000) trades at full speed, until all are in the log.
 * 2. Latency: BENCH_RATE (default 100,000) trades/s offered for BENCH_WARMUP_SECONDS (default 2,
 *    not measured) then BENCH_SECONDS (default 6): the trade → stored candle lag (closed 1s candles projected into PGlite meanwhile: stored − close
 *    time), and the exchange time → readable-in-the-log lag of sampled trades.
 * 3. Peer: BENCH_NATS_TRADES (default 100,000) trades with raw `js.publish()`.
 * The last line is `RESULT {json}` with `trades_per_s` (full speed) and `lag_p99_ms` (trade →
 * stored candle at the offered rate).
 */
import { loadavg } from 'node:os';
import { startNatsServer } from '@tickline/testing';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';
import { RAW_WINDOW } from '../eventlog/nats.ts';
import { rawNatsTrades } from './peer.ts';
import { ingestLatency, ingestThroughput, type PublisherMode } from './pipeline.ts';

const trades = envInt('BENCH_TRADES', 500_000);
const rate = envInt('BENCH_RATE', 100_000);
const seconds = envInt('BENCH_SECONDS', 6);
const warmup = envInt('BENCH_WARMUP_SECONDS', 2);
const natsTrades = envInt('BENCH_NATS_TRADES', 100_000);
const mode: PublisherMode = process.env.BENCH_PUBLISHER === 'thread' ? 'thread' : 'worker';

progress(
  `throughput: ${trades.toLocaleString()} simulated trades at full speed, publisher in ${mode === 'worker' ? 'its worker thread' : "the collector's thread"}`,
);
const max = await ingestThroughput(trades, mode);
progress(`throughput: ${Math.round(max.tradesPerSecond).toLocaleString()} trades/s`);

(globalThis as { gc?: () => void }).gc?.();
progress(
  `latency: ${rate.toLocaleString()} trades/s offered for ${warmup} s unmeasured, then ${seconds} s measured; candle projection on PGlite in its own thread`,
);
const paced = await ingestLatency(rate, seconds, mode, warmup);

progress('peer: starting nats-server (JetStream, file store)');
const nats = await startNatsServer();
let peer: { tps: number; eventBytes: number };
try {
  progress(`peer: raw js.publish pipelined (window ${RAW_WINDOW}), ${natsTrades.toLocaleString()} trades`);
  peer = await rawNatsTrades(nats.url, natsTrades);
} finally {
  await nats.cleanup();
}

const ratio = max.tradesPerSecond / peer.tps;
printTable([
  {
    path: 'tickline collector → embedded log (fsync always)',
    'trades/s': Math.round(max.tradesPerSecond),
    note: `validate + candles (6 intervals) + latest; ${max.events} events appended, ${max.spilled} spilled; ${round(max.cpuUsPerTrade, 2)} µs CPU/trade`,
  },
  {
    path: `collector thread (publisher: ${mode})`,
    'trades/s': '',
    note: `busy ${round(max.collectorBusy * 100, 1)} %; ${max.gcCount} GCs, ${round(max.gcMs, 1)} ms paused (${round((max.gcCount * 1e6) / max.trades, 1)} per million trades)`,
  },
  {
    path: `tickline paced @${rate}/s`,
    'trades/s': Math.round(paced.tradesPerSecond),
    note: `exchange time → in log: p50 ${round(paced.lagP50Ms, 1)} ms, p99 ${round(paced.lagP99Ms, 1)} ms, max ${round(paced.lagMaxMs, 1)} ms`,
  },
  {
    path: 'trade → stored 1s candle (PGlite in its thread, same run)',
    'trades/s': '',
    note: `${paced.candleEvents} closed 1s candles (${Math.round(paced.otherEventsPerSecond)} candle/indicator events/s beside the trades): p50 ${round(paced.candleLagP50Ms, 1)} ms, p99 ${round(paced.candleLagP99Ms, 1)} ms${paced.caughtUp ? '' : ' (the log or the projection was still behind when measured: lags cover what was read)'}`,
  },
  {
    path: 'peer: raw @nats-io/jetstream js.publish, pre-encoded',
    'trades/s': Math.round(peer.tps),
    note: `no validation, no candles; tickline/peer ${round(ratio, 2)}x`,
  },
]);
printResult({
  publisher: mode,
  trades_per_s: Math.round(max.tradesPerSecond),
  cpu_us_per_trade: round(max.cpuUsPerTrade, 3),
  collector_busy_pct: round(max.collectorBusy * 100, 1),
  collector_gc_count: max.gcCount,
  collector_gc_ms: round(max.gcMs, 1),
  load_average_1m: round(loadavg()[0]!, 1),
  paced_rate: rate,
  paced_warmup_s: warmup,
  paced_seconds: seconds,
  paced_trades_per_s: Math.round(paced.tradesPerSecond),
  paced_caught_up: paced.caughtUp,
  paced_other_events_per_s: Math.round(paced.otherEventsPerSecond),
  lag_p50_ms: round(paced.candleLagP50Ms, 2),
  lag_p99_ms: round(paced.candleLagP99Ms, 2),
  ingest_lag_p50_ms: round(paced.lagP50Ms, 2),
  ingest_lag_p99_ms: round(paced.lagP99Ms, 2),
  ingest_lag_max_ms: round(paced.lagMaxMs, 2),
  peer: 'raw @nats-io/jetstream pipelined js.publish',
  peer_trades_per_s: Math.round(peer.tps),
  vs_peer: round(ratio, 3),
  trade_event_bytes: Math.round(peer.eventBytes),
});

/**
 * @module The collector's Prometheus metrics: trades published per source (rate() gives
 * trades/s), the lag from exchange time to publish, and each source's state as a 0/1 gauge.
 * Rejections are counted by the trade validator (`tickline_market_trades_rejected_total`).
 */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';
import { SourceState } from '../port/source-status.ts';

/** Lag buckets in seconds: a live venue is tens of ms behind; a replay or a stall is seconds. */
const LAG_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What the collector updates. */
export interface CollectorMetrics {
  trades: Counter<'source'>;
  lag: Histogram;
  state: Gauge<'source' | 'state'>;
  droppedLate: Counter<'source'>;
}

/** The collector's metrics in `registry` (shared when several collectors use one registry). */
export function createCollectorMetrics(registry: Registry): CollectorMetrics {
  return {
    trades: getOrCreateMetric(
      registry,
      'tickline_market_trades_total',
      () =>
        new Counter({
          name: 'tickline_market_trades_total',
          help: 'Validated trades published, by source.',
          labelNames: ['source'],
          registers: [registry],
        }),
    ),
    lag: getOrCreateMetric(
      registry,
      'tickline_market_ingest_lag_seconds',
      () =>
        new Histogram({
          name: 'tickline_market_ingest_lag_seconds',
          help: 'Time from a trade on the venue (exchange time) to its market.trade event being queued for the log.',
          buckets: LAG_BUCKETS_S,
          registers: [registry],
        }),
    ),
    state: getOrCreateMetric(
      registry,
      'tickline_market_source_state',
      () =>
        new Gauge({
          name: 'tickline_market_source_state',
          help: 'Each market source state as 1 (current) or 0.',
          labelNames: ['source', 'state'],
          registers: [registry],
        }),
    ),
    droppedLate: getOrCreateMetric(
      registry,
      'tickline_market_candle_late_trades_dropped_total',
      () =>
        new Counter({
          name: 'tickline_market_candle_late_trades_dropped_total',
          help: 'Trades too late for their candle (past the grace window), by source.',
          labelNames: ['source'],
          registers: [registry],
        }),
    ),
  };
}

/** Sets the state gauge of `source`: 1 for `state`, 0 for the others. */
export function setSourceStateGauge(metrics: CollectorMetrics, source: string, state: SourceState): void {
  for (const s of Object.values(SourceState)) metrics.state.set({ source, state: s }, s === state ? 1 : 0);
}

/**
 * @module Whether history written now outlives the next partition maintenance pass. Candles older
 * than `market.retention.candlesMs` (and 1s candles older than two days) are dropped by that pass,
 * which runs at start-up and hourly; an import of older history would report every candle stored
 * and lose them within the hour. Imports ask here first and refuse such candles instead.
 */
import { partitionsAround } from '@tickline/store';
import { MarketError } from '../port/errors.ts';
import type { Candle, CandleInterval } from '../port/market-message.ts';
import { MARKET_CANDLES_TABLE } from './market-tables.ts';
import {
  DEFAULT_CANDLE_INTERVAL_RETENTION_MS,
  DEFAULT_PARTITIONS_BEHIND,
  DEFAULT_CANDLE_PARTITIONS_AHEAD,
} from './partition-maintenance.ts';

const DAY_MS = 86_400_000;

/** What the store keeps of one interval at a moment. */
export interface CandleRetention {
  /** Candles opened before this are dropped by the next pass. */
  cutoffMs: number;
  /** The age kept, and the setting that says so. */
  keptMs: number;
  setting: string;
}

/**
 * What a maintenance pass at `nowMs` keeps of `interval` (the cut-off {@link maintainMarketPartitions}
 * applies), or null when it drops nothing of it. `candlesMs` is the config's
 * `market.retention.candlesMs`: 0 keeps all.
 */
export function candleRetention(
  interval: CandleInterval,
  nowMs: number,
  candlesMs: number,
): CandleRetention | null {
  const rules: CandleRetention[] = [];
  if (candlesMs > 0) {
    // The pass never drops what it keeps behind the current partition, whatever the retention says.
    const kept = partitionsAround(
      MARKET_CANDLES_TABLE.table,
      MARKET_CANDLES_TABLE.period,
      nowMs,
      DEFAULT_PARTITIONS_BEHIND,
      DEFAULT_CANDLE_PARTITIONS_AHEAD,
    );
    rules.push({
      cutoffMs: Math.min(nowMs - candlesMs, kept[0]!.fromMs),
      keptMs: candlesMs,
      setting: 'market.retention.candlesMs (TICKLINE_MARKET_RETENTION_CANDLES_MS; 0 keeps all)',
    });
  }
  const fine = DEFAULT_CANDLE_INTERVAL_RETENTION_MS[interval];
  if (fine !== undefined)
    rules.push({ cutoffMs: nowMs - fine, keptMs: fine, setting: `the fixed ${interval} retention` });
  return rules.reduce<CandleRetention | null>(
    (a, r) => (a === null || r.cutoffMs > a.cutoffMs ? r : a),
    null,
  );
}

/**
 * Throws MARKET_CANDLES_PAST_RETENTION when any of `candles` is older than what the store keeps
 * at `nowMs`, naming the oldest one and the setting, so the caller writes nothing.
 * @example
 * refuseCandlesPastRetention(candles, Date.now(), config.market.retention.candlesMs);
 */
export function refuseCandlesPastRetention(
  candles: readonly Candle[],
  nowMs: number,
  candlesMs: number,
): void {
  const oldest = new Map<CandleInterval, Candle>();
  for (const c of candles) {
    const o = oldest.get(c.interval);
    if (o === undefined || c.openTime < o.openTime) oldest.set(c.interval, c);
  }
  for (const [interval, candle] of oldest) {
    const rule = candleRetention(interval, nowMs, candlesMs);
    if (rule === null || candle.openTime >= rule.cutoffMs) continue;
    const from = new Date(candle.openTime).toISOString();
    const cutoff = new Date(rule.cutoffMs).toISOString();
    throw new MarketError(
      'MARKET_CANDLES_PAST_RETENTION',
      `${candle.symbol} ${interval} candles from ${from} are older than ${cutoff}: the store keeps ${rule.keptMs / DAY_MS} days (${rule.setting}), so partition maintenance would drop them; nothing was stored`,
      { details: { symbol: candle.symbol, interval, oldest: from, cutoff, keptMs: rule.keptMs } },
    );
  }
}

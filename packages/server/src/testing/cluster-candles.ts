/**
 * @module Market data for scaled e2e tests, as a collector makes it: closed candles stored in the
 * shared database (what backtests read) and published on the event log (what live runs and the
 * paper broker's prices take), without running a collector.
 */
import type { EventLog } from '@tickline/eventlog';
import { createEventSource, encodeEvent } from '@tickline/kernel';
import { MarketCandleClosed, type Candle } from '@tickline/market';
import { createPostgresSql } from '@tickline/store';
import { storeClosedCandles } from '@tickline/strategy';

const MINUTE_MS = 60_000;

/** A closed one-minute candle of `symbol` closing at `closeTime` (exchange `e2e`). */
export function closedCandle(symbol: string, closeTime: number, close: number): Candle {
  return {
    exchange: 'e2e',
    symbol,
    interval: '1m',
    openTime: closeTime - MINUTE_MS,
    closeTime,
    open: close,
    high: close + 0.5,
    low: close - 0.5,
    close,
    volume: 10,
    quoteVolume: 10 * close,
    trades: 4,
    incomplete: false,
    revision: 0,
  };
}

/** `count` closed one-minute candles of `symbol` from `from`, a gentle wave around 100. */
export function candleWave(symbol: string, from: number, count: number): Candle[] {
  return Array.from({ length: count }, (_, i) =>
    closedCandle(symbol, from + (i + 1) * MINUTE_MS, 100 + 5 * Math.sin(i / 4)),
  );
}

/** Stores `candles` in the database at `databaseUrl`, as the market's storage does. */
export async function storeCandles(databaseUrl: string, candles: readonly Candle[]): Promise<void> {
  const sql = await createPostgresSql({ url: databaseUrl });
  try {
    await storeClosedCandles(sql, [...candles]);
  } finally {
    await sql.close();
  }
}

const collector = createEventSource({ source: 'collector/e2e' });

/** Publishes `candles` on `log` as `market.candle.closed` events. */
export async function publishCandles(log: EventLog, candles: readonly Candle[]): Promise<void> {
  const events = candles.map((candle) =>
    collector.create(MarketCandleClosed, { subject: candle.symbol, data: { ...candle, correction: false } }),
  );
  await log.append(
    events.map((event) => ({ id: event.id, key: event.partitionkey, type: event.type, payload: encodeEvent(event) })),
  );
}

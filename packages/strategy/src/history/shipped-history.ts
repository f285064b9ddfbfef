/**
 * @module The venue history that ships with the project (`docs/research-reports/history`: real
 * Binance BTC-USDT and ETH-USDT klines, 1h and 1d, 2020-12-01 → 2021-07-17; GPL-3.0, provenance
 * and licence in that folder's README), imported on a start that finds none of it, so research and
 * backtests work on a fresh install with no network. A file already held (its first candle is
 * there) is skipped, so later starts read one row per file; a missing folder (an image built
 * without `docs/`) is logged and skipped.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger, Service, ServiceHealth } from '@tickline/kernel';
import {
  importCandles,
  openKlineText,
  parseKlineLine,
  type Candle,
  type CandleInterval,
} from '@tickline/market';
import type { Sql } from '@tickline/store';

export const SHIPPED_HISTORY_DIR = fileURLToPath(
  new URL('../../../../docs/research-reports/history/', import.meta.url),
);

/** The shipped files and the series each holds. */
export const SHIPPED_HISTORY: ReadonlyArray<{
  file: string;
  symbol: string;
  interval: CandleInterval;
  firstOpen: number;
}> = [
  {
    file: 'BTCUSDT-1h-2020-12-01_2021-07-17.csv.gz',
    symbol: 'BTC-USDT',
    interval: '1h',
    firstOpen: Date.UTC(2020, 11, 1),
  },
  {
    file: 'ETHUSDT-1h-2020-12-01_2021-07-17.csv.gz',
    symbol: 'ETH-USDT',
    interval: '1h',
    firstOpen: Date.UTC(2020, 11, 1),
  },
  {
    file: 'BTCUSDT-1d-2020-12-01_2021-07-17.csv.gz',
    symbol: 'BTC-USDT',
    interval: '1d',
    firstOpen: Date.UTC(2020, 11, 1),
  },
  {
    file: 'ETHUSDT-1d-2020-12-01_2021-07-17.csv.gz',
    symbol: 'ETH-USDT',
    interval: '1d',
    firstOpen: Date.UTC(2020, 11, 1),
  },
];

const EXCHANGE = 'binance';
const BATCH = 2_000;

/** Imports each shipped file not held yet; returns the candles stored. */
export async function importShippedHistory(
  sql: Sql,
  logger: Logger,
  dir: string = SHIPPED_HISTORY_DIR,
): Promise<number> {
  if (!existsSync(dir)) {
    logger.info({ dir }, 'no shipped venue history here; get some with `tickline market download`');
    return 0;
  }
  let stored = 0;
  for (const s of SHIPPED_HISTORY) {
    const path = `${dir}/${s.file}`;
    if (!existsSync(path)) continue;
    const { rows } = await sql.query(
      'select 1 from market_candle_history where exchange = $1 and symbol = $2 and interval = $3 and open_time = $4',
      [EXCHANGE, s.symbol, s.interval, s.firstOpen],
    );
    if (rows.length > 0) continue;
    const target = { symbol: s.symbol, interval: s.interval, exchange: EXCHANGE };
    const lines = createInterface({ input: (await openKlineText(path)).stream, crlfDelay: Infinity });
    let batch: Candle[] = [];
    let lineNo = 0;
    for await (const line of lines) {
      const candle = parseKlineLine(line, ++lineNo, target);
      if (candle) batch.push(candle);
      if (batch.length >= BATCH) {
        const full = batch;
        batch = [];
        stored += await sql.transaction((tx) => importCandles(tx, full, null));
      }
    }
    const rest = batch;
    stored += await sql.transaction((tx) => importCandles(tx, rest, null));
    logger.info(
      { file: s.file, symbol: s.symbol, interval: s.interval },
      'imported shipped venue history (Binance klines, GPL-3.0)',
    );
  }
  return stored;
}

/** Runs {@link importShippedHistory} at start (when `enabled`). */
export function shippedHistoryService(sql: Sql, logger: Logger, enabled: boolean): Service {
  let state: ServiceHealth = { status: 'up' };
  return {
    name: 'shipped-history',
    async start() {
      if (!enabled) return;
      try {
        const stored = await importShippedHistory(sql, logger);
        state = { status: 'up', info: { stored } };
      } catch (error) {
        // History is a convenience: a failed import never stops the server.
        logger.warn({ err: error }, 'shipped venue history could not be imported');
        state = { status: 'degraded', detail: 'shipped venue history could not be imported' };
      }
    },
    async stop() {},
    health: () => state,
  };
}

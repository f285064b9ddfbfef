/**
 * @module Turns freqtrade's OHLCV JSON (`[[openTimeMs, open, high, low, close, volume], …]`, the
 * files `freqtrade download-data` writes) into Binance kline CSV rows, the layout
 * `tickline market import` reads, gzip-compressed. It also rolls the hourly rows up to UTC days
 * (complete days only, as `market backfill` rolls minutes up), for the multi-timeframe template.
 *
 * freqtrade keeps no quote volume, trade count or taker volumes: those columns are written as 0.
 * How the committed files were made (see docs/research-reports/history/README.md):
 *
 *   node scripts/research-reports/convert-freqtrade.ts BTC_USDT-1h.json BTCUSDT 1h docs/research-reports/history
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Row = [openTime: number, open: number, high: number, low: number, close: number, volume: number];

/** One kline row: the venue's twelve columns, close time the last millisecond of the bar. */
const kline = (r: Row, stepMs: number): string => [...r, r[0] + stepMs - 1, 0, 0, 0, 0, 0].join(',');

/** Hourly rows → daily rows, keeping only days with all 24 hours (a partial day is a wrong bar). */
export function rollUpDays(hours: readonly Row[]): Row[] {
  const days = new Map<number, Row[]>();
  for (const r of hours) {
    const day = Math.floor(r[0] / DAY_MS) * DAY_MS;
    days.set(day, [...(days.get(day) ?? []), r]);
  }
  return [...days]
    .filter(([, rows]) => rows.length === DAY_MS / HOUR_MS)
    .sort(([a], [b]) => a - b)
    .map(([day, rows]) => [
      day,
      rows[0]![1],
      Math.max(...rows.map((r) => r[2])),
      Math.min(...rows.map((r) => r[3])),
      rows.at(-1)![4],
      Number(rows.reduce((sum, r) => sum + r[5], 0).toFixed(8)),
    ]);
}

function write(dir: string, name: string, rows: readonly Row[], stepMs: number): void {
  const text = `${rows.map((r) => kline(r, stepMs)).join('\n')}\n`;
  writeFileSync(join(dir, name), gzipSync(text, { level: 9 }));
  console.log(`${name}: ${rows.length} rows`);
}

if (import.meta.main) {
  const [json, symbol, interval, dir] = process.argv.slice(2);
  if (!json || !symbol || interval !== '1h' || !dir) {
    console.error('usage: convert-freqtrade.ts FILE.json SYMBOL 1h OUTDIR');
    process.exit(2);
  }
  const rows = JSON.parse(readFileSync(json, 'utf8')) as Row[];
  const span = `${new Date(rows[0]![0]).toISOString().slice(0, 10)}_${new Date(rows.at(-1)![0]).toISOString().slice(0, 10)}`;
  write(dir, `${symbol}-1h-${span}.csv.gz`, rows, HOUR_MS);
  write(dir, `${symbol}-1d-${span}.csv.gz`, rollUpDays(rows), DAY_MS);
}

/**
 * @module Binance's kline CSV layout (data.binance.vision and `/api/v3/klines` rows): open time,
 * open, high, low, close, volume, close time, quote volume, trades, taker base volume, taker quote
 * volume, ignore — no header in the published files (one is skipped if present, as the first line
 * only: a line of words anywhere else is a bad row, never silently dropped). Since 2025 the
 * spot files carry times in microseconds; both units are read. The file name
 * `BTCUSDT-1h-2024-01.csv` gives the symbol and interval when the options do not.
 */
import { basename } from 'node:path';
import { INTERVAL_MS, isCandleInterval } from '../../candles/intervals.ts';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { Candle, CandleInterval } from '../../port/market-message.ts';
import { MarketError } from '../../port/errors.ts';

/** Times above this are microseconds (ms reach it only in the year 5138). */
const MICROS_ABOVE = 1e14;

/** Symbol and interval read from a data.binance.vision file name, where present. */
export function klineFileName(path: string): { symbol?: string; interval?: CandleInterval } {
  const m = /^([A-Z0-9]+)-(\w+)-\d{4}-\d{2}(?:-\d{2})?\.csv$/i.exec(basename(path));
  if (!m) return {};
  const symbol = toCanonicalSymbol('binance', m[1]!) ?? undefined;
  const interval = isCandleInterval(m[2]!) ? m[2] : undefined;
  return { ...(symbol ? { symbol } : {}), ...(interval ? { interval } : {}) };
}

const invalid = (line: number, why: string): MarketError =>
  new MarketError('MARKET_CSV_ROW_INVALID', `line ${line}: ${why}`, { details: { line } });

/** A header: the file's first line, every field a word (`open_time,open,…`), none a number. */
const isHeader = (line: string, lineNo: number): boolean =>
  lineNo === 1 && line.split(',').every((field) => /^\s*[a-z_][\w ]*$/i.test(field));

/**
 * One CSV line → a closed candle, or null for the header (the first line only) or a blank line.
 * @throws MarketError MARKET_CSV_ROW_INVALID naming the line
 */
export function parseKlineLine(
  text: string,
  lineNo: number,
  target: { symbol: string; interval: CandleInterval; exchange: string },
): Candle | null {
  const line = text.trim();
  if (line === '' || isHeader(line, lineNo)) return null;
  const f = line.split(',');
  if (f.length < 9) throw invalid(lineNo, `expected at least 9 fields, got ${f.length}`);
  const n = f.map(Number);
  if (n.slice(0, 9).some((v) => !Number.isFinite(v))) throw invalid(lineNo, 'a field is not a number');
  const openTime = n[0]! > MICROS_ABOVE ? Math.floor(n[0]! / 1000) : n[0]!;
  if (openTime % INTERVAL_MS[target.interval] !== 0) {
    throw invalid(lineNo, `open time ${openTime} is not on a ${target.interval} boundary`);
  }
  const [open, high, low, close, volume] = [n[1]!, n[2]!, n[3]!, n[4]!, n[5]!];
  if (!(low <= Math.min(open, close) && high >= Math.max(open, close) && volume >= 0)) {
    throw invalid(lineNo, 'high/low do not bound open/close, or the volume is negative');
  }
  return {
    exchange: target.exchange,
    symbol: target.symbol,
    interval: target.interval,
    openTime,
    closeTime: openTime + INTERVAL_MS[target.interval],
    open,
    high,
    low,
    close,
    volume,
    quoteVolume: n[7]!,
    trades: Math.trunc(n[8]!),
    incomplete: false,
    revision: 0,
  };
}

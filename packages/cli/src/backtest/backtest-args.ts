/**
 * @module The arguments of `tickline backtest` (and the `--param` pairs `tickline research` shares),
 * parsed and checked the same whether the run is local or goes to a server.
 */
import { CANDLE_INTERVALS, isCandleInterval, type CandleInterval } from '@tickline/protocol';
import { badArgument as bad } from '../cli-errors.ts';
import type { ApiOptions } from '../api/api-client.ts';

export interface BacktestCommandOptions extends ApiOptions {
  config?: string;
  strategy: string;
  symbol?: string;
  interval?: string;
  /** `SYMBOL:INTERVAL` pairs: a multi-feed backtest (instead of `symbol` and `interval`). */
  feed?: string[];
  from: string;
  to: string;
  exchange?: string;
  /** `name=value` pairs. */
  param?: string[];
  capital?: string;
  fee?: string;
  memoryMb?: string;
  cpuMs?: string;
  json?: boolean;
  /** Over the API: seconds to follow the run before cancelling it. */
  timeout?: string;
}

/** `--param fast=10 --param mode=trend` → `{ fast: 10, mode: 'trend' }` (numbers and booleans parsed). */
export function parseParams(pairs: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw bad(`--param: expected name=value, got ${pair}`);
    const raw = pair.slice(at + 1);
    out[pair.slice(0, at)] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw !== '' && Number.isFinite(Number(raw))
            ? Number(raw)
            : raw;
  }
  return out;
}

export function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw bad(`${name}: expected a non-negative number, got ${text}`);
  return n;
}

/** The feeds asked for: every `--feed SYMBOL:INTERVAL`, or `--symbol` with `--interval`. */
export function feedsOf(
  options: BacktestCommandOptions,
): Array<{ symbol: string; interval: CandleInterval }> {
  const given = options.feed ?? [];
  if (given.length > 0 && (options.symbol !== undefined || options.interval !== undefined))
    throw bad('give either --feed (repeatable) or --symbol with --interval, not both');
  const pairs =
    given.length > 0
      ? given.map((f) => {
          const at = f.lastIndexOf(':');
          if (at <= 0) throw bad(`--feed: expected SYMBOL:INTERVAL, got ${f}`);
          return [f.slice(0, at), f.slice(at + 1)] as const;
        })
      : [[options.symbol, options.interval] as const];
  return pairs.map(([symbol, interval]) => {
    if (symbol === undefined) throw bad('--symbol (or --feed SYMBOL:INTERVAL) is needed');
    if (interval === undefined || !isCandleInterval(interval))
      throw bad(`--interval: expected one of ${CANDLE_INTERVALS.join(', ')}, got ${String(interval)}`);
    return { symbol, interval };
  });
}

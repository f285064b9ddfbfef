/**
 * @module The arguments of `tickline backtest` (and the `--param` pairs `tickline research` shares),
 * parsed and checked the same whether the run is local or goes to a server.
 */
import type { CandleInterval } from '@tickline/protocol';
import { badArgument as bad } from '../cli-errors.ts';
import type { ApiOptions } from '../api/api-client.ts';
import { feedsFrom } from '../feed-syntax.ts';
import type { CliIo } from '../io.ts';

export interface BacktestCommandOptions extends ApiOptions {
  config?: string;
  strategy: string;
  symbol?: string;
  interval?: string;
  /** `SYMBOL:INTERVAL[:VENUE]`: the feeds (several: a multi-feed backtest). */
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

/**
 * The feeds asked for: every `--feed SYMBOL:INTERVAL[:VENUE]` (feed-syntax.ts), or the deprecated
 * `--symbol` with `--interval` (a note goes to `io`). A backtest reads one venue's candles: a venue
 * named in the feeds becomes `options.exchange`, and feeds naming different ones are refused.
 */
export function feedsOf(
  options: BacktestCommandOptions,
  io?: CliIo,
): Array<{ symbol: string; interval: CandleInterval }> {
  const quiet: CliIo = { out: () => {}, err: () => {}, env: {} };
  const feeds = feedsFrom(io ?? quiet, options);
  const venues = new Set(feeds.map((f) => f.exchange));
  if (venues.size > 1)
    throw bad(`a backtest reads one venue's candles; the feeds name ${[...venues].join(', ')}`);
  const venue = feeds[0]?.exchange;
  if (venue !== undefined) options.exchange = venue;
  return feeds.map(({ symbol, interval }) => ({ symbol, interval }));
}

/**
 * @module What `tickline backtest` does: compile a strategy file, read the range's candles from
 * the configured store, run it in the sandbox with a progress bar on standard error, and print
 * the metrics table (or `--json`: metrics and trades, for scripts).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isCandleInterval, INTERVAL_MS } from '@tickline/market';
import {
  compileStrategy,
  loadFeed,
  resolveBacktestSettings,
  resolveParams,
  runInSandbox,
  type BacktestSettingsInput,
} from '@tickline/strategy';
import { TicklineError } from '@tickline/kernel';
import { ServerError } from '../../errors.ts';
import type { CliIo } from '../io.ts';
import { parseInstant, withCandleStore } from '../market/market-actions.ts';
import { formatMetricsTable } from './metrics-table.ts';
import { progressBar } from './progress-bar.ts';

export interface BacktestCommandOptions {
  config?: string;
  strategy: string;
  symbol: string;
  interval: string;
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
}

const bad = (message: string): ServerError => new ServerError('SERVER_INVALID_ARGUMENT', message);

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

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw bad(`${name}: expected a non-negative number, got ${text}`);
  return n;
}

export async function runBacktestCommand(io: CliIo, options: BacktestCommandOptions): Promise<void> {
  if (!isCandleInterval(options.interval)) {
    throw bad(`--interval: expected one of ${Object.keys(INTERVAL_MS).join(', ')}, got ${options.interval}`);
  }
  const interval = options.interval;
  const from = parseInstant(options.from, '--from');
  const to = parseInstant(options.to, '--to');
  if (!(from < to)) throw bad('--from must be before --to');
  const source = await readFile(options.strategy, 'utf8');
  const language = ['.js', '.mjs'].includes(extname(options.strategy)) ? 'javascript' : 'typescript';
  const compiled = await compileStrategy(source, { language });
  const params = resolveParams(compiled.params, parseParams(options.param));
  const settingsInput: BacktestSettingsInput = {};
  const capital = positiveNumber(options.capital, '--capital');
  const fee = positiveNumber(options.fee, '--fee');
  if (capital !== undefined) settingsInput.startingCapital = capital;
  if (fee !== undefined) {
    settingsInput.makerFee = fee;
    settingsInput.takerFee = fee;
  }
  const settings = resolveBacktestSettings(settingsInput);
  const limits = {
    ...(options.memoryMb ? { memoryMb: positiveNumber(options.memoryMb, '--memory-mb')! } : {}),
    ...(options.cpuMs ? { cpuMs: positiveNumber(options.cpuMs, '--cpu-ms')! } : {}),
  };
  const feed = await withCandleStore(io, options.config, (sql) =>
    loadFeed(sql, {
      symbol: options.symbol,
      interval,
      from,
      to,
      ...(options.exchange ? { exchange: options.exchange } : {}),
    }),
  );
  const bars = feed.columns.openTime.length;
  if (bars === 0) {
    throw new TicklineError(
      'STRATEGY_NO_DATA',
      `no stored ${interval} candles for ${options.symbol} in the range; import or backfill them first (tickline market --help)`,
    );
  }
  const bar = progressBar(io, `backtest ${options.symbol} ${interval}`);
  const result = await runInSandbox(
    {
      code: compiled.js,
      feeds: [feed],
      settings,
      params,
      onProgress: (done, total) => bar.update(done, total),
      progressEvery: Math.max(1_000, Math.ceil(bars / 100)),
      ...(io.interrupted ? { signal: io.interrupted } : {}),
    },
    limits,
  );
  bar.update(bars, bars);
  bar.finish();
  if (options.json) {
    io.out(
      `${JSON.stringify({
        symbol: options.symbol,
        interval,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        params,
        bars: result.bars,
        metrics: result.metrics,
        trades: result.trades,
        logs: result.logs,
      })}\n`,
    );
    return;
  }
  io.out(
    `${options.symbol} ${interval}  ${new Date(feed.columns.openTime[0]!).toISOString()} .. ${new Date(feed.columns.openTime[bars - 1]!).toISOString()}  ${bars} bars\n\n`,
  );
  io.out(formatMetricsTable(result.metrics));
}

/**
 * @module What `tickline backtest` does: compile a strategy file, read the range's candles from
 * the configured store, run it in the sandbox with a progress bar on standard error, and print
 * the metrics table (or `--json`: metrics and trades, for scripts). While `tickline start` holds
 * the store (STORE_LOCKED), or with `--url` or TICKLINE_URL, the same run goes to that server
 * (backtest-over-api.ts).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  compileStrategy,
  loadFeed,
  resolveBacktestSettings,
  resolveParams,
  runInSandbox,
} from '@tickline/strategy';
import { TicklineError } from '@tickline/kernel';
import { isStoreLockedError } from '@tickline/store';
import {
  badArgument as bad,
  feedsOf,
  formatMetricsTable,
  parseParams,
  positiveNumber,
  progressBar,
  runBacktestOverApi,
  serverApi,
  type BacktestCommandOptions,
  type CliIo,
} from '@tickline/cli';
import { parseInstant, withCandleStore } from '../market/market-actions.ts';

export async function runBacktestCommand(
  io: CliIo,
  options: BacktestCommandOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  const wanted = feedsOf(options, io);
  const from = parseInstant(options.from, '--from');
  const to = parseInstant(options.to, '--to');
  if (!(from < to)) throw bad('--from must be before --to');
  const source = await readFile(options.strategy, 'utf8');
  const language = ['.js', '.mjs'].includes(extname(options.strategy)) ? 'javascript' : 'typescript';
  const givenParams = parseParams(options.param);
  const settingsInput: { startingCapital?: number; makerFee?: number; takerFee?: number } = {};
  const capital = positiveNumber(options.capital, '--capital');
  const fee = positiveNumber(options.fee, '--fee');
  if (capital !== undefined) settingsInput.startingCapital = capital;
  if (fee !== undefined) {
    settingsInput.makerFee = fee;
    settingsInput.takerFee = fee;
  }
  const limits = {
    ...(options.memoryMb ? { memoryMb: positiveNumber(options.memoryMb, '--memory-mb')! } : {}),
    ...(options.cpuMs ? { cpuMs: positiveNumber(options.cpuMs, '--cpu-ms')! } : {}),
  };
  const timeoutS = positiveNumber(options.timeout, '--timeout');
  const remote = () =>
    runBacktestOverApi(
      io,
      {
        file: options.strategy,
        source,
        language,
        feeds: wanted,
        exchange: options.exchange,
        from,
        to,
        params: givenParams,
        settings: settingsInput,
        sandbox: limits,
        json: options.json === true,
        ...(timeoutS === undefined ? {} : { deadlineMs: timeoutS * 1000 }),
      },
      serverApi(io, options.config, options),
      fetchFn,
    );
  // A named server runs it, as it gets `market import`: its candles, not this shell's ./data.
  if ((options.url ?? io.env.TICKLINE_URL) !== undefined) return remote();
  let local;
  try {
    // The store first: while a server holds it, the server compiles and runs the code instead.
    local = await withCandleStore(io, options.config, async (sql) => {
      const compiled = await compileStrategy(source, { language });
      const loaded = await Promise.all(
        wanted.map((f) =>
          loadFeed(sql, { ...f, from, to, ...(options.exchange ? { exchange: options.exchange } : {}) }),
        ),
      );
      return { compiled, feeds: loaded };
    });
  } catch (error) {
    if (!isStoreLockedError(error)) throw error;
    return remote();
  }
  const { compiled, feeds } = local;
  const params = resolveParams(compiled.params, givenParams);
  const settings = resolveBacktestSettings(settingsInput);
  for (const feed of feeds)
    if (feed.columns.openTime.length === 0)
      throw new TicklineError(
        'STRATEGY_NO_DATA',
        `no stored ${feed.interval} candles for ${feed.symbol} in the range; import or backfill them first (tickline market --help)`,
      );
  const bars = feeds.reduce((n, f) => n + f.columns.openTime.length, 0);
  const names = wanted.map((f) => `${f.symbol} ${f.interval}`).join(', ');
  const bar = progressBar(io, `backtest ${names}`);
  const result = await runInSandbox(
    {
      code: compiled.js,
      feeds,
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
        ...(wanted.length === 1 ? wanted[0] : {}),
        feeds: wanted,
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
  for (const feed of feeds) {
    const open = feed.columns.openTime;
    io.out(
      `${feed.symbol} ${feed.interval}  ${new Date(open[0]!).toISOString()} .. ${new Date(open[open.length - 1]!).toISOString()}  ${open.length} bars\n`,
    );
  }
  io.out('\n');
  io.out(formatMetricsTable(result.metrics));
}

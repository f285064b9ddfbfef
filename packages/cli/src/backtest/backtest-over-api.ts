/**
 * @module `tickline backtest` through a running server, when `tickline start` holds the data
 * directory (STORE_LOCKED) or `--url` names a server: the SDK's `runBacktestSource` saves the file
 * as the caller's strategy named after it and runs the same backtest there; this draws its
 * progress and prints what a local run prints. Ctrl-C and the deadline cancel it on the server.
 */
import { basename } from 'node:path';
import {
  DEFAULT_BACKTEST_DEADLINE_MS,
  runBacktestSource,
  type BacktestSourceOptions,
} from '@tickline/client';
import { backtestBreakdowns, type BacktestTrades } from '@tickline/protocol';
import { TicklineError } from '@tickline/kernel';
import { CliError } from '../cli-errors.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import { formatMetricsTable } from './metrics-table.ts';
import { bucketLines } from '../portfolio/portfolio-actions.ts';
import { progressBar } from '../progress-bar.ts';

/** A backtest as the command line asked for it, parsed; `file` names the strategy on the server. */
export type RemoteBacktestRequest = Omit<BacktestSourceOptions, 'call' | 'name' | 'signal'> & {
  file: string;
  from: number;
  to: number;
  json: boolean;
};

/** Runs `request` on the server at `api` and prints what a local run prints. */
export async function runBacktestOverApi(
  io: CliIo,
  request: RemoteBacktestRequest,
  api: ApiOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  const call = apiClient(io, api, fetchFn);
  io.err(`running on the server at ${api.url ?? io.env.TICKLINE_URL}\n`);
  const name = basename(request.file);
  const names = request.feeds.map((f) => `${f.symbol} ${f.interval}`).join(', ');
  const bar = progressBar(io, `backtest ${names}`);
  const { outcome, saved, detail } = await runBacktestSource({
    ...request,
    call,
    name,
    signal: io.interrupted,
    onSaved: (s) => io.err(`strategy ${name}: version ${s.version} (${s.saved})\n`),
    onQueued: (run) => io.err(`queued backtest ${run.id}\n`),
    onProgress: (run) => bar.update(Math.round(run.progress * 100), 100),
  });
  const { backtest, result } = detail;
  if (outcome === 'succeeded') bar.update(100, 100);
  bar.finish();
  if (outcome === 'interrupted')
    throw new TicklineError(
      'STRATEGY_RUN_CANCELLED',
      `interrupted: backtest ${backtest.id} cancelled on the server`,
    );
  if (outcome === 'timeout') {
    const seconds = Math.round((request.deadlineMs ?? DEFAULT_BACKTEST_DEADLINE_MS) / 1000);
    throw new CliError(
      'SERVER_API_TIMEOUT',
      `backtest ${backtest.id} did not end within ${seconds} s; cancelled on the server (--timeout allows longer)`,
    );
  }
  if (outcome !== 'succeeded' || result === null)
    throw new TicklineError(
      backtest.error?.code ?? 'STRATEGY_RUN_CANCELLED',
      `backtest ${backtest.id} ${outcome}: ${backtest.error?.message ?? 'no reason given'}`,
    );
  const [from, to] = [new Date(request.from).toISOString(), new Date(request.to).toISOString()];
  const { strategyId, version } = saved;
  const { trades } = await call<BacktestTrades>('GET', `/backtests/${backtest.id}/trades`);
  // Per pair, exit reason and day, as the dashboard's backtest page and `tickline profit` show.
  const breakdowns = backtestBreakdowns(trades);
  if (!request.json) {
    io.out(`${names}  ${from} .. ${to}  ${result.bars} bars (backtest ${backtest.id})\n\n`);
    io.out(formatMetricsTable(result.metrics));
    const tables = [
      ...bucketLines('pair', breakdowns.byPair),
      ...bucketLines('exit reason', breakdowns.byExitReason),
      ...bucketLines('day', breakdowns.byDay),
    ];
    if (tables.length > 0) io.out(`${tables.join('\n')}\n`);
    // What research and live take next: the ids this run made.
    io.out(`\nstrategy ${strategyId}  version ${version}  backtest ${backtest.id}\n`);
    return;
  }
  const single = request.feeds.length === 1 ? request.feeds[0] : {};
  const { bars, metrics, logs } = result;
  const body = {
    ...single,
    feeds: request.feeds,
    from,
    to,
    params: backtest.params,
    bars,
    metrics,
    trades,
    breakdowns,
    logs,
  };
  io.out(`${JSON.stringify({ ...body, backtestId: backtest.id, strategyId, version })}\n`);
}

/**
 * @module `tickline backtest rerun <id>`: runs a backtest again on the server, on the data it read
 * (same code version, parameters, settings, adjustment and data version), follows it and prints its
 * metrics with whether it reproduced the first run, and the data versions that changed the first
 * run's candles since (what a new run would read instead).
 */
import { rerunBacktest } from '@tickline/client';
import type { BacktestDetail } from '@tickline/protocol';
import { TicklineError } from '@tickline/kernel';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import type { CliIo } from '../io.ts';
import { progressBar } from '../progress-bar.ts';
import { positiveNumber } from './backtest-args.ts';
import { formatMetricsTable } from './metrics-table.ts';

export interface BacktestRerunOptions extends ApiOptions {
  json?: boolean;
  /** Seconds to follow the run before cancelling it. */
  timeout?: string;
}

/** What the report says of the data: the pin, the reproduction, the changes since. */
export function formatReproduction(detail: BacktestDetail): string {
  const lines: string[] = [];
  const data = detail.data;
  if (data) {
    const feeds = data.feeds.map((f) => `${f.symbol} ${f.interval} ${f.bars} bars ${f.contentHash.slice(0, 12)}`);
    lines.push(`data version ${data.dataVersion}, adjust ${data.adjust}: ${feeds.join('; ')}`);
  }
  const r = detail.reproduces;
  if (r) {
    const same = r.sameData && r.sameFigures;
    lines.push(
      same
        ? `reproduces backtest ${r.backtestId}: same data, same figures`
        : `does NOT reproduce backtest ${r.backtestId}: ${r.sameData ? 'same' : 'different'} data, ${r.sameFigures ? 'same' : 'different'} figures`,
    );
  }
  const changed = detail.changedSince ?? [];
  if (changed.length > 0)
    lines.push(
      `its data changed since (a new backtest reads these): ${changed.map((v) => `version ${v.id} ${v.kind} ${v.source}, ${v.changed} changed`).join('; ')}`,
    );
  return lines.map((l) => `${l}\n`).join('');
}

/** Re-runs `id` and prints the result; resolves to the exit code (1 when it did not reproduce). */
export async function runBacktestRerun(
  io: CliIo,
  id: string,
  options: BacktestRerunOptions,
  fetchFn?: typeof fetch,
): Promise<number> {
  const call = apiClient(io, options, fetchFn);
  const bar = progressBar(io, `rerun of backtest ${id}`);
  const seconds = positiveNumber(options.timeout, '--timeout');
  const { outcome, detail } = await rerunBacktest(
    {
      call,
      signal: io.interrupted,
      ...(seconds === undefined ? {} : { deadlineMs: seconds * 1_000 }),
      onQueued: (run) => io.err(`queued backtest ${run.id} (a re-run of ${id})\n`),
      onProgress: (run) => bar.update(Math.round(run.progress * 100), 100),
    },
    id,
  );
  bar.finish();
  const { backtest, result } = detail;
  if (outcome !== 'succeeded' || result === null)
    throw new TicklineError(
      backtest.error?.code ?? 'STRATEGY_RUN_CANCELLED',
      `backtest ${backtest.id} ${outcome}: ${backtest.error?.message ?? 'no reason given'}`,
    );
  const reproduced = detail.reproduces ? detail.reproduces.sameData && detail.reproduces.sameFigures : true;
  if (options.json) {
    io.out(`${JSON.stringify({ backtestId: backtest.id, rerunOf: id, metrics: result.metrics, bars: result.bars, data: detail.data ?? null, reproduces: detail.reproduces ?? null, changedSince: detail.changedSince ?? [] })}\n`);
  } else {
    io.out(`backtest ${backtest.id} (a re-run of ${id})  ${result.bars} bars\n\n`);
    io.out(formatMetricsTable(result.metrics));
    io.out(`\n${formatReproduction(detail)}`);
  }
  return reproduced ? 0 : 1;
}

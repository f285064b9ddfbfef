/**
 * @module What `GET /backtests/{id}` says of a run's data: what it read (pinned), the data versions
 * that changed its candles since (so a report whose data has changed says so), and for a re-run
 * whether it read the same candles and came to the same figures as the run it re-ran.
 */
import type { DataVersion } from '@tickline/market';
import type { BacktestRequest } from '../module/backtest-queue.ts';
import { changedSince, type RunData } from '../module/run-data.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import type { RunRecord, StoredResult } from '../versions/strategy-repository.ts';

/** A re-run beside the run it re-ran. */
export interface Reproduction {
  backtestId: string;
  /** Every feed's content hash equals the first run's. */
  sameData: boolean;
  /** Metrics, trades and bars equal the first run's. */
  sameFigures: boolean;
}

export interface RunProvenance {
  data: RunData | null;
  changedSince: DataVersion[];
  reproduces: Reproduction | null;
}

const figures = (r: StoredResult) => JSON.stringify([r.metrics, r.trades, r.bars, r.equity]);

/** The provenance of the user's succeeded run with its `result`. */
export async function provenanceOf(host: StrategyHost, run: RunRecord, result: StoredResult): Promise<RunProvenance> {
  const data = result.data ?? null;
  const request = run.request as unknown as BacktestRequest;
  let reproduces: Reproduction | null = null;
  if (request.rerunOf !== undefined) {
    const first = await host.repository.getResult(run.userId, request.rerunOf).catch(() => undefined);
    if (first) {
      const hashes = (d: RunData | undefined) => JSON.stringify(d?.feeds.map((f) => f.contentHash) ?? null);
      reproduces = {
        backtestId: request.rerunOf,
        sameData: data !== null && hashes(first.data) === hashes(data),
        sameFigures: figures(first) === figures(result),
      };
    }
  }
  return { data, changedSince: data ? await changedSince(host.reads, data) : [], reproduces };
}

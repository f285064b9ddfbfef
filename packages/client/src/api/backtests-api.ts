/**
 * @module Backtests: queue one (202), read its status, metrics, trades and curves, cancel it.
 * Progress and completion arrive as `backtest.progress` / `backtest.completed` on `user:{id}`.
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  Backtest,
  BacktestCurves,
  BacktestDetail,
  BacktestTrade,
  RunBacktestInput,
} from '@tickline/protocol';

export interface BacktestsApi {
  /** Queues a run; resolves with it (status `queued`). */
  run(input: RunBacktestInput): Promise<Backtest>;
  list(options?: { strategyId?: string; limit?: number }): Promise<Backtest[]>;
  get(id: string): Promise<BacktestDetail>;
  trades(id: string): Promise<{ trades: BacktestTrade[]; truncated: boolean }>;
  equity(id: string): Promise<BacktestCurves>;
  cancel(id: string): Promise<Backtest>;
  /** Queues the run again on the data it read (202): same code version, parameters and data version. */
  rerun(id: string): Promise<Backtest>;
}

export function createBacktestsApi(send: AuthorizedSend, paths: ClientPaths): BacktestsApi {
  const base = paths.backtests;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    run: async (input) =>
      (await send<{ backtest: Backtest }>({ method: 'POST', path: base, body: input })).backtest,
    list: async (options = {}) =>
      (
        await send<{ backtests: Backtest[] }>({
          method: 'GET',
          path: base,
          query: { strategyId: options.strategyId, limit: options.limit },
        })
      ).backtests,
    get: (id) => send({ method: 'GET', path: one(id) }),
    trades: (id) => send({ method: 'GET', path: `${one(id)}/trades` }),
    equity: (id) => send({ method: 'GET', path: `${one(id)}/equity` }),
    cancel: async (id) =>
      (await send<{ backtest: Backtest }>({ method: 'POST', path: `${one(id)}/cancel` })).backtest,
    rerun: async (id) =>
      (await send<{ backtest: Backtest }>({ method: 'POST', path: `${one(id)}/rerun` })).backtest,
  };
}

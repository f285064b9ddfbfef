/**
 * @module Live strategy runs: a strategy version enabled with parameters on one or more feeds of a
 * portfolio, its status (running or paused with the reason), last signals and logs; pause, resume
 * and stop. Signals and pauses arrive on `user:{id}` (`strategy.signal`, `strategy.live.paused`).
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import { resultsCalls } from './results-calls.ts';
import type { HttpRequest } from '../http/http-client.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  ClosedTradesResponse,
  EnableLiveInput,
  LiveRun,
  LiveSignal,
  Order,
  ParityReportView,
  ProfitSummary,
} from '@tickline/protocol';
import type { TradesQuery } from './portfolios-api.ts';

export interface LiveStrategiesApi {
  /**
   * Runs a strategy version live (replaying `warmupBars` stored candles first). Enabling the same
   * strategy on the same portfolio again replaces the run. Over the tier's limit rejects with
   * `STRATEGY_LIVE_LIMIT`.
   */
  enable(input: EnableLiveInput): Promise<LiveRun>;
  /** The caller's runs. */
  list(): Promise<LiveRun[]>;
  get(id: string): Promise<LiveRun>;
  /** Its latest signals, oldest first. */
  signals(id: string): Promise<LiveSignal[]>;
  logs(id: string): Promise<LiveRun['logs']>;
  /** The closed trades the run entered, newest exit first, a page at a time. */
  trades(id: string, query?: TradesQuery): Promise<ClosedTradesResponse>;
  /** The run's profit summary (as a portfolio's, of the trades it entered). */
  profit(id: string, query?: { symbol?: string }): Promise<ProfitSummary>;
  pause(id: string): Promise<LiveRun>;
  /** Resumes a paused run from the next closed candle. */
  resume(id: string): Promise<LiveRun>;
  /** Stops the run and forgets it (its resting orders stay; cancel them on the portfolio). */
  disable(id: string): Promise<void>;
  /**
   * Closes the run's own position (in `symbol`, or every one) at market: the orders as filled (the
   * server waits a few seconds for the fills), none when it holds nothing. Owner only.
   */
  forceExit(id: string, symbol?: string): Promise<Order[]>;
  /** Stops (`on`) or allows again new entries of the run; its exits keep running. */
  stopEntry(id: string, on: boolean): Promise<LiveRun>;
  /**
   * The run's parity report: the candles it decided replayed through the backtest engine with its
   * version (or `version`), every decision beside the live one. A run that decided nothing since it
   * was enabled rejects with `STRATEGY_PARITY_UNAVAILABLE`.
   */
  parity(id: string, version?: number): Promise<ParityReportView>;
}

export function createLiveStrategiesApi(send: AuthorizedSend, paths: ClientPaths): LiveStrategiesApi {
  const base = paths.liveStrategies;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  const run = async (request: HttpRequest) => (await send<{ run: LiveRun }>(request)).run;
  return {
    enable: (input) => run({ method: 'POST', path: base, body: input }),
    list: async () => (await send<{ runs: LiveRun[] }>({ method: 'GET', path: base })).runs,
    get: (id) => run({ method: 'GET', path: one(id) }),
    signals: async (id) =>
      (await send<{ signals: LiveSignal[] }>({ method: 'GET', path: `${one(id)}/signals` })).signals,
    logs: async (id) =>
      (await send<{ logs: LiveRun['logs'] }>({ method: 'GET', path: `${one(id)}/logs` })).logs,
    ...resultsCalls(send, one),
    pause: (id) => run({ method: 'POST', path: `${one(id)}/pause` }),
    resume: (id) => run({ method: 'POST', path: `${one(id)}/resume` }),
    disable: async (id) => {
      await send<void>({ method: 'DELETE', path: one(id) });
    },
    forceExit: async (id, symbol) =>
      (
        await send<{ orders: Order[] }>({
          method: 'POST',
          path: `${one(id)}/force-exit`,
          body: symbol === undefined ? {} : { symbol },
        })
      ).orders,
    stopEntry: (id, on) => run({ method: 'POST', path: `${one(id)}/stop-entry`, body: { on } }),
    parity: async (id, version) =>
      (
        await send<{ parity: ParityReportView }>({
          method: 'GET',
          path: `${one(id)}/parity${version === undefined ? '' : `?version=${version}`}`,
        })
      ).parity,
  };
}

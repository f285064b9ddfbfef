/**
 * @module `tickline backtest` through a running server: when `tickline start` holds the data
 * directory (STORE_LOCKED), or `--url` names a server, the strategy file is saved as a strategy of
 * the caller's (named after the file; a new version only when the code changed), the backtest is
 * queued with the same feeds, range, parameters and settings, followed with the progress bar, and
 * its metrics printed as a local run prints them. Ctrl-C and the deadline cancel it on the server.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type {
  Backtest,
  BacktestDetail,
  BacktestTrades,
  CreatedStrategy,
  StrategySummary,
  StrategyVersionInfo,
} from '@tickline/protocol';
import { isTicklineError, TicklineError } from '@tickline/kernel';
import { ServerError } from '../../errors.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiCall, type ApiOptions } from '../research/api-client.ts';
import { formatMetricsTable } from './metrics-table.ts';
import { progressBar } from './progress-bar.ts';

/** How often the run's status is asked for. */
export const DEFAULT_POLL_MS = 500;
/** How long a run is followed before it is cancelled: 30 minutes. */
export const DEFAULT_DEADLINE_MS = 30 * 60_000;

/** A backtest as the command line asked for it, parsed. */
export interface RemoteBacktestRequest {
  /** The strategy file: its name names the strategy on the server. */
  file: string;
  source: string;
  language: 'typescript' | 'javascript';
  feeds: ReadonlyArray<{ symbol: string; interval: string }>;
  exchange?: string | undefined;
  from: number;
  to: number;
  /** As given (`--param`); the server resolves them against the strategy's declarations. */
  params: Record<string, unknown>;
  settings: { startingCapital?: number; makerFee?: number; takerFee?: number };
  sandbox: { memoryMb?: number; cpuMs?: number };
  json: boolean;
}

/** How the run is followed (tests shorten them and bring their own fetch). */
export interface FollowOptions {
  pollMs?: number;
  deadlineMs?: number;
  fetchFn?: typeof fetch;
}

interface SavedStrategy {
  strategyId: string;
  version: number;
  saved: 'created' | 'new version' | 'unchanged';
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The caller's strategy named `name` at a version holding `source`: created when there is none,
 * given a new version when its latest differs, reused as it is otherwise — so running the same
 * file again adds nothing.
 */
export async function saveStrategyFile(
  call: ApiCall,
  name: string,
  source: string,
  language: RemoteBacktestRequest['language'],
): Promise<SavedStrategy> {
  const { strategies } = await call<{ strategies: StrategySummary[] }>('GET', '/strategies');
  const same = strategies
    .filter((s) => s.name === name)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (same === undefined) {
    const created = await call<CreatedStrategy>('POST', '/strategies', { name, source, language });
    return { strategyId: created.strategy.id, version: created.version.version, saved: 'created' };
  }
  const { versions } = await call<{ versions: StrategyVersionInfo[] }>(
    'GET',
    `/strategies/${same.id}/versions`,
  );
  const latest = versions.at(-1);
  if (latest !== undefined && latest.sourceSha256 === sha256(source) && latest.language === language)
    return { strategyId: same.id, version: latest.version, saved: 'unchanged' };
  const { version } = await call<{ version: StrategyVersionInfo }>(
    'POST',
    `/strategies/${same.id}/versions`,
    {
      source,
      language,
    },
  );
  return { strategyId: same.id, version: version.version, saved: 'new version' };
}

/** The `POST /backtests` body: the first feed drives the run, the others go in `feeds`. */
export function queueBody(r: RemoteBacktestRequest, strategy: SavedStrategy): Record<string, unknown> {
  const [first, ...more] = r.feeds;
  const exchange = r.exchange === undefined ? {} : { exchange: r.exchange };
  return {
    strategyId: strategy.strategyId,
    version: strategy.version,
    symbol: first!.symbol,
    interval: first!.interval,
    from: r.from,
    to: r.to,
    ...exchange,
    ...(more.length > 0 ? { feeds: more.map((f) => ({ ...f, ...exchange })) } : {}),
    params: r.params,
    ...(Object.keys(r.settings).length > 0 ? { settings: r.settings } : {}),
    ...(Object.keys(r.sandbox).length > 0 ? { sandbox: r.sandbox } : {}),
  };
}

/** Waits `ms`, or less when `signal` fires. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Cancels the run, which may have ended meanwhile (409 STRATEGY_RUN_FINISHED): that is fine. */
async function cancel(call: ApiCall, id: string): Promise<void> {
  try {
    await call('POST', `/backtests/${id}/cancel`);
  } catch (error) {
    if (!(isTicklineError(error) && error.code === 'STRATEGY_RUN_FINISHED')) throw error;
  }
}

/** Polls the run until it ends, drawing its progress; the succeeded detail, or the run's error. */
async function follow(
  io: CliIo,
  call: ApiCall,
  run: Backtest,
  label: string,
  options: FollowOptions,
): Promise<BacktestDetail & { result: NonNullable<BacktestDetail['result']> }> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const bar = progressBar(io, label);
  for (;;) {
    const detail = await call<BacktestDetail>('GET', `/backtests/${run.id}`);
    const { status, progress, error } = detail.backtest;
    bar.update(Math.round(progress * 100), 100);
    if (status === 'succeeded' && detail.result !== null) {
      bar.update(100, 100);
      bar.finish();
      return { ...detail, result: detail.result };
    }
    if (status === 'failed' || status === 'cancelled') {
      bar.finish();
      throw new TicklineError(
        error?.code ?? 'STRATEGY_RUN_CANCELLED',
        `backtest ${run.id} ${status}: ${error?.message ?? 'no reason given'}`,
      );
    }
    if (io.interrupted?.aborted) {
      bar.finish();
      await cancel(call, run.id);
      throw new TicklineError(
        'STRATEGY_RUN_CANCELLED',
        `interrupted: backtest ${run.id} cancelled on the server`,
      );
    }
    if (Date.now() >= deadline) {
      bar.finish();
      await cancel(call, run.id);
      throw new ServerError(
        'SERVER_API_TIMEOUT',
        `backtest ${run.id} did not end within ${Math.round((options.deadlineMs ?? DEFAULT_DEADLINE_MS) / 1000)} s; cancelled on the server (--timeout allows longer)`,
      );
    }
    await pause(pollMs, io.interrupted);
  }
}

/** Runs `request` on the server at `api` and prints what a local run prints. */
export async function runBacktestOverApi(
  io: CliIo,
  request: RemoteBacktestRequest,
  api: ApiOptions,
  options: FollowOptions = {},
): Promise<void> {
  const call = apiClient(io, api, options.fetchFn);
  io.err(`running on the server at ${api.url ?? io.env.TICKLINE_URL}\n`);
  const name = basename(request.file);
  const strategy = await saveStrategyFile(call, name, request.source, request.language);
  io.err(`strategy ${name}: version ${strategy.version} (${strategy.saved})\n`);
  const { backtest } = await call<{ backtest: Backtest }>('POST', '/backtests', queueBody(request, strategy));
  io.err(`queued backtest ${backtest.id}\n`);
  const names = request.feeds.map((f) => `${f.symbol} ${f.interval}`).join(', ');
  const detail = await follow(io, call, backtest, `backtest ${names}`, options);
  const from = new Date(request.from).toISOString();
  const to = new Date(request.to).toISOString();
  if (request.json) {
    const { trades } = await call<BacktestTrades>('GET', `/backtests/${backtest.id}/trades`);
    io.out(
      `${JSON.stringify({
        ...(request.feeds.length === 1 ? request.feeds[0] : {}),
        feeds: request.feeds,
        from,
        to,
        params: detail.backtest.params,
        bars: detail.result.bars,
        metrics: detail.result.metrics,
        trades,
        logs: detail.result.logs,
        backtestId: backtest.id,
        strategyId: strategy.strategyId,
        version: strategy.version,
      })}\n`,
    );
    return;
  }
  io.out(`${names}  ${from} .. ${to}  ${detail.result.bars} bars (backtest ${backtest.id})\n\n`);
  io.out(formatMetricsTable(detail.result.metrics));
}

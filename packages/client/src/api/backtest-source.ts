/**
 * @module Runs a strategy's source code as a backtest on a server, as `tickline backtest` does
 * while the server holds the candles: the source is saved as the caller's strategy of that name
 * (created, given a new version only when its SHA-256 differs from the latest, or reused as it is,
 * so the same file run again adds nothing), the run is queued and polled until it ends. Ctrl-C (the
 * signal) and the deadline cancel it on the server.
 */
import type {
  Backtest,
  BacktestDetail,
  BacktestSettings,
  CandleInterval,
  CreatedStrategy,
  StrategySummary,
  StrategyVersionInfo,
} from '@tickline/protocol';
import type { UploadCall } from './kline-upload.ts';

/** How often the run's status is asked for. */
export const DEFAULT_BACKTEST_POLL_MS = 500;
/** How long a run is followed before it is cancelled: 30 minutes. */
export const DEFAULT_BACKTEST_DEADLINE_MS = 30 * 60_000;

export interface BacktestSourceOptions {
  call: UploadCall;
  /** The strategy's name on the server (the CLI uses the file's). */
  name: string;
  source: string;
  language: 'typescript' | 'javascript';
  /** The first feed drives the run; the others are the strategy's further feeds. */
  feeds: ReadonlyArray<{ symbol: string; interval: CandleInterval }>;
  exchange?: string | undefined;
  from: string | number;
  to: string | number;
  params?: Record<string, unknown>;
  settings?: BacktestSettings;
  sandbox?: { memoryMb?: number; cpuMs?: number };
  /** @default DEFAULT_BACKTEST_POLL_MS */
  pollMs?: number;
  /** @default DEFAULT_BACKTEST_DEADLINE_MS */
  deadlineMs?: number;
  /** Aborting it cancels the run. */
  signal?: AbortSignal | undefined;
  onSaved?: (saved: SavedSource) => void;
  onQueued?: (run: Backtest) => void;
  /** Each poll's answer while the run is queued or running. */
  onProgress?: (run: Backtest) => void;
}

/** The strategy version holding the source, and what saving it did. */
export interface SavedSource {
  strategyId: string;
  version: number;
  saved: 'created' | 'new version' | 'unchanged';
}

/** How the run ended: on its own, or cancelled here (`interrupted`, `timeout`). */
export interface BacktestSourceResult {
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'timeout';
  saved: SavedSource;
  detail: BacktestDetail;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Saves `source` as the caller's newest strategy called `name`, adding a version only for new code. */
export async function saveStrategySource(
  o: Pick<BacktestSourceOptions, 'call' | 'name' | 'source' | 'language'>,
): Promise<SavedSource> {
  const { call, name, source, language } = o;
  const { strategies } = await call<{ strategies: StrategySummary[] }>('GET', '/strategies');
  const same = strategies
    .filter((s) => s.name === name)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (same === undefined) {
    const created = await call<CreatedStrategy>('POST', '/strategies', { name, source, language });
    return { strategyId: created.strategy.id, version: created.version.version, saved: 'created' };
  }
  const path = `/strategies/${encodeURIComponent(same.id)}/versions`;
  const latest = (await call<{ versions: StrategyVersionInfo[] }>('GET', path)).versions.at(-1);
  if (latest?.sourceSha256 === (await sha256(source)) && latest.language === language)
    return { strategyId: same.id, version: latest.version, saved: 'unchanged' };
  const { version } = await call<{ version: StrategyVersionInfo }>('POST', path, { source, language });
  return { strategyId: same.id, version: version.version, saved: 'new version' };
}

/** Waits `ms`, or less when `signal` fires. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Saves the source, queues the backtest and follows it to its end. */
export async function runBacktestSource(o: BacktestSourceOptions): Promise<BacktestSourceResult> {
  const [first, ...more] = o.feeds;
  if (first === undefined) throw new TypeError('runBacktestSource: at least one feed is needed');
  const saved = await saveStrategySource(o);
  o.onSaved?.(saved);
  const exchange = o.exchange === undefined ? {} : { exchange: o.exchange };
  const { backtest } = await o.call<{ backtest: Backtest }>('POST', '/backtests', {
    strategyId: saved.strategyId,
    version: saved.version,
    ...first,
    from: o.from,
    to: o.to,
    ...exchange,
    ...(more.length > 0 ? { feeds: more.map((f) => ({ ...f, ...exchange })) } : {}),
    params: o.params ?? {},
    ...(o.settings && Object.keys(o.settings).length > 0 ? { settings: o.settings } : {}),
    ...(o.sandbox && Object.keys(o.sandbox).length > 0 ? { sandbox: o.sandbox } : {}),
  });
  o.onQueued?.(backtest);
  return { ...(await followBacktest(o, backtest.id)), saved };
}

/** How a followed run is polled, stopped and drawn. */
export type FollowBacktestOptions = Pick<
  BacktestSourceOptions,
  'call' | 'pollMs' | 'deadlineMs' | 'signal' | 'onProgress'
>;

/**
 * Follows the queued run `id` to its end, polling its detail; aborting `signal` or passing the
 * deadline cancels it on the server.
 */
export async function followBacktest(
  o: FollowBacktestOptions,
  id: string,
): Promise<Omit<BacktestSourceResult, 'saved'>> {
  const one = `/backtests/${encodeURIComponent(id)}`;
  const deadline = Date.now() + (o.deadlineMs ?? DEFAULT_BACKTEST_DEADLINE_MS);
  for (;;) {
    const detail = await o.call<BacktestDetail>('GET', one);
    const { status } = detail.backtest;
    if (status === 'failed' || status === 'cancelled' || (status === 'succeeded' && detail.result !== null))
      return { outcome: status, detail };
    o.onProgress?.(detail.backtest);
    const stop = o.signal?.aborted ? 'interrupted' : Date.now() >= deadline ? 'timeout' : undefined;
    if (stop !== undefined) {
      // It may have ended meanwhile (409 STRATEGY_RUN_FINISHED): then it stands as it ended.
      await o.call('POST', `${one}/cancel`).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'STRATEGY_RUN_FINISHED') throw error;
      });
      return { outcome: stop, detail };
    }
    await pause(o.pollMs ?? DEFAULT_BACKTEST_POLL_MS, o.signal);
  }
}

/**
 * Re-runs the backtest `id` on the data it read (`POST /backtests/{id}/rerun`) and follows the new
 * run to its end; its detail's `reproduces` compares it with the first.
 */
export async function rerunBacktest(
  o: FollowBacktestOptions & { onQueued?: (run: Backtest) => void },
  id: string,
): Promise<Omit<BacktestSourceResult, 'saved'>> {
  const { backtest } = await o.call<{ backtest: Backtest }>('POST', `/backtests/${encodeURIComponent(id)}/rerun`);
  o.onQueued?.(backtest);
  return followBacktest(o, backtest.id);
}

/**
 * @module The trial registry (`research_trials`, migration 0094): every parameter set a user runs
 * on one strategy and one market — each succeeded backtest, each set a research job tries — is
 * counted, per user, strategy and data key. A research job's deflated Sharpe ratio takes the count
 * registered before it as trials on top of the ones it runs (and of any the user declares), so
 * re-running until something passes is visible to the promotion gate.
 */
import type { SqlQueryable } from '@tickline/store';

/**
 * "The same data": the first feed's symbol and interval. Not the range: a set tried on January
 * and again on February of one market is two looks at the same market.
 */
export function trialDataKey(feed: { symbol: string; interval: string }): string {
  return `${feed.symbol}:${feed.interval}`;
}

/**
 * Parameter sets a research job of `spec` (a ResearchSpec) runs; a look-ahead check selects none.
 * Typed by shape: the backtest queue registers its runs here too and must not import research.
 */
export function trialsOf(spec: { kind: string; grid?: Record<string, readonly unknown[]>; samples?: number | undefined }): number {
  if (spec.kind === 'lookahead' || spec.grid === undefined) return 0;
  let sets = 1;
  for (const values of Object.values(spec.grid)) sets *= values.length;
  return spec.kind === 'search' && spec.samples !== undefined ? Math.min(spec.samples, sets) : sets;
}

/** Which trials are counted together. */
export interface TrialKey {
  userId: string;
  strategyId: string;
  dataKey: string;
}

/** Trials registered for `key` so far (0 when none). */
export async function registeredTrials(sql: SqlQueryable, key: TrialKey): Promise<number> {
  const { rows } = await sql.query<{ trials: number | string }>(
    'select trials from research_trials where user_id = $1 and strategy_id = $2 and data_key = $3',
    [key.userId, key.strategyId, key.dataKey],
  );
  return rows.length === 0 ? 0 : Number(rows[0]!.trials);
}

/** Adds `trials` to `key`'s count (atomically: concurrent jobs each add theirs); returns the new count. */
export async function registerTrials(sql: SqlQueryable, key: TrialKey, trials: number, now: Date): Promise<number> {
  if (trials <= 0) return registeredTrials(sql, key);
  const { rows } = await sql.query<{ trials: number | string }>(
    `insert into research_trials (user_id, strategy_id, data_key, trials, updated_at) values ($1, $2, $3, $4, $5)
     on conflict (user_id, strategy_id, data_key)
       do update set trials = research_trials.trials + excluded.trials, updated_at = excluded.updated_at
     returning trials`,
    [key.userId, key.strategyId, key.dataKey, trials, now],
  );
  return Number(rows[0]!.trials);
}

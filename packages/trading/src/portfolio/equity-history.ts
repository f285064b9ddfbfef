/**
 * @module A portfolio's equity history read from the projection's `portfolio_equity` table
 * (migration 0009): the latest `limit` points, or a time range thinned to one point per bucket,
 * answered oldest first so a chart can draw them as is.
 */
import { EQUITY_RANGE_BUCKET_MS, EQUITY_RANGE_SPAN_MS, type EquityRange } from '@tickline/protocol';
import type { Sql } from '@tickline/store';

/** One point of a portfolio's equity history. */
export interface EquityPoint {
  at: number;
  equity: number;
  cash: number;
}

/** Reads the latest `limit` equity points of a portfolio, oldest first. */
export async function readEquityHistory(
  sql: Sql,
  portfolioId: string,
  limit: number,
): Promise<EquityPoint[]> {
  const { rows } = await sql.query<{ at_ms: string | number; equity: number; cash: number }>(
    `select at_ms, equity, cash from (
       select at_ms, equity, cash from portfolio_equity where portfolio_id = $1 order by at_ms desc limit $2
     ) latest order by at_ms`,
    [portfolioId, limit],
  );
  // bigint comes back as a string from PostgreSQL; epoch ms fit a double exactly.
  return rows.map((r) => ({ at: Number(r.at_ms), equity: r.equity, cash: r.cash }));
}

/** Which part of the history to read: the latest `limit` points, or a range of the chart. */
export type EquityWindow = { limit: number } | { range: EquityRange };

/** Reads the window of a portfolio's history at `now` (epoch ms), oldest first. */
export function readEquityWindow(
  sql: Sql,
  portfolioId: string,
  window: EquityWindow,
  now: number,
): Promise<EquityPoint[]> {
  if ('limit' in window) return readEquityHistory(sql, portfolioId, window.limit);
  return readEquityRange(sql, portfolioId, {
    fromMs: now - EQUITY_RANGE_SPAN_MS[window.range],
    bucketMs: EQUITY_RANGE_BUCKET_MS[window.range],
  });
}

/** The window of {@link readEquityRange}: points at or after `fromMs`, one per `bucketMs`. */
export interface EquityRangeQuery {
  fromMs: number;
  bucketMs: number;
}

/**
 * The points since `fromMs`, the last of each `bucketMs` bucket (the figure at its end), oldest
 * first. Compaction keeps one point a minute for a day and coarser ones after, so a week or a month
 * stays a few hundred rows however long the account has traded.
 */
export async function readEquityRange(
  sql: Sql,
  portfolioId: string,
  query: EquityRangeQuery,
): Promise<EquityPoint[]> {
  const { rows } = await sql.query<{ at_ms: string | number; equity: number; cash: number }>(
    `select at_ms, equity, cash from (
       select distinct on (floor(at_ms / $3)) at_ms, equity, cash from portfolio_equity
        where portfolio_id = $1 and at_ms >= $2
        order by floor(at_ms / $3), at_ms desc
     ) buckets order by at_ms`,
    [portfolioId, query.fromMs, query.bucketMs],
  );
  return rows.map((r) => ({ at: Number(r.at_ms), equity: r.equity, cash: r.cash }));
}

/** The portfolio's equity at `atMs`: its last point at or before then, undefined when none is. */
export async function readEquityAt(sql: Sql, portfolioId: string, atMs: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ equity: number }>(
    `select equity from portfolio_equity where portfolio_id = $1 and at_ms <= $2 order by at_ms desc limit 1`,
    [portfolioId, atMs],
  );
  return rows[0]?.equity;
}

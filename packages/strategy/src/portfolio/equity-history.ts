/**
 * @module A portfolio's equity history read from the projection's `portfolio_equity` table
 * (migration 0009): the latest `limit` points, answered oldest first so a chart can draw them as is.
 */
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

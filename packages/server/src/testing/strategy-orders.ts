/**
 * @module What a live run decided, read from the shared journal in e2e tests: its strategy's
 * orders by the candle each was decided on (one per decision; a candle decided twice shows twice).
 */
import type { Sql } from '@tickline/store';

/** Close times of the candles the orders of `strategyId` were decided on, in order. */
export async function decidedCandles(sql: Sql, strategyId: string): Promise<number[]> {
  const { rows } = await sql.query<{ t: string }>(
    `select snapshot->'origin'->>'candleCloseTime' as t from broker_orders
     where snapshot->'origin'->>'strategyId' = $1 order by 1`,
    [strategyId],
  );
  return rows.map((r) => Number(r.t));
}

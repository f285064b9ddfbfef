/**
 * @module A kill switch's flatten as a live run's own exit. The flatten closes the portfolio's
 * positions with market orders of its own (`halt-…`, halt/halt-service.ts), not the run's, so a run
 * resumed or restarted after it would still hold its position and sell what is gone. The rule: a
 * filled closing order of a symbol closes, at its time and average price, the position each run of
 * the portfolio holds in that symbol then (the flatten took the portfolio's whole position, of
 * which each run's is a part). Booked as a fill with reason {@link FLATTEN_REASON} when the run
 * resumes (runner.resume) or is rebuilt from the journal (run-restore.ts), never twice: a close is
 * booked only while the run's position it meets is open and on the other side.
 */
import type { RecordedFill } from '@tickline/strategy';
import type { Order } from '../broker/order.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import { HALT_CLOSE_PREFIX } from '../halt/halt-proof.ts';
/** The reason a run's position closed by a kill switch's flatten carries. */
export const FLATTEN_REASON = 'kill_switch_flatten';

/** Sums of float quantities leave dust; a position below it is closed (run-exit.ts). */
const FLAT = 1e-12;

/** When a closing order took effect: its last fill. */
const closeTime = (o: Order): number =>
  o.fills.length === 0 ? o.updatedAt : Math.max(...o.fills.map((f) => f.time));

/**
 * The fills that book `closes` (the portfolio's closing orders) against a run's `fills`: one per
 * close that meets an open position of its symbol on the other side, for the whole of it.
 */
export function flattenFills(fills: readonly RecordedFill[], closes: readonly Order[]): RecordedFill[] {
  const booked: RecordedFill[] = [];
  const filled = closes
    .filter((o) => o.filledQuantity > 0)
    .map((o) => ({ o, at: closeTime(o) }))
    .sort((a, b) => a.at - b.at);
  for (const { o, at } of filled) {
    // The run's position in the symbol at the close: every fill up to its time, a close booked
    // before included (so a close read again books nothing).
    let position = 0;
    for (const [symbol, side, quantity, , , time] of [...fills, ...booked])
      if (symbol === o.symbol && time <= at) position += side === 'buy' ? quantity : -quantity;
    if (Math.abs(position) < FLAT || position > 0 !== (o.side === 'sell')) continue;
    const quantity = Math.abs(position);
    const fee = o.fills.reduce((sum, f) => sum + f.fee, 0) * (quantity / o.filledQuantity);
    booked.push([o.symbol, o.side, quantity, o.filledQuote / o.filledQuantity, fee, at, FLATTEN_REASON]);
  }
  return booked;
}

/**
 * The flatten fills of a run of `portfolioId` whose fills are `fills`, read from the journal's
 * closing orders since the run's first fill (none without fills, or a journal that cannot list them).
 */
export async function readFlattenFills(
  journal: Partial<Pick<OrderJournal, 'withIdPrefix'>> | undefined,
  portfolioId: string,
  fills: readonly RecordedFill[],
): Promise<RecordedFill[]> {
  if (journal?.withIdPrefix === undefined || fills.length === 0) return [];
  const since = Math.min(...fills.map((f) => f[5]));
  return flattenFills(fills, await journal.withIdPrefix(portfolioId, HALT_CLOSE_PREFIX, since));
}

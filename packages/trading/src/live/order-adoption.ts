/**
 * @module Paper orders outlive their process. The paper venue holds resting orders (limits, stops,
 * market orders waiting for the next bar) in its process's memory; the journal (`broker_orders`)
 * has each one's last snapshot and, since migration 0014, the runner process holding it. A runner
 * calls {@link adoptOrphanOrders} on each sync, once it has heard the other members: every working
 * order whose holder is gone — or is itself, restarted — is taken over with a compare-and-set on
 * the holder (so exactly one process does), and then
 * - a placed order is held by this process's paper venue again and fills on the candles it sees;
 * - a claim (the id taken, the venue never answered: the placer died in between) is completed
 *   through the desk (`OrderDesk.resubmit`): the venue's snapshot if it knows the id, else the
 *   order is sent now under the same id — placed once, not lost and not twice.
 * Candles that closed while no process held an order (the member ttl after a kill) do not fill it.
 * Like run assignment, it relies on the members agreeing on who is alive: a runner adopts only
 * after it has heard the others (the sync's two heartbeats), so a live holder is never robbed.
 */
import type { OrderDeskPort } from '../broker/order-desk.ts';
import type { PaperBroker } from '../broker/paper/paper-ports.ts';
import { isClaimPlaceholder, type SqlOrderJournal } from '../broker/sql/sql-order-journal.ts';

/** What {@link adoptOrphanOrders} did. */
export interface AdoptOrphanOrdersResult {
  /** Placed orders this venue holds again. */
  adopted: number;
  /** Claims sent to the venue (or completed from its answer). */
  resubmitted: number;
  /** Claims the venue could not take now: given back (as when placing fails), not placed. */
  failed: number;
}

/** What adoption needs of the live host. */
export interface AdoptionDeps {
  journal: SqlOrderJournal;
  paper: PaperBroker;
  desk: OrderDeskPort;
  /** This process's member name. */
  member: string;
  onError?: (error: unknown, clientOrderId: string) => void;
}

/** See the module comment. `live` are the members heard from (this one included). */
export async function adoptOrphanOrders(
  deps: AdoptionDeps,
  live: readonly string[],
): Promise<AdoptOrphanOrdersResult> {
  const result: AdoptOrphanOrdersResult = { adopted: 0, resubmitted: 0, failed: 0 };
  for (const { order, holder } of await deps.journal.orphans(live, deps.member)) {
    const ref = { portfolioId: order.portfolioId, symbol: order.symbol, clientOrderId: order.clientOrderId };
    // Held here already, or being placed by this desk right now: not an orphan.
    if (deps.desk.placing(order.portfolioId, order.clientOrderId)) continue;
    if ((await deps.paper.order(ref)) !== undefined) continue;
    if (!(await deps.journal.takeOver(order, holder, deps.member))) continue;
    if (!isClaimPlaceholder(order)) {
      if (deps.paper.adopt(order)) result.adopted++;
      continue;
    }
    try {
      await deps.desk.resubmit(order);
      result.resubmitted++;
    } catch (error) {
      result.failed++;
      deps.onError?.(error, order.clientOrderId);
    }
  }
  return result;
}

/**
 * @module A live run's force exit: its working entries cancelled, its positions closed at market,
 * and the answer waiting for the fills. A module of its own because it drives the run's orders
 * (run-orders.ts) with the rules of run-exit.ts.
 */
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import { isFinalStatus, type Order } from '../broker/order.ts';
import type { LiveRun } from './live-run.ts';
import { exitOrders, isEntry, OrderWaiters } from './run-exit.ts';
import type { RunOrders } from './run-orders.ts';

/** Force exits of the runner's runs: their orders' engine ids, and their answers' waits for fills. */
export class ForceExits {
  readonly #orders: RunOrders;
  readonly #waiters = new OrderWaiters();
  /** Engine ids of force-exit orders: negative, so never one the engine gave. */
  #ids = 0;

  constructor(orders: RunOrders) {
    this.#orders = orders;
  }

  /** An order event from the desk: settles a force exit waiting for it. */
  settle(event: OrderLifecycleEvent): void {
    this.#waiters.settle(event);
  }

  /**
   * Closes `run`'s positions (`symbol`'s, or all) at market for `userId` (`key` makes the orders'
   * client ids), and answers with the orders as placed once they ended or after `waitMs` (a market
   * order fills at the next price; the journal then holds the fill): empty when the run holds no
   * position and has no entry working.
   *
   * Its working orders go first, cancelled: the owner asked to be out, and an entry filling a
   * moment after the answer — a market buy fills at the next bar — would put the run back in the
   * position just closed (answered as cancelled); the run's own working exits give way to the
   * market close, which sells what they held: left working, they kept the position reserved and
   * the close was refused ("0 free to sell"), or both sold it. An order that fills before its
   * cancel lands is closed with the rest. (Freqtrade's force exit cancels open orders the same way.)
   */
  async exit(
    run: LiveRun,
    userId: string,
    symbol: string | undefined,
    waitMs: number,
    key: string,
  ): Promise<Order[]> {
    const placed: Order[] = [];
    for (const [clientOrderId, order] of [...run.byClientId]) {
      if (symbol !== undefined && order.symbol !== symbol) continue;
      const entry = isEntry(run, order);
      const cancelled = await this.#orders.cancel(run, clientOrderId, 'force exit');
      if (entry && cancelled?.status === 'cancelled') placed.push(cancelled);
      // Filled meanwhile: the desk reports the fill before its answer, so its position is booked.
    }
    for (const order of exitOrders(run, symbol, () => --this.#ids)) {
      const sent = await this.#orders.placeExit(run, order, userId, key);
      if (!isFinalStatus(sent.status)) await this.#waiters.ended(sent.clientOrderId, waitMs);
      // The desk journals an order's change before it tells the runner: its journal has the fill.
      placed.push(sent);
    }
    return placed;
  }
}

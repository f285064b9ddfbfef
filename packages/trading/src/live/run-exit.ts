/**
 * @module Force exit and stop-entry of a live run. A force exit closes the run's own positions (one
 * symbol, or all) at market through the run's books, so its engine sees the fill as an exit with
 * reason `force_exit` and the run goes on flat. Stop-entry refuses the orders of a run that would
 * open or grow a position while its exits (sells of a long, stops, take-profits) keep running: the
 * strategy sees a refused entry as an order done at once, and a log line says why. A module of its
 * own because the runner, the order routing (run-orders.ts) and the routes all use it.
 */
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import type { Order } from '../broker/order.ts';
import type { LiveOrder, RecordedFill } from '@tickline/strategy';
import type { LiveRun } from './live-run.ts';

/** The reason a force exit's orders carry: the exit reason of the trades they close. */
export const FORCE_EXIT_REASON = 'force_exit';

/**
 * The run's own net position per symbol, as its status holds it (booked fill by fill, and noted
 * from every execution when its books are rebuilt).
 */
export function runPositions(run: LiveRun): Map<string, number> {
  return new Map((run.status.positions ?? []).map((p) => [p.symbol, p.quantity]));
}

/** Net positions per symbol over `fills` (buys minus sells, in order). */
function netPositions(fills: readonly RecordedFill[]): Map<string, number> {
  const positions = new Map<string, number>();
  for (const [symbol, side, quantity] of fills) {
    const q = (positions.get(symbol) ?? 0) + (side === 'buy' ? quantity : -quantity);
    positions.set(symbol, q);
  }
  // Sums of float quantities leave dust; a position below it is closed.
  for (const [symbol, q] of positions) if (Math.abs(q) < 1e-12) positions.delete(symbol);
  return positions;
}

/**
 * Moves the run's position in `symbol` in its status by one fill (`quantity` signed: negative for
 * a sell) — the hot path's update, in the order `netPositions` sums them, without re-reading every fill.
 */
export function bookPosition(run: LiveRun, symbol: string, quantity: number): void {
  const held = run.status.positions ?? [];
  const at = held.findIndex((p) => p.symbol === symbol);
  const moved = { symbol, quantity: (at < 0 ? 0 : held[at]!.quantity) + quantity };
  const next = at < 0 ? [...held, moved] : held.map((p, i) => (i === at ? moved : p));
  // Sums of float quantities leave dust; a position below it is closed (as in netPositions).
  if (Math.abs(moved.quantity) < 1e-12) next.splice(at < 0 ? next.length - 1 : at, 1);
  if (next.length > 0) run.status.positions = next;
  else delete run.status.positions;
}

/**
 * Sets the run's positions in its status from every execution it booked (`fills`: all of them,
 * not a record cut at MAX_RECORDED_FILLS), for the API, the run's card, exits and stop-entry.
 */
export function notePositions(run: LiveRun, fills: readonly RecordedFill[] = run.fills): void {
  const positions = [...netPositions(fills)].map(([symbol, quantity]) => ({ symbol, quantity }));
  if (positions.length > 0) run.status.positions = positions;
  else delete run.status.positions;
}

/**
 * Whether `order` opens or grows a position: a buy while long or flat, a sell while short. In
 * stop-entry such an order is refused; everything else (a sell of a long, a buy back of a short)
 * is an exit and goes through.
 */
export function isEntry(run: LiveRun, order: Pick<LiveOrder, 'symbol' | 'side'>): boolean {
  const position = runPositions(run).get(order.symbol) ?? 0;
  return order.side === 'buy' ? position >= 0 : position < 0;
}

/** The market orders (as engine orders) that close the run's positions: one symbol's, or all. */
export function exitOrders(run: LiveRun, symbol: string | undefined, nextId: () => number): LiveOrder[] {
  const orders: LiveOrder[] = [];
  for (const [s, q] of runPositions(run)) {
    if (symbol !== undefined && s !== symbol) continue;
    orders.push({
      id: nextId(),
      symbol: s,
      side: q > 0 ? 'sell' : 'buy',
      type: 'market',
      qty: Math.abs(q),
      // As the engine writes a market order: no percent, no price.
      percent: 0,
      price: NaN,
      reason: FORCE_EXIT_REASON,
    });
  }
  return orders;
}

/**
 * Waiters for orders to end (filled, cancelled or rejected), so a force exit answers with its
 * fill: the desk reports every order event to the runner, which settles them here.
 */
export class OrderWaiters {
  readonly #waiting = new Map<string, Array<(order: Order | undefined) => void>>();

  /** Settles the waiters of the event's order when it ended (a partial fill does not). */
  settle(event: OrderLifecycleEvent): void {
    const ended =
      (event.type === 'order.filled' && !event.data.partial) ||
      event.type === 'order.cancelled' ||
      event.type === 'order.rejected';
    if (!ended) return;
    const waiters = this.#waiting.get(event.data.clientOrderId);
    if (waiters === undefined) return;
    this.#waiting.delete(event.data.clientOrderId);
    for (const resolve of waiters) resolve(undefined);
  }

  /** Resolves when order `clientOrderId` ended, or after `timeoutMs` (whichever is first). */
  ended(clientOrderId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiting.get(clientOrderId) ?? [];
        const left = list.filter((w) => w !== done);
        if (left.length === 0) this.#waiting.delete(clientOrderId);
        else this.#waiting.set(clientOrderId, left);
        resolve();
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const list = this.#waiting.get(clientOrderId) ?? [];
      list.push(done);
      this.#waiting.set(clientOrderId, list);
    });
  }
}

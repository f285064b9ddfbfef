/** @module How the live-strategies page words a force exit's answer: what was sold, at what price. */
import type { Order } from '@tickline/client';
import { formatPrice } from '../markets/market-format.ts';
import { formatQuantity } from '../portfolio/portfolio-format.ts';

/**
 * One line per order: `Sold 2 BTC-USDT at 100.00`, an entry the exit cancelled before it filled, or
 * what is still open or refused.
 */
export function exitText(orders: readonly Order[]): string {
  if (orders.length === 0) return 'No position to close.';
  return orders
    .map((o) => {
      if (o.status === 'cancelled')
        return `Cancelled the run's ${o.side} of ${formatQuantity(o.quantity - o.filledQuantity)} ${o.symbol} before it filled.`;
      const verb = o.side === 'sell' ? 'Sold' : 'Bought back';
      if (o.status === 'filled')
        return `${verb} ${formatQuantity(o.filledQuantity)} ${o.symbol} at ${formatPrice(o.filledQuote / o.filledQuantity)}.`;
      if (o.status === 'rejected')
        return `${o.symbol}: refused (${o.rejectReason ?? 'rejected'}): ${o.detail ?? ''}`.trim();
      return `${o.symbol}: market order placed, it fills at the next price.`;
    })
    .join(' ');
}

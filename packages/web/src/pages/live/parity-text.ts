/**
 * @module Words of a live run's parity: one decision as the table shows it, and the platform's
 * latest check of the run (`run.parity`, the parity monitor's) in a line.
 */
import type { LiveRun, ParityReportView } from '@tickline/client';
import { formatPrice } from '../markets/market-format.ts';
import { formatQuantity } from '../portfolio/portfolio-format.ts';

type Decision = NonNullable<ParityReportView['rows'][number]['live']>;

/** A decision: side, size (a percent order's with the quantity it came to), symbol, type, price. */
export function decisionText(d: Decision | undefined): string {
  if (d === undefined) return '—';
  const size =
    d.percent === undefined ? formatQuantity(d.quantity) : `${d.percent}% (${formatQuantity(d.quantity)})`;
  return `${d.side} ${size} ${d.symbol} ${d.type}${d.price === undefined ? '' : ` @ ${formatPrice(d.price)}`}`;
}

/** The latest check: identical with its decisions, or the first divergence with both sides. */
export function parityLatestText(p: NonNullable<LiveRun['parity']>, when: string): string {
  const first = p.firstDivergence;
  if (first === undefined) return `Parity checked ${when}: identical, ${p.decisions} decisions`;
  return (
    `Parity checked ${when}: diverges from the backtest at decision ${first.decision} (${first.field} differs)` +
    ` — live ${decisionText(first.live)}, backtest ${decisionText(first.replay)}`
  );
}

/**
 * @module How the Reconciliation card words a report: when and why it ran, whether the books
 * agreed, and each difference the venue's report showed (and the books took).
 */
import type { ReconciliationDifference, ReconciliationReport } from '@tickline/client';

const TRIGGERS: Record<ReconciliationReport['trigger'], string> = {
  start: 'on start',
  reconnect: 'after the venue reconnected',
  gap: 'after a gap in the venue stream',
  request: 'on request',
};

const qty = (n: number) => String(+n.toPrecision(8));

/** "Agreed on start: 2 differences corrected", or why it could not agree. */
export function reportHeadline(r: ReconciliationReport): string {
  const when = TRIGGERS[r.trigger] ?? r.trigger;
  if (!r.agreed) return `Not agreed ${when}: ${r.error ?? 'the venue could not be read'}`;
  const n = r.differences.length;
  return n === 0
    ? `Agreed ${when}: nothing differed`
    : `Agreed ${when}: ${n} difference${n === 1 ? '' : 's'} corrected`;
}

/** One difference as a sentence. */
export function differenceText(d: ReconciliationDifference): string {
  if (d.kind === 'balance')
    return `${d.asset}: books ${qty(d.books)}, venue ${qty(d.venue)} (${d.delta >= 0 ? '+' : ''}${qty(d.delta)})`;
  if (d.kind === 'order_unknown')
    return `Order ${d.clientOrderId} (${d.symbol}) works at the venue; now in the books`;
  if (d.kind === 'order_missing') return `Order ${d.clientOrderId} (${d.symbol}) is unknown to the venue`;
  return `Order ${d.clientOrderId} (${d.symbol}): ${d.books?.status ?? '?'} in the books, ${d.venue?.status ?? '?'} at the venue`;
}

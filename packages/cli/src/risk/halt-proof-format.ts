/**
 * @module How `tickline kill-switch` prints a halt proof (the server builds it from the order
 * journal): held or not, the switch's time, each working order and when the venue cancelled it,
 * orders after the switch, and with flatten the closing orders and the time to flat.
 */
import type { HaltProofView } from '@tickline/protocol';

const iso = (ms: number) => new Date(ms).toISOString();

/** One proof as lines of text. */
export function formatHaltProof(p: HaltProofView): string {
  const lines = [
    `halt ${p.haltId} of ${p.portfolioId} (${p.scope}${p.target === undefined ? '' : ` ${p.target}`}): ${
      p.halted ? 'HALTED (proof holds)' : 'NOT PROVEN'
    }`,
    `  switch at ${iso(p.engagedAt)} by ${p.by} (${p.actor}): ${p.reason}`,
    `  orders after the switch: ${p.ordersAfter.length} reached the venue, ${p.refusedAfter} refused`,
    ...p.ordersAfter.map(
      (o) =>
        `    ! ${o.clientOrderId} ${o.side} ${o.quantity} ${o.symbol} at ${iso(o.createdAt)} (${o.status})`,
    ),
    `  working at the switch: ${p.cancels.length}`,
    ...p.cancels.map(
      (c) =>
        `    ${c.confirmed ? 'cancelled' : 'NOT cancelled'} ${c.clientOrderId} ${c.side} ${c.quantity} ${c.symbol}` +
        (c.cancelledAt === undefined ? ` (${c.status})` : ` at ${iso(c.cancelledAt)}`),
    ),
  ];
  if (p.flat !== undefined) {
    lines.push(
      p.flat.done
        ? `  flat at ${iso(p.flat.flatAt!)}: ${p.flat.timeToFlatMs} ms after the switch`
        : '  flattening: not every position is closed yet',
    );
    for (const c of p.flat.closes)
      lines.push(
        `    ${c.side} ${c.quantity} ${c.symbol} at market: ${c.status}` +
          (c.filledAt === undefined ? '' : ` at ${iso(c.filledAt)}`) +
          (c.averagePrice === undefined ? '' : ` (avg ${c.averagePrice})`),
      );
    for (const d of p.flat.dust ?? [])
      lines.push(`    dust ${d.quantity} ${d.symbol} left under the venue's lot`);
  }
  for (const problem of p.problems) lines.push(`  problem: ${problem}`);
  return lines.join('\n') + '\n';
}

/**
 * @module Words of a kill switch halt proof (the server builds it from the order journal): its
 * verdict in a line, and one line per working order cancelled, closing order and problem.
 */
import type { HaltProofView } from '@tickline/client';
import { formatQuantity } from './portfolio-format.ts';

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** The verdict: holds (and flat, with its time to flat) or not, and why not first. */
export function haltVerdictText(p: HaltProofView): string {
  const cancelled = `${p.cancels.filter((c) => c.confirmed).length} of ${p.cancels.length} working orders cancelled by the venue`;
  const after = `${p.ordersAfter.length} orders after the switch (${p.refusedAfter} refused)`;
  const flat =
    p.flat === undefined
      ? ''
      : p.flat.done
        ? `; flat ${p.flat.timeToFlatMs} ms after the switch`
        : '; closing positions…';
  return `${p.halted ? 'Halt proven' : 'Not proven yet'} at ${time(p.engagedAt)} UTC: ${cancelled}, ${after}${flat}.`;
}

/** One line per fact the verdict rests on. */
export function haltDetailLines(p: HaltProofView): string[] {
  return [
    ...p.cancels.map(
      (c) =>
        `${c.confirmed ? 'Cancelled' : 'Not cancelled'}: ${c.side} ${formatQuantity(c.quantity)} ${c.symbol}` +
        (c.cancelledAt === undefined ? ` (${c.status})` : ` at ${time(c.cancelledAt)}`),
    ),
    ...(p.flat?.closes ?? []).map(
      (c) =>
        `Closed at market: ${c.side} ${formatQuantity(c.quantity)} ${c.symbol} — ${c.status}` +
        (c.filledAt === undefined ? '' : ` at ${time(c.filledAt)}`),
    ),
    ...(p.flat?.dust ?? []).map(
      (d) => `Dust left under the venue's lot: ${formatQuantity(d.quantity)} ${d.symbol}`,
    ),
    ...p.problems,
  ];
}

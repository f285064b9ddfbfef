/**
 * @module Time-range partition arithmetic: UTC-aligned day and month periods, and the names of the
 * partitions that cover them (`market_trades_p20261122`, `market_candles_p202611`). Pure.
 */

/** How long one partition spans. */
export const PartitionPeriod = { Day: 'day', Month: 'month' } as const;
export type PartitionPeriod = (typeof PartitionPeriod)[keyof typeof PartitionPeriod];

/** One partition's range `[fromMs, toMs)` and its table name. */
export interface PartitionRange {
  name: string;
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;

/** The start of the period holding `timeMs`. */
export function periodStart(timeMs: number, period: PartitionPeriod): number {
  if (period === PartitionPeriod.Day) return Math.floor(timeMs / DAY_MS) * DAY_MS;
  const date = new Date(timeMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The start of the period `steps` periods after the one starting at `startMs` (negative: before). */
export function addPeriods(startMs: number, period: PartitionPeriod, steps: number): number {
  if (period === PartitionPeriod.Day) return startMs + steps * DAY_MS;
  const date = new Date(startMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + steps, 1);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The partition of `table` covering the period that starts at `startMs`. */
export function partitionRange(table: string, period: PartitionPeriod, startMs: number): PartitionRange {
  const date = new Date(startMs);
  const suffix =
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    (period === PartitionPeriod.Day ? pad(date.getUTCDate(), 2) : '');
  return { name: `${table}_p${suffix}`, fromMs: startMs, toMs: addPeriods(startMs, period, 1) };
}

/**
 * The partitions from `behind` periods before the one holding `nowMs` to `ahead` periods after it,
 * oldest first.
 */
export function partitionsAround(
  table: string,
  period: PartitionPeriod,
  nowMs: number,
  behind: number,
  ahead: number,
): PartitionRange[] {
  const current = periodStart(nowMs, period);
  const ranges: PartitionRange[] = [];
  for (let step = -behind; step <= ahead; step++) {
    ranges.push(partitionRange(table, period, addPeriods(current, period, step)));
  }
  return ranges;
}

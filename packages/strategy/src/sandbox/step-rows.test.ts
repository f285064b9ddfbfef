import { describe, expect, it } from 'vitest';
import type { LiveCandle } from '../live/live-engine.ts';
import { STEP_ROW } from './isolate-live.ts';
import {
  expandRows,
  STEP_CANDLE,
  STEP_REF,
  stepColumns,
  stepRows,
  type StepSession,
  type TenantGroup,
} from './step-rows.ts';

const candle = (closeTime: number): LiveCandle => ({
  openTime: closeTime - 60_000,
  closeTime,
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 10,
});

/** Steps of sessions asked in the order given: [tenant group, handle] each. */
function asked(entries: Array<[TenantGroup, number]>) {
  const q = stepColumns<StepSession>();
  for (const [group, handle] of entries) {
    q.sessions.push({ group, handle });
    q.fs.push(0);
    q.candles.push(candle(60_000 * handle));
    q.answers.push(() => undefined);
  }
  return q;
}

const group = (): TenantGroup => ({ stamp: 0, first: 0, count: 0 });
const handles = (rows: Float64Array) =>
  Array.from({ length: rows.length / STEP_REF }, (_, r) => rows[r * STEP_REF]!);

describe('stepRows', () => {
  it("puts each tenant's steps together, tenants in the order first asked, steps in the order asked", () => {
    const [a, b, c] = [group(), group(), group()];
    const q = asked([
      [a, 1],
      [b, 2],
      [a, 3],
      [c, 4],
      [b, 5],
      [a, 6],
    ]);
    const { rows, candles, order } = stepRows(q);
    expect(Array.from(order)).toEqual([0, 2, 5, 1, 4, 3]);
    expect(handles(rows)).toEqual([1, 3, 6, 2, 5, 4]);
    // Each row names its own entry's feed and candle; expanded, it is the candle the entry was asked.
    const into = new Float64Array(2 * STEP_ROW);
    expandRows(rows, candles, 0, 2, into);
    expect(Array.from(into.subarray(STEP_ROW))).toEqual([3, 0, 120_000, 180_000, 1, 2, 0.5, 1.5, 10]);
    // Grouped again (the next turn), the same groups count from nothing.
    expect(
      Array.from(
        stepRows(
          asked([
            [b, 7],
            [a, 8],
            [b, 9],
          ]),
        ).order,
      ),
    ).toEqual([0, 2, 1]);
  });

  it('takes only the picked entries, and marks an unhealthy feed in its feed number', () => {
    const [a, b] = [group(), group()];
    const q = asked([
      [a, 1],
      [b, 2],
      [a, 3],
    ]);
    q.candles[2] = { ...candle(1), dataHealthy: false };
    const { rows, order } = stepRows(q, [1, 2]);
    expect(Array.from(order)).toEqual([1, 2]);
    expect(handles(rows)).toEqual([2, 3]);
    expect(rows[STEP_REF + 1]).toBeLessThan(0);
  });

  it('carries each distinct candle once, and every run of a feed is shown that candle', () => {
    const [a, b] = [group(), group()];
    const onA = candle(60_000);
    const onB = { ...candle(60_000), close: 7 };
    const q = stepColumns<StepSession>();
    // 100 runs of two tenants, alternating between two feeds' candles.
    for (let h = 0; h < 100; h++) {
      q.sessions.push({ group: h % 3 === 0 ? a : b, handle: h });
      q.fs.push(h % 2);
      q.candles.push(h % 2 === 0 ? onA : onB);
      q.answers.push(() => undefined);
    }
    const { rows, candles, order } = stepRows(q);
    expect(rows.length).toBe(100 * STEP_REF);
    expect(candles.length).toBe(2 * STEP_CANDLE);
    // Slices as the process takes them: each row written with its own entry's candle.
    const into = new Float64Array(16 * STEP_ROW);
    for (let from = 0; from < 100; from += 16) {
      const to = Math.min(100, from + 16);
      expandRows(rows, candles, from, to, into);
      for (let i = from; i < to; i++) {
        const asked = q.candles[order[i]!]!;
        const o = (i - from) * STEP_ROW;
        expect(into[o]).toBe(order[i]);
        expect(into[o + 1]).toBe(order[i]! % 2);
        expect(Array.from(into.subarray(o + 2, o + STEP_ROW))).toEqual([
          asked.openTime,
          asked.closeTime,
          asked.open,
          asked.high,
          asked.low,
          asked.close,
          asked.volume,
        ]);
      }
    }
  });
});

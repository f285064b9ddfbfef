import { describe, expect, it } from 'vitest';
import { onGrid, WALL_GRID_MS } from './live-wire.ts';

describe('live wire - backstops on a grid', () => {
  it('gives at least the asked wall time, and calls started apart end on shared deadlines', () => {
    const lines = new Set<number>();
    const start = 1_234_567.891;
    // Calls of one candle close start within a few milliseconds of each other: clock readings
    // across 3 ms (given, not read: a preempted thread between two reads is not what is tested).
    for (let now = start; now - start < 3; now += 0.013) {
      const timeout = onGrid(1_000, now);
      expect(timeout).toBeGreaterThanOrEqual(1_000);
      expect(timeout).toBeLessThanOrEqual(1_000 + WALL_GRID_MS + 1);
      // isolated-vm counts the timeout from about now: its deadline is within a millisecond of a
      // grid line, whenever in the window the call started.
      const deadline = now + timeout;
      expect(deadline % WALL_GRID_MS).toBeLessThan(1);
      lines.add(Math.round(deadline / WALL_GRID_MS));
    }
    expect(lines.size).toBeLessThanOrEqual(2);
  });
});

import { describe, expect, it } from 'vitest';
import { onGrid, WALL_GRID_MS } from './live-wire.ts';

describe('live wire - backstops on a grid', () => {
  it('gives at least the asked wall time, and calls started apart end on shared deadlines', () => {
    const lines = new Set<number>();
    const start = performance.now();
    // Calls of one candle close start within a few milliseconds of each other.
    while (performance.now() - start < 3) {
      const now = performance.now();
      const timeout = onGrid(1_000);
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

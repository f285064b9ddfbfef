import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LATE_LOOP_MS, loopLateMs, MAX_YIELD_MS, watchLoop, yieldMs } from './loop-yield.ts';

describe('loop yield', () => {
  it('loop yield - no pause on a punctual loop; a late one is waited out, at most MAX_YIELD_MS', () => {
    expect(yieldMs(0)).toBe(0);
    expect(yieldMs(LATE_LOOP_MS - 1)).toBe(0);
    expect(yieldMs(LATE_LOOP_MS + 10)).toBe(LATE_LOOP_MS + 10);
    expect(yieldMs(5_000)).toBe(MAX_YIELD_MS);
  });

  it('loop yield - the probe sees a loop held by synchronous work, and stops with its last user', async () => {
    const a = watchLoop();
    const b = watchLoop();
    await sleep(30);
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // Holds the loop as a backlog's batch does.
    }
    await sleep(5);
    expect(loopLateMs()).toBeGreaterThanOrEqual(100);
    a();
    a();
    await sleep(30);
    b();
    expect(loopLateMs()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { threadCpuMicros } from './thread-cpu.ts';

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x += Math.sqrt(i);
  return x;
}

describe('sandbox - thread CPU clock', () => {
  it('sees the CPU of every short step, not only those a scheduler tick fell in', () => {
    // ~40 µs of work each: the tick-granular thread clock read 0 for almost all of them.
    const used: number[] = [];
    for (let i = 0; i < 50; i++) {
      const before = threadCpuMicros();
      spin(20_000);
      used.push(threadCpuMicros() - before);
    }
    expect(used.filter((us) => us <= 0)).toEqual([]);
  });

  it('never counts more than the wall time the step took', () => {
    for (let i = 0; i < 20; i++) {
      const wall = process.hrtime.bigint();
      const before = threadCpuMicros();
      spin(200_000);
      const cpu = threadCpuMicros() - before;
      const wallUs = Number(process.hrtime.bigint() - wall) / 1_000;
      expect(cpu).toBeLessThanOrEqual(wallUs + 5);
    }
  });
});

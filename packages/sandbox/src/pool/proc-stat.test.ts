import { describe, expect, it } from 'vitest';
import { processCpuMs, threadCpuMs } from './proc-stat.ts';

const linux = process.platform === 'linux';

describe('proc stat - CPU as the kernel counts it', () => {
  it.skipIf(!linux)("reads a process's and its main thread's CPU, which grow with work done", async () => {
    const process0 = (await processCpuMs(process.pid))!;
    const thread0 = (await threadCpuMs(process.pid))!;
    expect(thread0).toBeLessThanOrEqual(process0);
    // ~50 ms of CPU on this thread: five ticks of the kernel's account at least.
    const start = process.threadCpuUsage();
    let x = 0;
    while (process.threadCpuUsage(start).user < 50_000) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect((await threadCpuMs(process.pid))!).toBeGreaterThanOrEqual(thread0 + 30);
    expect((await processCpuMs(process.pid))!).toBeGreaterThanOrEqual(process0 + 30);
  });

  it('a process or thread that is not there reads undefined', async () => {
    // Above any pid_max: never a process.
    expect(await processCpuMs(2 ** 30)).toBeUndefined();
    expect(await threadCpuMs(process.pid, 2 ** 30)).toBeUndefined();
  });
});

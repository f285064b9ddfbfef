/**
 * @module This thread's CPU time as the scheduler last accounted it (one `getrusage` call, µs).
 * Stale by up to a scheduler tick (4 ms at 250 Hz), so a single short step may read 0 or a tick;
 * a live sandbox process reads it around each account's call, thousands a minute, where the
 * budgets it is held against are 50 ms and more, and half the syscalls matter (see thread-cpu.ts
 * in `@tickline/sandbox` for the exact reading and what it costs).
 */
export function threadCpuTicks(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

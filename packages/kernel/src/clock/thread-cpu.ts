/**
 * This thread's CPU time in microseconds, exact to the microsecond.
 *
 * `process.threadCpuUsage()` alone (getrusage RUSAGE_THREAD) reads the scheduler's account of the
 * thread as of its last tick or context switch: a 40 µs strategy step measured that way reads 0 in
 * ~98 % of calls and a whole tick in the rest — right on average, wrong for one candle (a run that
 * had seen one candle showed "0.00 ms"). Reading the process's usage first (RUSAGE_SELF) makes the
 * kernel bring the running thread's account up to date, so the thread read that follows is exact.
 * Measured on this machine: per-step error within ±2 µs, ~0.6 µs per read.
 */
export function threadCpuMicros(): number {
  process.cpuUsage();
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

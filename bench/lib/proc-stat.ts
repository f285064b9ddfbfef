/**
 * @module CPU time and resident memory of another process, read from Linux's `/proc/<pid>/stat`
 * and `/proc/<pid>/status` (proc(5)). For children that are not Node processes of ours
 * (`tickline start`, nats-server), where `process.cpuUsage()` cannot be asked over IPC.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `utime`/`stime` (`getconf CLK_TCK`, 100 on Linux x86-64). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU the process has used, in µs (resolution 1/CLK_TCK s: 10 ms). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / CLOCK_TICKS) * 1e6;
}

/** Resident set size in bytes (`VmRSS`). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** `pid` and its direct children (a PostgreSQL postmaster and its backends), from each `/proc/<pid>/stat`. */
export function withChildren(pid: number): number[] {
  const out = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // Field 4 (ppid) is the second after the parenthesised command name.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // Exited while listed.
    }
  }
  return out;
}

/** Total CPU µs of several processes, skipping any that exited (their time is gone with them). */
export function sumCpuMicros(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += cpuMicros(pid);
    } catch {
      // Exited.
    }
  }
  return sum;
}

/** CPU µs of each of `pids` that is still running. */
export function cpuByPid(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuMicros(pid));
    } catch {
      // Exited.
    }
  }
  return out;
}

/**
 * CPU µs used between two readings by the processes of the second (those new since count from
 * zero). A process that exited in between takes its time with it: left out rather than subtracted,
 * so the figure is a lower bound and never negative (PostgreSQL's autovacuum workers come and go).
 */
export function cpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += Math.max(0, cpu - (before.get(pid) ?? 0));
  return sum;
}

/**
 * @module CPU time of a process, or of one of its threads, as the kernel counts it
 * (`/proc/<pid>/stat`, `/proc/<pid>/task/<tid>/stat`): the supervisor bounds a sandbox process by
 * this, never by what the process says about itself. Linux only: where there is no procfs every
 * read is `undefined`, and callers keep their behaviour without it.
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: the unit of utime/stime in /proc (100 on every Linux ABI Node supports). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a `stat` file of procfs in milliseconds; undefined when unreadable. */
async function statCpuMs(path: string): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * User + system CPU time of process `pid` (all its threads) in milliseconds (10 ms resolution);
 * `undefined` when the process is gone or there is no procfs.
 */
export function processCpuMs(pid: number): Promise<number | undefined> {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * User + system CPU time of thread `tid` of process `pid` in milliseconds (10 ms resolution): of
 * its main thread when `tid` is `pid` — the thread a live sandbox process steps its runs on, while
 * V8's compiler and collector threads count in {@link processCpuMs}. `undefined` as there.
 */
export function threadCpuMs(pid: number, tid: number = pid): Promise<number | undefined> {
  return statCpuMs(`/proc/${pid}/task/${tid}/stat`);
}

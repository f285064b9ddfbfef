/**
 * @module CPU time of a process as the kernel counts it (`/proc/<pid>/stat`): the supervisor bounds a
 * sandbox process by this, never by what the process says about itself.
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: the unit of utime/stime in /proc (100 on every Linux ABI Node supports). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of process `pid` in milliseconds (10 ms resolution); `undefined` when the
 * process is gone or there is no procfs.
 */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
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

/**
 * @module A process's resident memory as the operating system counts it.
 *
 * The sandbox supervisor bounds a sandbox process by what the kernel says it holds, not by what the
 * process reports about itself: a process running hostile code could lie, stall before reporting,
 * or hold memory outside V8's heap (isolated-vm's isolates, native buffers) that
 * `process.memoryUsage()` inside it would not show.
 */
import { readFile } from 'node:fs/promises';

const VM_RSS = /^VmRSS:\s+(\d+)\s+kB$/m;

/**
 * Resident set size of process `pid` in bytes, read from `/proc/<pid>/status`; `undefined` when the
 * process is gone (or the platform has no procfs) — the caller treats that as "nothing to bound".
 */
export async function residentMemoryBytes(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = VM_RSS.exec(status)?.[1];
  // Zombies and kernel threads have no VmRSS line: they hold no user memory.
  return kb === undefined ? undefined : Number(kb) * 1024;
}

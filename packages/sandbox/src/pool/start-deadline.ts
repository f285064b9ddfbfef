/**
 * @module The start deadline of a sandbox child, counted in the child's own CPU time. A wall clock
 * deadline fails exactly when the machine is busiest: a niced child at load 19 on two cores gets a
 * few percent of a core, so its 1–2 s of start-up CPU took over a minute of wall time and the
 * supervisor killed it again and again (seen in the kill -9 tests beside stress-ng). CPU time
 * says whether the start itself is stuck; a wall backstop many times longer still ends a child that
 * hangs without spending any (a deadlock, a read that never returns).
 */
import { processCpuMs } from './proc-stat.ts';

/** A start costs 1–2.5 s of CPU here (module loading and the isolate bundle); a stuck one far more. */
export const START_CPU_MS = 30_000;

/** A child hanging without CPU is ended after this many times its CPU budget in wall time. */
export const START_WALL_FACTOR = 10;

export interface StartDeadline {
  /** The child is ready (or gone): stop watching. */
  clear(): void;
}

/**
 * Watches a starting child: calls `onMiss` once when it spent `cpuMs` of CPU, or
 * `cpuMs × START_WALL_FACTOR` of wall time, without being cleared.
 */
export function startDeadline(
  pid: number | undefined,
  cpuMs: number,
  onMiss: (reason: 'cpu' | 'wall') => void,
): StartDeadline {
  const started = performance.now();
  let done = false;
  const miss = (reason: 'cpu' | 'wall') => {
    if (done) return;
    done = true;
    clearInterval(timer);
    onMiss(reason);
  };
  const timer = setInterval(
    () => {
      if (performance.now() - started >= cpuMs * START_WALL_FACTOR) return miss('wall');
      if (pid === undefined) return;
      void processCpuMs(pid).then((used) => {
        if (used !== undefined && used >= cpuMs) miss('cpu');
      });
    },
    Math.max(10, Math.min(1_000, cpuMs / 4)),
  );
  timer.unref();
  return {
    clear() {
      done = true;
      clearInterval(timer);
    },
  };
}

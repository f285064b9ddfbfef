/**
 * @module The measuring half of a server child: answers the load generator's IPC (memory after
 * GC, measured windows) and collects tick work and tick intervals that the server code reports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { percentile } from '../lib/report.ts';
import type { FromServer, ToServer } from './ipc.ts';

function bytesWritten(): number {
  const io = readFileSync('/proc/self/io', 'utf8');
  return Number(/wchar:\s*(\d+)/.exec(io)?.[1] ?? 0);
}

/** Collects tick samples; one per server process. */
export class ServerProbe {
  #tickMs: number[] = [];
  #intervalMs: number[] = [];
  #lastTickAt = new Map<string, number>();
  #accepted = 0;
  #rejected = 0;
  #snapshots = 0;
  #start: { at: number; cpu: NodeJS.CpuUsage; bytes: number } | undefined;

  /** Records one tick of `zone` that started at `startedAt` and took `workMs`. */
  tick(zone: string, startedAt: number, workMs: number): void {
    const last = this.#lastTickAt.get(zone);
    this.#lastTickAt.set(zone, startedAt);
    if (!this.#start) return;
    this.#tickMs.push(workMs);
    if (last !== undefined) this.#intervalMs.push(startedAt - last);
  }

  moves(accepted: number, rejected: number): void {
    this.#accepted += accepted;
    this.#rejected += rejected;
  }

  #heap: Session | undefined;
  #windows = 0;

  /**
   * BENCH_HEAP_PROFILE=dir: a sampling heap profile of each measured window, objects the
   * collector took counted too (what a move allocates, not what it keeps).
   */
  #startHeapProfile(): void {
    if (!process.env.BENCH_HEAP_PROFILE) return;
    this.#heap = new Session();
    this.#heap.connect();
    this.#heap.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }

  #endHeapProfile(): void {
    const session = this.#heap;
    const dir = process.env.BENCH_HEAP_PROFILE;
    if (!session || !dir) return;
    this.#heap = undefined;
    const file = join(dir, `${process.pid}-${++this.#windows}.heapprofile`);
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
      session.disconnect();
    });
  }

  /** Serves IPC until `stop`, then calls `onStop`. */
  serve(onStop: () => Promise<void> | void): void {
    const send = (message: FromServer) => process.send!(message);
    process.on('message', (message: ToServer) => {
      switch (message.type) {
        case 'mem': {
          globalThis.gc?.();
          const m = process.memoryUsage();
          // BENCH_HEAP_SNAPSHOT=dir: a heap snapshot at every memory reading (what a player costs).
          const dir = process.env.BENCH_HEAP_SNAPSHOT;
          if (dir) writeHeapSnapshot(join(dir, `${process.pid}-${++this.#snapshots}.heapsnapshot`));
          return send({ type: 'mem', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
        }
        case 'window-start':
          this.#startHeapProfile();
          this.#tickMs = [];
          this.#intervalMs = [];
          this.#accepted = this.#rejected = 0;
          this.#start = { at: performance.now(), cpu: process.cpuUsage(), bytes: bytesWritten() };
          return send({ type: 'window-started' });
        case 'window-end': {
          const start = this.#start!;
          const cpu = process.cpuUsage(start.cpu);
          this.#start = undefined;
          this.#endHeapProfile();
          return send({
            type: 'window',
            elapsedMs: performance.now() - start.at,
            cpuUs: cpu.user + cpu.system,
            sysUs: cpu.system,
            bytesOut: bytesWritten() - start.bytes,
            tickP50Ms: percentile(this.#tickMs, 50),
            tickP99Ms: percentile(this.#tickMs, 99),
            tickMaxMs: this.#tickMs.length ? Math.max(...this.#tickMs) : NaN,
            intervalP99Ms: percentile(this.#intervalMs, 99),
            ticks: this.#tickMs.length,
            accepted: this.#accepted,
            rejected: this.#rejected,
          });
        }
        case 'stop':
          void Promise.resolve(onStop()).finally(() => process.exit(0));
          return;
      }
    });
  }
}

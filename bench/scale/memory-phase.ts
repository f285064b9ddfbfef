/**
 * @module bench:scale's memory rows: resident memory per connection in the real binary. One
 * `tickline start --role gateway` process (through `bin/tickline`, as deployed) on the multi rig,
 * N idle connections of one wire, each subscribed to one market channel, opened by the load
 * generator in this process. Resident memory is read after a full collection before the first
 * connection, 1 s after the last (no collection: what an operator sees right after a burst), and
 * after a full collection again (lib/inspector-gc.ts: the gateway runs with `--inspect` on
 * loopback for it, in both readings alike). The headline figure is the collected one: RSS growth
 * after GC / connections. The split (memory-split.ts) comes from the gateway's own `/metrics` on
 * an admin port of its own.
 *
 * With BENCH_HEAP_SNAPSHOTS=<dir> the gateway also writes a V8 heap snapshot (SIGUSR2,
 * `--heapsnapshot-signal`; V8 collects first) before and after, and the rows print what each
 * connection adds by kind of object.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@tickline/testing';
import { signUpAndIn, type ClusterProcess } from '@tickline/server/internal';
import { census, censusPerUnit, type CensusRow } from '../lib/heap-census.ts';
import { collectGarbage } from '../lib/inspector-gc.ts';
import { progress } from '../lib/report.ts';
import type { Wire } from '../fanout/ipc.ts';
import { Recorder } from '../fanout/load/recorder.ts';
import { readMemory, splitPerConnection, type MemorySplit } from '../fanout/multi/memory-split.ts';
import { stopGateway, unpin, type MultiRig } from '../fanout/multi/multi-phase.ts';
import { connectAll, SETTLE_MS, sleep, type Subscribers } from '../fanout/phase.ts';

/** The process settles after start-up and sign-up before the idle reading. */
const IDLE_SETTLE_MS = 2_000;

export interface MemoryOptions {
  wire: Extract<Wire, 'tickline-ws' | 'tickline-sse'>;
  connections: number;
  /** Heap snapshots go here when set. */
  snapshotDir: string | undefined;
}

export interface MemoryRow {
  wire: 'ws' | 'sse';
  connections: number;
  /** After a full collection: what the process keeps for its connections. */
  split: MemorySplit;
  /** 1 s after the last connection, no collection: with the burst's garbage. */
  unforced: MemorySplit;
  /** Shallow heap bytes per connection by kind of object (heap snapshots asked for). */
  heap?: CensusRow[];
}

/** Sends SIGUSR2 and waits for the snapshot file to be whole (its size stops changing). */
async function heapSnapshot(gateway: ClusterProcess, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  gateway.child.kill('SIGUSR2');
  for (let waited = 0; waited < 300_000; waited += 500) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (file === undefined) continue;
    const path = join(dir, file);
    for (let size = -1; ;) {
      await sleep(1_000);
      const now = statSync(path).size;
      if (now === size && now > 0) return path;
      size = now;
    }
  }
  throw new Error(`no heap snapshot from pid ${gateway.child.pid} in 5 min`);
}

export async function runMemoryPhase(rig: MultiRig, options: MemoryOptions): Promise<MemoryRow> {
  const { wire, connections, snapshotDir } = options;
  const label = `memory ${wire} × ${connections}`;
  const adminPort = await freePort();
  const inspectPort = await freePort();
  const dir =
    snapshotDir === undefined ? undefined : join(snapshotDir, `${wire}-${connections}-${Date.now()}`);
  if (dir) mkdirSync(dir, { recursive: true });
  const gateway = await rig.cluster.start('gateway', {
    TICKLINE_ADMIN_LISTEN_PORT: String(adminPort),
    NODE_OPTIONS: [
      `--inspect=127.0.0.1:${inspectPort}`,
      ...(dir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : []),
    ].join(' '),
  });
  let subscribed: Subscribers | undefined;
  try {
    const pid = gateway.child.pid!;
    unpin(pid);
    const read = () => readMemory(pid, `http://127.0.0.1:${adminPort}/metrics`);
    const port = Number(new URL(gateway.url).port);
    const user = await signUpAndIn(gateway.url, `memory.${Date.now()}.${wire}@example.com`);
    await sleep(IDLE_SETTLE_MS);
    await collectGarbage(inspectPort);
    // Read before the snapshot: writing one takes memory of its own for a while.
    const idle = await read();
    const before = dir ? await heapSnapshot(gateway, dir) : undefined;
    progress(`${label}: connecting`);
    subscribed = await connectAll(connections, { impl: wire, port, cookie: user.cookie }, new Recorder(1));
    await sleep(SETTLE_MS);
    const loaded = await read();
    progress(
      `${label}: ${Math.round((loaded.rss - idle.rss) / connections / 102.4) / 10} KB/conn; collecting`,
    );
    await collectGarbage(inspectPort);
    const collected = await read();
    const row: MemoryRow = {
      wire: wire === 'tickline-ws' ? 'ws' : 'sse',
      connections,
      split: splitPerConnection([idle], [collected], connections),
      unforced: splitPerConnection([idle], [loaded], connections),
    };
    if (dir && before)
      row.heap = censusPerUnit(census(before), census(await heapSnapshot(gateway, dir)), connections);
    return row;
  } finally {
    subscribed?.close();
    await stopGateway(gateway);
  }
}

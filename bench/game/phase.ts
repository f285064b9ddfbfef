/**
 * @module One benchmark phase: a server child pinned to its core, N players in zones of
 * `zoneSize`, memory before/after connecting, a warm-up, then a measured window of moves at the
 * scenario's rate with server CPU, tick work, bytes out and move → state latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { progress } from '../lib/report.ts';
import type { FromServer, PeerKind, ServerWindow, ToServer } from './ipc.ts';
import { Recorder, type LoadClient } from './recorder.ts';
import { RULES, seededRandom } from './rules.ts';

/** Opens one player of the given zone; each peer brings its own. */
export type JoinPlayer = (
  ready: Extract<FromServer, { type: 'ready' }>,
  zone: string,
  recorder: Recorder,
  random: () => number,
  /** Players per zone in this phase (a Colyseus room must take them all). */
  zoneSize: number,
) => Promise<LoadClient>;

export interface PhaseOptions {
  kind: PeerKind;
  /** The server child's script beside this file. @default `${kind}-server.ts` */
  script?: string;
  /** Player counts to measure in turn on one server (growing: later steps add players). */
  steps: number[];
  zoneSize: number;
  join: JoinPlayer;
  warmupMs: number;
  windowMs: number;
  serverCore: number | undefined;
}

export interface PhaseResult extends ServerWindow {
  kind: PeerKind;
  players: number;
  zoneSize: number;
  connected: number;
  connectMs: number;
  /**
   * Resident memory per player after GC, from the previous step's connections to this one's (a
   * moves window between, whose young-generation and allocator growth it also counts).
   */
  rssPerPlayerKb: number;
  /** Heap used plus external (buffers) per player, both after a full GC: live memory only. */
  livePerPlayerKb: number;
  sent: number;
  hacks: number;
  acks: number;
  clientRejects: number;
  honestRejects: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Share of the target move rate the generator delivered. */
  deliveredRatio: number;
  loadgenCpuShare: number;
  serverCpuShare: number;
}

const CONNECT_CONCURRENCY = 200;
const DRIVER_PERIOD_MS = 10;
const MAX_BACKLOG_MS = 100;

type Reply<T extends FromServer['type']> = Extract<FromServer, { type: T }>;
/** Sends `message` (if any) to a server child and resolves with its first reply of `type`. */
export function ask<T extends FromServer['type']>(
  child: ChildProcess,
  message: ToServer | undefined,
  type: T,
): Promise<Reply<T>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromServer) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Reply<T>);
    };
    const onExit = (code: number | null) => reject(new Error(`server exited (${code}) waiting for ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) child.send(message);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts server script `name` (beside this file) as a child with IPC, pinned to `core` if given. */
export function spawnServer(name: string, args: readonly string[], core: number | undefined): ChildProcess {
  const script = fileURLToPath(new URL(`./${name}`, import.meta.url));
  // BENCH_PROFILE=dir writes a V8 CPU profile of each server child there.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE]
    : [];
  const node = [...profile, '--expose-gc', script, ...args];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  return core === undefined
    ? spawn(process.execPath, node, { stdio })
    : spawn('taskset', ['-c', String(core), process.execPath, ...node], { stdio });
}

/**
 * Sends each client's move every 1/movesPerSecond s, spread evenly. A late timer sends at most
 * MAX_BACKLOG_MS of moves at once: a burst would trip the rate limit, on either server.
 */
export function drive(clients: LoadClient[], random: () => number): () => void {
  const perMs = (clients.length * RULES.movesPerSecond) / 1000;
  let owed = 0;
  let cursor = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    owed += Math.min(now - last, MAX_BACKLOG_MS) * perMs;
    last = now;
    for (; owed >= 1; owed--) {
      clients[cursor]!.move(random() < RULES.hackRatio);
      cursor = (cursor + 1) % clients.length;
    }
  }, DRIVER_PERIOD_MS);
  return () => clearInterval(timer);
}

/** Runs one server through `steps`, measuring a window at each player count. */
export async function runPhase(o: PhaseOptions): Promise<PhaseResult[]> {
  const zones = Math.ceil(Math.max(...o.steps) / o.zoneSize);
  const child = spawnServer(
    o.script ?? `${o.kind}-server.ts`,
    ['--zones', String(zones), '--zone-size', String(o.zoneSize)],
    o.serverCore,
  );
  const clients: LoadClient[] = [];
  const results: PhaseResult[] = [];
  try {
    const ready = await ask(child, undefined, 'ready');
    const recorder = new Recorder();
    const random = seededRandom(42);
    let mem = await ask(child, { type: 'mem' }, 'mem');
    let previous = mem;
    for (const players of o.steps) {
      // Live memory per player is what connecting them adds: read again now that the last step's
      // moves have stopped (a full GC first), so nothing the window left behind counts as theirs.
      if (results.length > 0) mem = await ask(child, { type: 'mem' }, 'mem');
      const connectStart = performance.now();
      const from = clients.length;
      let next = from;
      const worker = async () => {
        while (next < players) {
          const i = next++;
          clients.push(
            await o.join(ready, `zone-${Math.floor(i / o.zoneSize)}`, recorder, random, o.zoneSize),
          );
        }
      };
      await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
      const connectMs = performance.now() - connectStart;
      const zonesUsed = Math.ceil(players / o.zoneSize);
      progress(
        `${o.kind}: ${clients.length} players in ${zonesUsed} zone(s) (connected in ${Math.round(connectMs)} ms)`,
      );
      const after = await ask(child, { type: 'mem' }, 'mem');
      const added = clients.length - from;
      const stop = drive(clients, random);
      await sleep(o.warmupMs);
      await ask(child, { type: 'window-start' }, 'window-started');
      recorder.start();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(o.windowMs);
      const window = await ask(child, { type: 'window-end' }, 'window');
      const cpu = process.cpuUsage(cpu0);
      const elapsed = performance.now() - t0;
      const latency = recorder.stop();
      stop();
      const n = clients.length;
      results.push({
        kind: o.kind,
        players,
        zoneSize: o.zoneSize,
        connected: n,
        connectMs,
        rssPerPlayerKb: (after.rss - previous.rss) / 1024 / added,
        // Live objects after a full GC plus memory outside the heap that objects hold (buffers).
        livePerPlayerKb: (after.heapUsed + after.external - mem.heapUsed - mem.external) / 1024 / added,
        ...window,
        sent: recorder.sent,
        hacks: recorder.hacks,
        acks: recorder.acks,
        clientRejects: recorder.rejects,
        honestRejects: recorder.honestRejects,
        latencyP50Ms: latency.p50Ms,
        latencyP99Ms: latency.p99Ms,
        deliveredRatio: recorder.sent / ((n * RULES.movesPerSecond * elapsed) / 1000),
        loadgenCpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
        serverCpuShare: window.cpuUs / 1000 / window.elapsedMs,
      });
      previous = after;
    }
    return results;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    child.send({ type: 'stop' } satisfies ToServer);
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
    child.kill('SIGKILL');
  }
}

/** @module One benchmark phase: one server child, N subscribers, memory, then a fixed-rate window. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { census, censusPerUnit, type CensusRow } from '../lib/heap-census.ts';
import { envInt, percentile, progress } from '../lib/report.ts';
import type { FromServer, Impl, ToServer, Wire } from './ipc.ts';
import type { MemorySplit } from './multi/memory-split.ts';
import { Drainer, RawClient, type ClientTarget } from './load/raw-client.ts';
import { Recorder } from './load/recorder.ts';
import { openWitness } from './load/witness.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const CONNECT_CONCURRENCY = 200;
/** The whole connect phase's deadline: 60 s, or 10 ms per subscriber when more (20,000 take longer). */
const CONNECT_TIMEOUT_MS = 60_000;
const CONNECT_MS_PER_SUBSCRIBER = 10;
/** Pause after the last connect, before memory is read. */
export const SETTLE_MS = 1_000;
/** Wait after the window for deliveries still in flight. */
export const STRAGGLER_MS = 500;
/**
 * Every how many subscribers one measures latency (BENCH_MEASURE_EVERY, default 10: 500 of 5,000,
 * a uniform sample of the servers' write order); the others count deliveries, read a few times a
 * second (raw-client.ts says why). 1 measures every subscriber.
 */
export const MEASURE_EVERY = Math.max(1, envInt('BENCH_MEASURE_EVERY', 10));
/**
 * BENCH_MEMORY_ONLY=1: each phase connects its subscribers, reads memory and stops — no events,
 * no window (memory per connection does not depend on CPU load, so this can run on a busy machine
 * in seconds). The rows' CPU and latency figures are then NaN.
 */
export const MEMORY_ONLY = process.env.BENCH_MEMORY_ONLY === '1';
/** BENCH_HEAP_SNAPSHOTS=<dir>: in-process rows write heap snapshots there and report a census. */
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOTS || undefined;

export interface PhaseOptions {
  impl: Wire;
  subscribers: number;
  rate: number;
  warmupMs: number;
  windowMs: number;
  /** Core for the server child, or undefined to leave scheduling alone. */
  serverCore: number | undefined;
}

export interface PhaseResult {
  impl: Impl;
  /** Gateway processes sharing the port (multi-process rows only). */
  gateways?: number;
  subscribers: number;
  /** Latency samples in the window (measuring clients × events). */
  measured: number;
  cpuUsPerMsg: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  deliveredRatio: number;
  kbPerConn: number;
  /** Multi-process rows: where the resident memory per connection went (after a full GC). */
  memory?: MemorySplit;
  /** Multi-process rows: resident memory per connection 1 s after the last, without a GC. */
  kbPerConnNoGc?: number;
  heapKbPerConn: number;
  /** Shallow heap bytes per connection by kind of object (BENCH_HEAP_SNAPSHOTS, in-process rows). */
  heap?: CensusRow[];
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  loopDelayMaxMs: number;
  serverCpuPct: number;
  /** nats-server's CPU % over the window (multi-process rows only). */
  natsCpuPct?: number;
  /** Multi-process rows: the channel relay (`platform` process) CPU %. */
  relayCpuPct?: number;
  loadgenCpuUsPerMsg: number;
  witnessOk: boolean;
}

type Message<T extends FromServer['type']> = Extract<FromServer, { type: T }>;

function next<T extends FromServer['type']>(child: ChildProcess, type: T): Promise<Message<T>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromServer) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Message<T>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`server exited (${code}) while waiting for "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function ask<T extends FromServer['type']>(
  child: ChildProcess,
  message: ToServer,
  type: T,
): Promise<Message<T>> {
  const reply = next(child, type);
  child.send(message);
  return reply;
}

/** A row of memory figures only (BENCH_MEMORY_ONLY): what needs events reads NaN. */
export function memoryOnlyResult(
  fields: Pick<PhaseResult, 'impl' | 'subscribers' | 'kbPerConn' | 'heapKbPerConn'> & Partial<PhaseResult>,
): PhaseResult {
  return {
    measured: 0,
    cpuUsPerMsg: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    maxMs: NaN,
    deliveredRatio: NaN,
    fanoutP50Ms: NaN,
    fanoutP99Ms: NaN,
    loopDelayMaxMs: NaN,
    serverCpuPct: NaN,
    loadgenCpuUsPerMsg: NaN,
    witnessOk: true,
    ...fields,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The connected subscribers; their counting clients are drained until {@link close}. */
export interface Subscribers {
  clients: RawClient[];
  /** Drains every counting client, then waits for the reads. */
  settle(): Promise<void>;
  close(): void;
}

export async function connectAll(
  count: number,
  target: ClientTarget,
  recorder: Recorder,
): Promise<Subscribers> {
  const clients: RawClient[] = [];
  const drainer = new Drainer();
  const subscribers: Subscribers = {
    clients,
    async settle() {
      drainer.drainAll();
      await sleep(100);
    },
    close() {
      drainer.stop();
      for (const client of clients) client.destroy();
    },
  };
  let started = 0;
  let connected = 0;
  const deadline = Date.now() + Math.max(CONNECT_TIMEOUT_MS, count * CONNECT_MS_PER_SUBSCRIBER);
  const worker = async () => {
    while (started < count) {
      const measures = started % MEASURE_EVERY === 0;
      started++;
      const client = new RawClient(target, recorder, measures);
      clients.push(client);
      if (!measures) drainer.add(client);
      await Promise.race([
        client.ready,
        sleep(Math.max(0, deadline - Date.now())).then(() => Promise.reject(new Error('connect timed out'))),
      ]);
      if (++connected % 1000 === 0) progress(`  ${connected} connected`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
  } catch (error) {
    subscribers.close();
    throw error;
  }
  return subscribers;
}

export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { impl, subscribers, rate, warmupMs, windowMs } = options;
  const extraFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const node = [process.execPath, '--expose-gc', ...extraFlags, SERVER, impl];
  const [command, ...args] =
    options.serverCore === undefined ? node : ['taskset', '-c', String(options.serverCore), ...node];
  const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let subscribed: Subscribers | undefined;
  try {
    const ready = await next(child, 'ready');
    const target: ClientTarget = { impl, port: ready.port, cookie: ready.cookie };
    const idle = await ask(child, { type: 'mem' }, 'mem');
    const snapshot = async (dir: string) => (await ask(child, { type: 'snapshot', dir }, 'snapshot')).file;
    const before = SNAPSHOT_DIR === undefined ? undefined : await snapshot(SNAPSHOT_DIR);
    progress(`${impl} × ${subscribers}: connecting`);
    const recorder = new Recorder(
      MEMORY_ONLY ? 1 : Math.ceil(rate * ((warmupMs + windowMs) / 1000 + 2) * subscribers),
    );
    subscribed = await connectAll(subscribers, target, recorder);
    await sleep(SETTLE_MS);
    const loaded = await ask(child, { type: 'mem' }, 'mem');
    const kbPerConn = (loaded.rss - idle.rss) / subscribers / 1024;
    const heapKbPerConn = (loaded.heapUsed - idle.heapUsed) / subscribers / 1024;
    // Snapshots after the reading: writing one takes memory of its own for a while.
    const heap =
      before === undefined
        ? undefined
        : censusPerUnit(census(before), census(await snapshot(SNAPSHOT_DIR!)), subscribers);
    if (MEMORY_ONLY)
      return memoryOnlyResult({ impl, subscribers, kbPerConn, heapKbPerConn, ...(heap ? { heap } : {}) });
    const witness = await openWitness(impl, ready.port, ready.cookie);
    progress(
      `${impl} × ${subscribers}: publishing ${rate}/s, ${warmupMs / 1000} s warm-up + ${windowMs / 1000} s window`,
    );
    const loadCpu = process.cpuUsage();
    const receivedBefore = recorder.delivered;
    const window = await ask(child, { type: 'run', rate, warmupMs, windowMs }, 'window');
    await sleep(STRAGGLER_MS);
    await subscribed.settle();
    const load = process.cpuUsage(loadCpu);
    const latencies = recorder.window(window.firstSeq, window.lastSeq);
    const delivered = recorder.deliveredIn(window.firstSeq, window.lastSeq);
    const published = window.lastSeq - window.firstSeq + 1;
    const witnessed = [...witness.seqs].filter((s) => s >= window.firstSeq && s <= window.lastSeq).length;
    witness.close();
    const errors = subscribed.clients.reduce((sum, c) => sum + c.errors, 0);
    if (errors > 0) progress(`${impl}: ${errors} client errors`);
    return {
      impl,
      subscribers,
      measured: latencies.length,
      cpuUsPerMsg: window.cpuUs / delivered,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      deliveredRatio: delivered / (published * subscribers),
      kbPerConn,
      heapKbPerConn,
      ...(heap ? { heap } : {}),
      fanoutP50Ms: window.fanoutP50Ms,
      fanoutP99Ms: window.fanoutP99Ms,
      loopDelayMaxMs: window.loopDelayMaxMs,
      serverCpuPct: (window.cpuUs / 1000 / window.elapsedMs) * 100,
      loadgenCpuUsPerMsg: (load.user + load.system) / Math.max(1, recorder.delivered - receivedBefore),
      witnessOk: witnessed === published,
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToServer);
      await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
    }
    subscribed?.close();
  }
}

/**
 * @module One multi-process phase of `npm run bench:fanout`: K real `tickline start --role gateway`
 * processes listening on one port (`http.reusePort`, SO_REUSEPORT: the kernel spreads the
 * subscribers' connections over them), on a real nats-server event log and PostgreSQL, started as
 * the scaled e2e tests start them. Each trade crosses the scaled path: the feed's publisher appends
 * it to the NATS log → the `platform` process's channel relay (its market delivery) appends it to
 * the real-time delivery log under its channel's subject → each gateway with a subscriber to that
 * channel takes it by interest and publishes it on its hub → its subscribers. Without the relay
 * process no trade reaches a gateway (the rig starts one; its CPU is shown beside the gateways'). Latency is publish →
 * receive on every delivery to the measuring subscribers (every BENCH_MEASURE_EVERY-th, see
 * phase.ts), deliveries are counted on all of them; server CPU is the sum over the K gateways
 * from `/proc/<pid>/stat` (nats-server's shown beside it), memory the growth of their RSS from
 * before the first connection to after the last, summed, per connection, each reading after a
 * full collection asked of each gateway through its loopback inspector (lib/inspector-gc.ts;
 * `kbPerConnNoGc` is the reading 1 s after the last connection without one), split by each
 * gateway's own `/metrics` (memory-split.ts).
 *
 * Pinning: the load generator stays on core 0 as in the single-process rows, but the gateways and
 * nats-server may run on every core. Pinning K gateways to core 1 would give K=2 the same single
 * core as K=1 plus a second process's overhead — a comparison that says nothing about spreading
 * the fan-out. Unpinned, on this 2-core machine, K=2 means one gateway shares a
 * core with the load generator (and both with nats-server): the rows show what two processes do on
 * two shared cores, not what they would do with a free core each.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { freePort } from '@tickline/testing';
import {
  signUpAndIn,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '@tickline/server/internal';
import { percentile, progress } from '../../lib/report.ts';
import { collectGarbage } from '../../lib/inspector-gc.ts';
import { cpuMicros, sumCpuMicros } from '../../lib/proc-stat.ts';
import { wireOf, type Impl } from '../ipc.ts';
import type { ClientTarget } from '../load/raw-client.ts';
import { Recorder } from '../load/recorder.ts';
import { openWitness } from '../load/witness.ts';
import {
  connectAll,
  MEMORY_ONLY,
  memoryOnlyResult,
  SETTLE_MS,
  sleep,
  STRAGGLER_MS,
  type PhaseResult,
  type Subscribers,
} from '../phase.ts';
import { readMemory, splitPerConnection } from './memory-split.ts';
import { openTradeFeed, type TradeFeed } from './trade-feed.ts';

const STOP_TIMEOUT_MS = 10_000;
/** The feed's events take a NATS round trip or two more than an in-process broadcast. */
const MULTI_STRAGGLER_MS = STRAGGLER_MS * 2;

/** nats-server and PostgreSQL for the run, and the trade feed on the gateways' log. */
export interface MultiRig {
  cluster: ScaledCluster;
  /** Every process's `auth.secret` (bench:scale signs game join tokens with keys derived from it). */
  authSecret: string;
  feed: TradeFeed;
  /** The `platform` process whose channel relay puts the trades on the delivery log. */
  relay: ClusterProcess;
  close(): Promise<void>;
}

export interface MultiPhaseOptions {
  impl: Extract<Impl, `${string}-multi`>;
  gateways: number;
  subscribers: number;
  rate: number;
  warmupMs: number;
  windowMs: number;
}

/** Lets `pid` (every thread) run on every core: children inherit the load generator's core 0. */
export function unpin(pid: number): void {
  try {
    execFileSync('taskset', ['-a', '-cp', `0-${cpus().length - 1}`, String(pid)], { stdio: 'ignore' });
  } catch {
    // No taskset: nothing was pinned either.
  }
}

const AUTH_SECRET = 'bench-fanout-shared-secret-0123456789abcdef';

/** Starts the dependencies; `name` names the database and data directories. */
export async function openMultiRig(name = 'bench_fanout'): Promise<MultiRig> {
  const cluster = await startScaledCluster({
    name,
    stream: name.toUpperCase().replaceAll('_', ''),
    authSecret: AUTH_SECRET,
    // As deployed (jemalloc, V8's young generation capped): the rows report resident memory.
    launcher: 'bin',
    env: {
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      // Every subscriber comes from 127.0.0.1: the per-address cap (512) would refuse the 513th.
      TICKLINE_HTTP_CONNECTIONS_PER_ADDRESS: '0',
      // One user holds every subscriber (the free tier allows 3 streams).
      TICKLINE_AUTH_TIERS_FREE_MAX_STREAM_CONNECTIONS: '1000000',
    },
  });
  const natsPid = cluster.nats.pid();
  if (natsPid !== undefined) unpin(natsPid);
  // The relay: gateways read only the delivery log, which nothing else writes.
  const relay = await cluster.start('platform');
  unpin(relay.child.pid!);
  const feed = await openTradeFeed(
    cluster.env.TICKLINE_EVENTLOG_NATS_SERVERS!,
    cluster.env.TICKLINE_EVENTLOG_NATS_STREAM!,
  );
  return {
    cluster,
    authSecret: AUTH_SECRET,
    feed,
    relay,
    async close() {
      await feed.close();
      await cluster.stop();
    },
  };
}

/** SIGTERMs a gateway, SIGKILLs it if it has not exited in time. */
export async function stopGateway(gateway: ClusterProcess): Promise<void> {
  if (gateway.child.exitCode !== null) return;
  gateway.child.kill('SIGTERM');
  await Promise.race([gateway.exited, sleep(STOP_TIMEOUT_MS).then(() => gateway.child.kill('SIGKILL'))]);
}

export async function runMultiPhase(rig: MultiRig, options: MultiPhaseOptions): Promise<PhaseResult> {
  const { impl, gateways: count, subscribers, rate, warmupMs, windowMs } = options;
  const label = `${impl} ×${count} gateways × ${subscribers}`;
  const port = await freePort();
  const env = { TICKLINE_HTTP_PORT: String(port), TICKLINE_HTTP_REUSE_PORT: 'true' };
  const gateways: ClusterProcess[] = [];
  let subscribed: Subscribers | undefined;
  try {
    // One at a time: the first migrates; all then bind the same port. Each has an admin port of
    // its own, where its /metrics are its own (the shared port answers from any of them).
    const adminPorts: number[] = [];
    const inspectPorts: number[] = [];
    for (let i = 0; i < count; i++) {
      adminPorts.push(await freePort());
      inspectPorts.push(await freePort());
      gateways.push(
        await rig.cluster.start('gateway', {
          ...env,
          TICKLINE_ADMIN_LISTEN_PORT: String(adminPorts[i]),
          NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPorts[i]}`,
        }),
      );
    }
    const pids = gateways.map((g) => g.child.pid!);
    for (const pid of pids) unpin(pid);
    const url = `http://127.0.0.1:${port}`;
    const user = await signUpAndIn(url, `fanout.${Date.now()}.${count}@example.com`);
    const target: ClientTarget = { impl: wireOf(impl), port, cookie: user.cookie, sentAt: rig.feed.sentAt };
    const memory = () =>
      Promise.all(pids.map((pid, i) => readMemory(pid, `http://127.0.0.1:${adminPorts[i]}/metrics`)));
    const collect = () => Promise.all(inspectPorts.map(collectGarbage));
    await collect();
    const idle = await memory();
    progress(`${label}: connecting`);
    const recorder = new Recorder(
      MEMORY_ONLY ? 1 : Math.ceil(rate * ((warmupMs + windowMs) / 1000 + 2) * subscribers),
    );
    subscribed = await connectAll(subscribers, target, recorder);
    await sleep(SETTLE_MS);
    const unforced = await memory();
    await collect();
    const loaded = await memory();
    if (MEMORY_ONLY) {
      const split = splitPerConnection(idle, loaded, subscribers);
      return memoryOnlyResult({
        impl,
        gateways: count,
        subscribers,
        kbPerConn: split.rssKb,
        kbPerConnNoGc: splitPerConnection(idle, unforced, subscribers).rssKb,
        memory: split,
        heapKbPerConn: NaN,
      });
    }
    const witness = await openWitness(target.impl, port, user.cookie);
    progress(
      `${label}: publishing ${rate}/s to the NATS log, ${warmupMs / 1000} s warm-up + ${windowMs / 1000} s window`,
    );
    const natsPid = rig.cluster.nats.pid();
    const window = await rig.feed.run(rate, warmupMs, windowMs, () => ({
      gateways: sumCpuMicros(pids),
      nats: natsPid === undefined ? NaN : cpuMicros(natsPid),
      relay: cpuMicros(rig.relay.child.pid!),
      loadgen: process.cpuUsage(),
      received: recorder.delivered,
    }));
    await sleep(MULTI_STRAGGLER_MS);
    await subscribed.settle();
    const { before, after } = window;
    const latencies = recorder.window(window.firstSeq, window.lastSeq);
    const delivered = recorder.deliveredIn(window.firstSeq, window.lastSeq);
    const published = window.lastSeq - window.firstSeq + 1;
    const witnessed = [...witness.seqs].filter((s) => s >= window.firstSeq && s <= window.lastSeq).length;
    witness.close();
    const errors = subscribed.clients.reduce((sum, c) => sum + c.errors, 0);
    if (errors > 0) progress(`${label}: ${errors} client errors`);
    const cpuUs = after.gateways - before.gateways;
    const split = splitPerConnection(idle, loaded, subscribers);
    const load = process.cpuUsage(before.loadgen);
    return {
      impl,
      gateways: count,
      subscribers,
      measured: latencies.length,
      cpuUsPerMsg: cpuUs / delivered,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      deliveredRatio: delivered / (published * subscribers),
      kbPerConn: split.rssKb,
      kbPerConnNoGc: splitPerConnection(idle, unforced, subscribers).rssKb,
      memory: split,
      heapKbPerConn: NaN,
      fanoutP50Ms: NaN,
      fanoutP99Ms: NaN,
      loopDelayMaxMs: NaN,
      serverCpuPct: (cpuUs / 1000 / window.elapsedMs) * 100,
      natsCpuPct: ((after.nats - before.nats) / 1000 / window.elapsedMs) * 100,
      relayCpuPct: ((after.relay - before.relay) / 1000 / window.elapsedMs) * 100,
      loadgenCpuUsPerMsg: (load.user + load.system) / Math.max(1, after.received - before.received),
      witnessOk: witnessed === published,
    };
  } finally {
    await Promise.all(gateways.map(stopGateway));
    subscribed?.close();
  }
}

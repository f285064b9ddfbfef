/**
 * @module The server child of `npm run bench:fanout` (run pinned to its own core): starts one peer,
 * reports memory after GC on request, and publishes at a fixed rate, measuring its own CPU over the
 * window with `process.cpuUsage()`.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { percentile } from '../lib/report.ts';
import type { FromServer, ToServer, Wire } from './ipc.ts';
import { makeEvent } from './payload.ts';
import type { Peer } from './peers/peer.ts';
import { startRawSse } from './peers/raw-sse.ts';
import { startRawWs } from './peers/raw-ws.ts';
import { startSocketIo } from './peers/socketio.ts';
import { startTickline } from './peers/tickline.ts';
import { startTicklineGraphql } from './peers/tickline-graphql.ts';

const impl = process.argv[2] as Wire;
const send = (message: FromServer) => process.send!(message);
// `--expose-gc`'s gc() with the last-resort flavour is V8's memory-reducing full GC: it also shrinks a
// young generation grown during the connect burst, so the figure is memory held per connection.
const gc = (
  globalThis as { gc?: (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void }
).gc;

const starters: Record<Wire, () => Promise<Peer>> = {
  'tickline-ws': startTickline,
  'tickline-sse': startTickline,
  'raw-ws': startRawWs,
  'raw-sse': startRawSse,
  socketio: startSocketIo,
  'tickline-graphql': startTicklineGraphql,
  'tickline-graphql-ids': startTicklineGraphql,
};

const peer = await starters[impl]();

async function settledMemory(): Promise<{ rss: number; heapUsed: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

function run(rate: number, warmupMs: number, windowMs: number): void {
  const intervalMs = 1000 / rate;
  const start = performance.now();
  const fanout: number[] = [];
  let seq = 0;
  let next = start;
  let window: { cpu: NodeJS.CpuUsage; at: number; firstSeq: number } | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const tick = () => {
    const now = performance.now();
    if (window === undefined && now - start >= warmupMs) {
      window = { cpu: process.cpuUsage(), at: now, firstSeq: seq + 1 };
      loopDelay.enable();
    }
    if (window !== undefined && now - window.at >= windowMs) {
      const cpu = process.cpuUsage(window.cpu);
      loopDelay.disable();
      send({
        type: 'window',
        firstSeq: window.firstSeq,
        lastSeq: seq,
        cpuUs: cpu.user + cpu.system,
        elapsedMs: now - window.at,
        fanoutP50Ms: percentile(fanout, 50),
        fanoutP99Ms: percentile(fanout, 99),
        loopDelayMaxMs: loopDelay.max / 1e6,
      });
      return;
    }
    seq++;
    const event = makeEvent(seq);
    const before = performance.now();
    peer.broadcast(event);
    if (window !== undefined) fanout.push(performance.now() - before);
    next += intervalMs;
    setTimeout(tick, Math.max(0, next - performance.now()));
  };
  tick();
}

process.on('message', (message: ToServer) => {
  switch (message.type) {
    case 'mem':
      void settledMemory().then((m) => send({ type: 'mem', ...m }));
      return;
    case 'snapshot':
      void settledMemory().then(() =>
        send({
          type: 'snapshot',
          file: writeHeapSnapshot(join(message.dir, `${impl}-${Date.now()}.heapsnapshot`)),
        }),
      );
      return;
    case 'run':
      run(message.rate, message.warmupMs, message.windowMs);
      return;
    case 'stop':
      // Exit without a graceful close: the server side closing first keeps TIME_WAIT off the
      // load generator's ephemeral ports.
      process.exit(0);
  }
});
send({ type: 'ready', port: peer.port, cookie: peer.cookie });

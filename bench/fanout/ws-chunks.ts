/**
 * @module `npm run bench:ws-chunks` — what a WebSocket frame of its own costs a subscriber two
 * ways, by payload size: the payload copied behind the subscriber's prefix into one Buffer and
 * written (`encodeWsTextFrame`), against header and prefix as one chunk then the shared payload
 * itself, corked into one vectored write (`encodeWsTextFrameHead`, the head kept per payload
 * length as `FramePrefix` keeps it). The crossover sets `CHUNKED_BODY_MIN_BYTES`
 * (packages/graphql/src/subscriptions/frame-prefix.ts).
 *
 * BENCH_SOCKETS loopback connections (default 200) in this process; per event, one frame to each,
 * timed over the synchronous write loop (JavaScript and the `write`/`writev` system calls; the
 * reads happen after it, untimed). The two ways alternate event by event; payload lengths vary by
 * a few bytes per event, as encoded events do. Run it pinned (`taskset -c 1`) on a quiet machine.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { encodeWsTextFrame, encodeWsTextFrameHead } from '@tickline/realtime';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const sockets = envInt('BENCH_SOCKETS', 200);
const events = envInt('BENCH_EVENTS', 100);
const sizes = (process.env.BENCH_SIZES ?? '128,1024,4096,16384,65536').split(',').map(Number);

const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;
let received = 0;
const writers: Socket[] = [];
server.on('connection', (socket: Socket) => void writers.push(socket.setNoDelay(true)));
const readers = await Promise.all(
  Array.from({ length: sockets }, async () => {
    const reader = connect(port, '127.0.0.1');
    reader.on('data', (chunk: Buffer) => void (received += chunk.length));
    await once(reader, 'connect');
    return reader;
  }),
);
while (writers.length < sockets) await new Promise((resolve) => setTimeout(resolve, 10));

/** Per socket, its prefix (a random-id graphql-ws `next` start) and the head cached by length. */
const subscribers = writers.map((socket, i) => ({
  socket,
  prefix: Buffer.from(
    `{"type":"next","id":"${crypto.randomUUID().slice(0, 32)}${String(i).padStart(4, '0')}"`,
  ),
  head: undefined as Buffer | undefined,
  headFor: -1,
}));

const copied = (body: Buffer) => {
  for (const s of subscribers) s.socket.write(encodeWsTextFrame(s.prefix, body));
};
const chunked = (body: Buffer) => {
  for (const s of subscribers) {
    if (body.length !== s.headFor) {
      s.head = encodeWsTextFrameHead(s.prefix, body.length);
      s.headFor = body.length;
    }
    s.socket.cork();
    s.socket.write(s.head!);
    s.socket.write(body);
    s.socket.uncork();
  }
};

/** Times one event's write loop (ns per subscriber), then waits until every byte was read. */
async function timed(way: (body: Buffer) => void, body: Buffer): Promise<number> {
  const expected =
    received + subscribers.reduce((sum, s) => sum + encodeWsTextFrame(s.prefix, body).length, 0);
  const start = process.hrtime.bigint();
  way(body);
  const ns = Number(process.hrtime.bigint() - start) / subscribers.length;
  while (received < expected) await new Promise((resolve) => setImmediate(resolve));
  return ns;
}

const rows: Record<string, string | number>[] = [];
const result: Record<string, unknown> = { sockets, events };
for (const size of sizes) {
  progress(`${size} bytes × ${sockets} sockets × ${events} events each way`);
  const samples = { copied: [] as number[], chunked: [] as number[] };
  for (let n = 0; n < events + 20; n++) {
    const body = Buffer.from(`,"payload":"${'p'.repeat(size + (n % 3))}"}`);
    const [first, second] = n % 2 === 0 ? (['copied', 'chunked'] as const) : (['chunked', 'copied'] as const);
    for (const name of [first, second]) {
      const ns = await timed(name === 'copied' ? copied : chunked, body);
      if (n >= 20) samples[name].push(ns); // the first events warm both ways up
    }
  }
  const copiedNs = percentile(samples.copied, 50);
  const chunkedNs = percentile(samples.chunked, 50);
  rows.push({
    'payload bytes': size,
    'copied ns/frame (p50)': round(copiedNs, 0),
    'chunked ns/frame (p50)': round(chunkedNs, 0),
    'chunked / copied': round(chunkedNs / copiedNs, 2),
  });
  result[`copied_ns_${size}`] = round(copiedNs, 0);
  result[`chunked_ns_${size}`] = round(chunkedNs, 0);
}
printTable(rows);
printResult(result);
for (const reader of readers) reader.destroy();
server.close();

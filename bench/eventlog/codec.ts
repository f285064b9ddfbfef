/**
 * @module `node bench/eventlog/codec.ts` — the kernel's `encodeEvent` / `decodeEvent` alone, in µs
 * an event, with the garbage collections each loop caused. Two kinds of event: the log bench's
 * ~300-byte record and a notification request (a user's nested data, the notify bench's event).
 * BENCH_CODEC_MODULE names another copy of the codec (e.g. a `git archive` of the code before a
 * change, with a `node_modules` link beside it) so before and after run in turns on one machine.
 * Sizes: BENCH_CODEC_EVENTS per round (default 200,000), BENCH_CODEC_ROUNDS (default 7; the
 * median is printed). The last line is `RESULT {json}`.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createEventSource, defineEvent, uuidv7, type EventEnvelope } from '@tickline/kernel';
import { z } from 'zod';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

interface Codec {
  encodeEvent(event: EventEnvelope): Uint8Array;
  decodeEvent(bytes: Uint8Array): EventEnvelope;
}

const modulePath = process.env.BENCH_CODEC_MODULE;
const codec = (await import(
  modulePath ? pathToFileURL(modulePath).href : '@tickline/kernel'
)) as Codec;
const perRound = envInt('BENCH_CODEC_EVENTS', 200_000);
const rounds = envInt('BENCH_CODEC_ROUNDS', 7);
const POOL = 1_024;

const Moved = defineEvent({
  type: 'game.player.moved',
  description: 'benchmark payload',
  schema: z.object({ x: z.number(), y: z.number(), pad: z.string() }),
});
const Requested = defineEvent({
  type: 'notification.requested',
  description: 'benchmark payload',
  schema: z.object({}).passthrough(),
});

const source = createEventSource({ source: 'bench/codec' });
const pools: Record<string, EventEnvelope[]> = {
  'log record (~300 B)': Array.from({ length: POOL }, (_, i) =>
    source.create(Moved, {
      subject: `player-${i % 1000}`,
      partitionkey: `zone-${i % 64}`,
      data: { x: i * 0.5, y: i * 0.25, pad: 'x'.repeat(140) },
    }),
  ),
  'notification request': Array.from({ length: POOL }, (_, i) =>
    source.create(Requested, {
      subject: uuidv7(),
      partitionkey: `tenant-${i % 8}`,
      data: {
        notificationId: uuidv7(),
        userId: uuidv7(),
        kind: 'backtest.completed',
        severity: 'info',
        title: `Backtest ${i} finished`,
        body: 'Sharpe 1.42, max drawdown 8.1 %, 312 trades over 2024.',
        data: { backtestId: uuidv7(), strategyId: uuidv7(), sharpe: 1.42, trades: 312 },
        sourceEventId: uuidv7(),
        url: `/backtests/${i}`,
      },
    }),
  ),
};

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

/** Median µs an event over the rounds, and collections per 10,000 events. */
async function measure(run: (i: number) => unknown): Promise<{ us: number; gcPer10k: number }> {
  for (let i = 0; i < perRound; i++) run(i); // warm-up: optimised code, steady heap
  const samples: number[] = [];
  let collections = 0;
  for (let r = 0; r < rounds; r++) {
    await new Promise((resolve) => setImmediate(resolve)); // let the gc observer report
    const gcBefore = gcCount;
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) run(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1_000 / perRound);
    await new Promise((resolve) => setImmediate(resolve));
    collections += gcCount - gcBefore;
  }
  return { us: percentile(samples, 50), gcPer10k: (collections / (rounds * perRound)) * 10_000 };
}

const rows: Array<Record<string, string | number>> = [];
const result: Record<string, unknown> = { module: modulePath ?? '@tickline/kernel' };
let sink = 0;
for (const [name, events] of Object.entries(pools)) {
  progress(`${name}: ${rounds} rounds of ${perRound.toLocaleString()} encodes, then decodes`);
  const encoded = events.map((e) => codec.encodeEvent(e));
  const encode = await measure((i) => (sink += codec.encodeEvent(events[i % POOL]!).length));
  const decode = await measure((i) => (sink += codec.decodeEvent(encoded[i % POOL]!).seq));
  const bytes = Math.round(encoded.reduce((s, b) => s + b.length, 0) / POOL);
  rows.push({
    event: name,
    bytes,
    'encode µs': round(encode.us, 3),
    'encode GCs/10k': round(encode.gcPer10k, 2),
    'decode µs': round(decode.us, 3),
    'decode GCs/10k': round(decode.gcPer10k, 2),
  });
  result[name.startsWith('log') ? 'record' : 'notification'] = {
    bytes,
    encode_us: round(encode.us, 3),
    decode_us: round(decode.us, 3),
    encode_gc_per_10k: round(encode.gcPer10k, 2),
    decode_gc_per_10k: round(decode.gcPer10k, 2),
  };
}
if (sink === 0) progress('(no bytes?)');
printTable(rows);
printResult(result);

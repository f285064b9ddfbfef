/**
 * @module `npm run bench:nats-interest` — what nats-server (the Debian package, 2.9) does with the
 * real-time delivery log's subject layout, measured rather than assumed (docs/eventlog.md,
 * "Delivery by interest"):
 *
 * - nats-server CPU per stored record while the stream has 0 / 1,000 / 5,000 consumers filtered on
 *   other subjects (what a consumer per channel per gateway would cost), and while 0 / 10,000 /
 *   50,000 core subscriptions on other subjects exist (what the bridge's watches cost);
 * - the time to register 10,000 core subscriptions (one flush);
 * - a channel's history read (ephemeral filtered consumer, 1,000 records) and a newest-record
 *   direct get by subject, as the bridge and a gateway's market routes do them;
 * - what the server answers to a consumer with several filter subjects (2.10's `filter_subjects`)
 *   and whether a core subscriber sees a re-sent record the stream dropped as a duplicate.
 *
 * BENCH_INTEREST_RECORDS (default 20000) records per CPU row. The last line is `RESULT {json}`.
 */
import { cpus, loadavg } from 'node:os';
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { createNatsEventLog, type AppendRecord } from '@tickline/eventlog';
import { startNatsServer } from '@tickline/testing';
import { cpuMicros } from '../lib/proc-stat.ts';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const RECORDS = envInt('BENCH_INTEREST_RECORDS', 20_000);
const BATCH = 500;
const started = performance.now();
const server = await startNatsServer();
const pid = server.pid()!;
const nc = await connect({ servers: server.url });
const jsm = await jetstreamManager(nc);
const rows: Array<Record<string, string | number>> = [];
const result: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), cores: cpus().length };

let streamNo = 0;
/** A fresh delivery-log-shaped stream (segmented subjects) and a log appending to it. */
async function freshLog() {
  const n = ++streamNo;
  const stream = `INTEREST_${n}`;
  const log = await createNatsEventLog({
    servers: server.url,
    stream,
    subjectPrefix: `bench.${n}`,
    segmentedKeys: true,
    retention: { maxPerKey: 1_000 },
  });
  return { log, stream, prefix: `bench.${n}` };
}

function record(key: string, i: number): AppendRecord {
  return { id: `r-${i}-${Math.random()}`, key, type: 'market.trade', payload: new Uint8Array(200) };
}

/** nats-server CPU µs per record stored, appending RECORDS to one channel. */
async function cpuPerRecord(append: (records: AppendRecord[]) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2_000; i += BATCH)
    await append(Array.from({ length: BATCH }, (_, j) => record('c:market:HOT:trades', i + j)));
  const before = cpuMicros(pid);
  for (let i = 0; i < RECORDS; i += BATCH)
    await append(Array.from({ length: BATCH }, (_, j) => record('c:market:HOT:trades', i + j)));
  return (cpuMicros(pid) - before) / RECORDS;
}

for (const consumers of [0, 1_000, 5_000]) {
  const { log, stream, prefix } = await freshLog();
  progress(`${consumers} filtered consumers on other subjects`);
  for (let k = 0; k < consumers; k++)
    await jsm.consumers.add(stream, {
      filter_subject: `${prefix}.c.market.S${k}.trades`,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.New,
      inactive_threshold: nanos(600_000),
      mem_storage: true,
    });
  const us = await cpuPerRecord((records) => log.append(records));
  rows.push({
    measurement: `CPU per stored record, ${consumers} filtered consumers`,
    value: round(us, 2),
    unit: 'µs',
  });
  result[`nats_us_per_record_consumers_${consumers}`] = round(us, 2);
  await log.close();
  await jsm.streams.delete(stream);
}

for (const subscriptions of [0, 10_000, 50_000]) {
  const { log, stream, prefix } = await freshLog();
  progress(`${subscriptions} core subscriptions on other subjects`);
  const watcher: NatsConnection = await connect({ servers: server.url });
  const t0 = performance.now();
  for (let k = 0; k < subscriptions; k++) watcher.subscribe(`${prefix}.c.market.S${k}.trades`);
  await watcher.flush();
  const subscribeMs = performance.now() - t0;
  const us = await cpuPerRecord((records) => log.append(records));
  rows.push({
    measurement: `CPU per stored record, ${subscriptions} core subscriptions`,
    value: round(us, 2),
    unit: 'µs',
  });
  if (subscriptions > 0)
    rows.push({
      measurement: `${subscriptions} subscriptions registered (one flush)`,
      value: round(subscribeMs, 0),
      unit: 'ms',
    });
  result[`nats_us_per_record_subscriptions_${subscriptions}`] = round(us, 2);
  if (subscriptions > 0) result[`subscribe_ms_${subscriptions}`] = round(subscribeMs, 0);
  await watcher.close();
  await log.close();
  await jsm.streams.delete(stream);
}

// History and newest record, as the bridge and a scaled gateway's market routes read them.
{
  const { log, stream } = await freshLog();
  for (let i = 0; i < 1_500; i += BATCH)
    await log.append(Array.from({ length: BATCH }, (_, j) => record('c:market:BTC:trades', i + j)));
  const history: number[] = [];
  let kept = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    kept = (await log.keyHistory('c:market:BTC:trades', { sinceMs: 0, limit: 1_000 })).records.length;
    history.push(performance.now() - t0);
  }
  const last: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await log.lastOfKey('c:market:BTC:trades');
    last.push(performance.now() - t0);
  }
  rows.push({
    measurement: `history read, ${kept} kept of 1,500 (p50)`,
    value: round(percentile(history, 50), 1),
    unit: 'ms',
  });
  rows.push({
    measurement: 'newest record by subject, direct get (p50)',
    value: round(percentile(last, 50), 2),
    unit: 'ms',
  });
  result.history_read_ms_1000 = round(percentile(history, 50), 1);
  result.history_kept_of_1500 = kept;
  result.last_of_key_ms = round(percentile(last, 50), 2);

  // Several filter subjects on one consumer: asked of the server directly (nats.js refuses first).
  const reply = await nc.request(
    `$JS.API.CONSUMER.CREATE.${stream}`,
    JSON.stringify({
      stream_name: stream,
      config: { filter_subjects: ['bench.x.a', 'bench.x.b'], ack_policy: 'none', deliver_policy: 'new' },
    }),
  );
  const answer = reply.json<{ error?: { description: string }; config?: { filter_subject?: string } }>();
  result.filter_subjects_2_9 = answer.error
    ? `refused: ${answer.error.description}`
    : `accepted, filter_subject=${JSON.stringify(answer.config?.filter_subject ?? '')} (the list is ignored)`;
  await log.close();
}

// A re-sent record the stream drops as a duplicate still reaches core subscribers.
{
  const { log, prefix } = await freshLog();
  let seen = 0;
  const sub = nc.subscribe(`${prefix}.c.dup`, { callback: () => void seen++ });
  await nc.flush();
  const h = headers();
  h.set('Nats-Msg-Id', 'same-id');
  for (let i = 0; i < 2; i++) await nc.request(`${prefix}.c.dup`, 'x', { headers: h, timeout: 5_000 });
  await nc.flush();
  sub.unsubscribe();
  result.duplicate_seen_by_core_subscriber = seen;
  await log.close();
}

printTable(rows);
console.log('');
console.log(`several filter subjects on 2.9: ${String(result.filter_subjects_2_9)}`);
console.log(
  `a re-sent duplicate reached a core subscriber ${String(result.duplicate_seen_by_core_subscriber)} times`,
);
await nc.close();
await server.cleanup();
result.server = '2.9 (Debian package)';
result.records_per_row = RECORDS;
result.load_average = round(loadavg()[0]!, 2);
result.elapsed_s = round((performance.now() - started) / 1000, 1);
printResult(result);

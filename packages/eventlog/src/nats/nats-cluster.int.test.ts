import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { requireBinary, startNatsCluster, type NatsClusterHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendRecord, EventLog, LogConsumer, LogRecord } from '../port/event-log.ts';
import { createNatsEventLog } from './nats-event-log.ts';

const nats = requireBinary('nats-server', 'nats-server');

const EVENTS = 6_000;
const KEYS = 6;
const BATCH = 100;
const STREAM = 'FAULT';
const PREFIX = 'fault.events';
const KILL_AFTER = 2_000;

function record(i: number): AppendRecord {
  const payload = new Uint8Array(64).fill(i & 0xff);
  return { id: `evt-${i}`, key: `zone/${i % KEYS}`, type: 'test.fault', payload };
}

/** The caller's side of the contract: retry failures with the same ids until every record is in. */
async function appendWithRetry(log: EventLog, records: AppendRecord[]): Promise<number> {
  let pending = records;
  let attempts = 0;
  while (pending.length > 0) {
    attempts++;
    const results = await log.append(pending).catch(() => undefined);
    if (results) {
      // Retry from the first failure on, so a later record never lands before an earlier one.
      const firstFailed = results.findIndex((r) => !r.ok);
      pending = firstFailed === -1 ? [] : pending.slice(firstFailed);
    }
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 100));
  }
  return attempts;
}

async function streamLeader(urls: string[]): Promise<string> {
  const nc = await connect({ servers: urls });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(STREAM);
    return info.cluster!.leader!;
  } finally {
    await nc.close();
  }
}

describe.skipIf(!nats.available)(`nats cluster fault ${nats.reason ?? ''}`, () => {
  let cluster: NatsClusterHandle;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  });
  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('fault - killing the stream leader mid-stream loses nothing, duplicates nothing, keeps order per key', async () => {
    // Create the R3 stream first so the adapter can be pointed at the leader: its own node dying
    // is the hardest case (client reconnect plus stream and consumer leader elections).
    const setup = await createNatsEventLog({
      servers: cluster.urls,
      stream: STREAM,
      subjectPrefix: PREFIX,
      replicas: 3,
    });
    await setup.close();
    const leaderName = await streamLeader(cluster.urls);
    const leader = cluster.servers.find((s) => s.name === leaderName)!;
    const log = await createNatsEventLog({
      servers: [leader.url],
      stream: STREAM,
      subjectPrefix: PREFIX,
      replicas: 3,
      publishTimeoutMs: 2_000,
      ackWaitMs: 3_000,
    });

    const consumed: LogRecord[] = [];
    let stopConsuming = false;
    const consuming = (async () => {
      let consumer: LogConsumer | undefined;
      const unique = new Set<string>();
      while (!stopConsuming || unique.size < EVENTS) {
        try {
          consumer ??= await log.consumer('fault-consumer');
          const batch = await consumer.fetch({ max: 500, waitMs: 500 });
          for (const r of batch) {
            consumed.push(r);
            unique.add(r.id);
          }
          if (batch.length > 0) await consumer.ack(batch.at(-1)!.offset);
        } catch {
          await new Promise((r) => setTimeout(r, 200));
          await consumer?.close().catch(() => undefined);
          consumer = undefined;
        }
      }
      await consumer?.close();
    })();

    let retries = 0;
    let killed: Promise<void> | undefined;
    for (let start = 0; start < EVENTS; start += BATCH) {
      // Not awaited: the node dies while this batch is in flight.
      if (!killed && start >= KILL_AFTER) killed = leader.kill();
      const batch = Array.from({ length: BATCH }, (_, j) => record(start + j));
      retries += (await appendWithRetry(log, batch)) - 1;
    }
    stopConsuming = true;
    await consuming;
    await killed;
    expect(retries).toBeGreaterThan(0);
    expect(log.health().connected).toBe(true);

    // The stream holds every id exactly once (msg-id dedupe absorbed the retries).
    const stored: LogRecord[] = [];
    const head = await log.head();
    for (let from = head.first; from <= head.last; from += 1000)
      stored.push(...(await log.read({ from, limit: 1000 })));
    const storedIds = stored.map((r) => r.id);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(storedIds.length).toBe(EVENTS);

    // Every event consumed; redeliveries are deduped by id; first sightings keep per-key order.
    const firstSeen: LogRecord[] = [];
    const seen = new Set<string>();
    for (const r of consumed) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      firstSeen.push(r);
    }
    expect(seen.size).toBe(EVENTS);
    for (let k = 0; k < KEYS; k++) {
      const key = `zone/${k}`;
      const expected = Array.from({ length: EVENTS }, (_, i) => i)
        .filter((i) => i % KEYS === k)
        .map((i) => `evt-${i}`);
      expect(firstSeen.filter((r) => r.key === key).map((r) => r.id)).toEqual(expected);
      expect(stored.filter((r) => r.key === key).map((r) => r.id)).toEqual(expected);
    }
    console.info(
      `fault: leader ${leaderName} killed; ${retries} append retries, ${consumed.length - EVENTS} redeliveries, health ${JSON.stringify(log.health())}`,
    );
    await log.close();
  });
});

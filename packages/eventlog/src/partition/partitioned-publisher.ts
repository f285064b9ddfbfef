/**
 * @module One publisher over N partition logs: each event goes to the publisher of its partition
 * (by {@link partitionIndex} of its partition key), each with its own outage buffer and spill
 * journal. Order per key holds, as each partition's publisher keeps its order and a key never
 * changes partition while N stays the same.
 */
import type { AppendRecord } from '../port/event-log.ts';
import type { Publisher, PublisherStats } from '../publisher/publisher.ts';
import { partitionIndex } from './partition-index.ts';
import { ServiceStatus, type EventEnvelope, type ServiceContext, type ServiceHealth } from '@tickline/kernel';

const SUMMED: readonly (keyof PublisherStats)[] = [
  'queued',
  'spilled',
  'spilledTotal',
  'published',
  'retried',
  'appendErrors',
  'rejected',
  'inFlight',
];

/** Routes by partition key to one of `publishers` (index = partition). */
export function createPartitionedPublisher(name: string, publishers: readonly Publisher[]): Publisher {
  const count = publishers.length;
  const of = (key: string) => publishers[partitionIndex(key, count)]!;
  return {
    name,
    publish: (event: EventEnvelope) => of(event.partitionkey).publish(event),
    publishRecord: (record: AppendRecord) => of(record.key).publishRecord(record),
    async flush(timeoutMs) {
      return (await Promise.all(publishers.map((p) => p.flush(timeoutMs)))).every(Boolean);
    },
    stats() {
      const total = Object.fromEntries(SUMMED.map((k) => [k, 0])) as unknown as PublisherStats;
      for (const p of publishers) for (const k of SUMMED) total[k] += p.stats()[k];
      return total;
    },
    // Each partition's own journal recovery is logged by it; none summarises them.
    recovery: () => undefined,
    async start(context: ServiceContext) {
      for (const p of publishers) await p.start(context);
    },
    async stop() {
      await Promise.all(publishers.map((p) => p.stop()));
    },
    health(): ServiceHealth {
      const healths = publishers.map((p) => p.health());
      const worst = healths.find((h) => h.status !== ServiceStatus.Up);
      return worst ?? { status: ServiceStatus.Up };
    },
  };
}

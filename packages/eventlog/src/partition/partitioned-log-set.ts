/**
 * @module A partitioned log as a process uses it: the open partitions, one publisher per partition
 * (each with its own outage buffer and spill journal) behind a {@link createPartitionedPublisher}
 * routing by partition key, a consumer factory per partition, and the retired partitions a reader
 * opened (closed on stop). As a service it starts and stops the publishers; the partitions
 * themselves are the caller's to open and close.
 */
import { join } from 'node:path';
import type { EventRegistry, Logger, Registry, Service, ServiceContext } from '@tickline/kernel';
import { createConsumerFactory, type ConsumerFactory } from '../consumer/consumer-factory.ts';
import type { EventLog } from '../port/event-log.ts';
import { createPublisher, type Publisher } from '../publisher/publisher.ts';
import { partitionedLog, type PartitionedLog } from './partitioned-log.ts';
import { createPartitionedPublisher } from './partitioned-publisher.ts';

/** Options for {@link createPartitionedLogSet}. */
export interface PartitionedLogSetOptions {
  /** Service name, and the publishers' (`<name>-<i>`). */
  name: string;
  /** The open partitions, index = partition. */
  logs: readonly EventLog[];
  /** Partition i's spill journal goes under `<spillDir>/<i>`. */
  spillDir: string;
  maxQueuedEvents?: number;
  metrics: Registry;
  logger: Logger;
  deadLetters?: EventLog | undefined;
  registry?: EventRegistry;
  /** Opens a retired partition by name (read only); undefined when it does not exist. */
  openRetired?: (name: string) => Promise<EventLog | undefined>;
}

/** The partitions, their publisher and their consumers; a service. */
export interface PartitionedLogSet extends Service {
  readonly partitions: PartitionedLog;
  /** Publishes each event to its partition key's partition. */
  readonly publisher: Publisher;
  /** A consumer factory per partition (index = partition). */
  readonly consumers: readonly ConsumerFactory[];
}

export function createPartitionedLogSet(options: PartitionedLogSetOptions): PartitionedLogSet {
  const { logs, metrics } = options;
  const retired = new Map<string, Promise<EventLog | undefined>>();
  const partitions = partitionedLog(logs, (name) => {
    // One open per name, however many zones' recoveries ask at once.
    if (!retired.has(name)) retired.set(name, options.openRetired?.(name) ?? Promise.resolve(undefined));
    return retired.get(name)!;
  });
  const publisher = createPartitionedPublisher(
    options.name,
    logs.map((log, index) =>
      createPublisher({
        name: `${options.name}-${index}`,
        log,
        spillDir: join(options.spillDir, String(index)),
        ...(options.maxQueuedEvents === undefined ? {} : { maxQueuedEvents: options.maxQueuedEvents }),
        metrics,
        logger: options.logger.child({ partition: index }),
      }),
    ),
  );
  const consumers = logs.map((log) =>
    createConsumerFactory({
      log,
      deadLetters: options.deadLetters,
      metrics,
      ...(options.registry ? { registry: options.registry } : {}),
    }),
  );
  return {
    name: options.name,
    partitions,
    publisher,
    consumers,
    start: (context: ServiceContext) => publisher.start(context),
    async stop() {
      await publisher.stop();
      const opened = await Promise.all(retired.values());
      await Promise.allSettled(opened.flatMap((log) => (log ? [log.close()] : [])));
    },
    health: () => ({ ...publisher.health(), info: { partitions: logs.map((log) => log.name) } }),
  };
}

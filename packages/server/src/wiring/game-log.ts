/**
 * @module The partitioned game log (`eventlog.gamePartitions` above 1): the zones' events go to
 * one of N logs by the FNV-1a hash of the zone id — `<stream>_GAME<i>` on NATS, `eventlog-game-<i>`
 * embedded — each behind a publisher of its own (its own outage buffer and spill journal), so no
 * single stream leader carries every move. Consumers of game events read every partition (one
 * consumer each); a zone's replay reads its partition only. With 1 partition the zone events stay
 * in the main log and nothing here opens.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createConsumerFactory,
  createPartitionedPublisher,
  createPublisher,
  listNatsStreams,
  partitionedLog,
  type ConsumerFactory,
  type EventLog,
  type PartitionedLog,
  type Publisher,
} from '@tickline/eventlog';
import { ZONE_ROLES } from '@tickline/game';
import type { EventRegistry, Logger, Registry } from '@tickline/kernel';
import { PROJECTING_ROLES } from '@tickline/platform';
import type { ResolvedConfig } from '../config/load.ts';
import {
  eventLogLocation,
  GAME_PARTITION_DIR_PREFIX,
  GAME_PARTITION_STREAM_SUFFIX,
  natsLogOptions,
  openEventLog,
} from './event-logs.ts';

/** The game log's partitions as the process uses them. */
export interface GameLog {
  readonly partitions: PartitionedLog;
  /** Publishes each zone event to its zone's partition. */
  readonly publisher: Publisher;
  /** A consumer factory per partition (index = partition), for consumers of every zone's events. */
  readonly consumers: readonly ConsumerFactory[];
  /** Closes the retired partitions a recovery opened (the current ones are the caller's). */
  close(): Promise<void>;
}

/** What {@link openGameLog} needs besides the config. */
export interface OpenGameLogOptions {
  logger: Logger;
  metrics: Registry;
  deadLetters?: EventLog | undefined;
  registry: EventRegistry;
  /** Opens partition `index` (and registers it to be closed with the process). */
  open: (index: number) => Promise<EventLog>;
}

/** The partition index a log name of this deployment's game log stands for, if it is one. */
export function gamePartitionOf(config: ResolvedConfig, name: string): number | undefined {
  const prefix =
    config.eventlog.engine === 'embedded'
      ? GAME_PARTITION_DIR_PREFIX
      : `${config.eventlog.nats.stream}${GAME_PARTITION_STREAM_SUFFIX}`;
  if (!name.startsWith(prefix)) return undefined;
  const index = Number(name.slice(prefix.length));
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** Whether partition `index` exists (a retired one, left by a larger partition count). */
async function partitionExists(config: ResolvedConfig, index: number): Promise<boolean> {
  const location = eventLogLocation(config, { gamePartition: index });
  if (location.engine === 'embedded') return existsSync(location.dir);
  // Opening a NATS log creates its stream: a missing partition must be found missing first.
  const options = natsLogOptions(config, { gamePartition: index });
  return (await listNatsStreams(options, location.stream)).includes(location.stream);
}

/** Whether `role` publishes or projects zone events (others never open the partitions). */
export function usesGameLog(role: string): boolean {
  return ZONE_ROLES.has(role) || PROJECTING_ROLES.has(role);
}

/** Opens the partitions and their publishers; undefined when the game log is not partitioned. */
export async function openGameLog(
  config: ResolvedConfig,
  options: OpenGameLogOptions,
): Promise<GameLog | undefined> {
  const count = config.eventlog.gamePartitions;
  if (count <= 1 || !usesGameLog(config.role)) return undefined;
  const logs: EventLog[] = [];
  for (let index = 0; index < count; index++) logs.push(await options.open(index));
  const retired = new Map<number, EventLog>();
  const partitions = partitionedLog(logs, async (name) => {
    const index = gamePartitionOf(config, name);
    if (index === undefined || index < count) return undefined;
    const opened = retired.get(index);
    if (opened) return opened;
    if (!(await partitionExists(config, index))) return undefined;
    // Read only: a retired partition takes no writes, and its embedded directory no lock.
    const log = await openEventLog(config, { gamePartition: index }, { ...options, readOnly: true });
    retired.set(index, log);
    return log;
  });
  const publisher = createPartitionedPublisher(
    'game-publisher',
    logs.map((log, index) =>
      createPublisher({
        name: `game-publisher-${index}`,
        log,
        spillDir: resolve(config.dataDir, 'spill', `game-${index}`),
        maxQueuedEvents: config.publisher.maxQueuedEvents,
        metrics: options.metrics,
        logger: options.logger.child({ partition: index }),
      }),
    ),
  );
  const consumers = logs.map((log) =>
    createConsumerFactory({
      log,
      deadLetters: options.deadLetters,
      metrics: options.metrics,
      registry: options.registry,
    }),
  );
  return {
    partitions,
    publisher,
    consumers,
    async close() {
      await Promise.allSettled([...retired.values()].map((log) => log.close()));
    },
  };
}

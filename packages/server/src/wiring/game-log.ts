/**
 * @module The partitioned game log (`eventlog.gamePartitions` above 1): zone events go to one of N
 * logs by the FNV-1a hash of the zone id — `<stream>_GAME<i>` on NATS, `eventlog-game-<i>`
 * embedded — each behind a publisher of its own, so no single stream leader carries every move.
 * Consumers of game events read every partition; a zone's replay reads its own. With 1 partition
 * the zone events stay in the main log and nothing here opens (docs/eventlog.md).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createPartitionedLogSet,
  listNatsStreams,
  type EventLog,
  type PartitionedLogSet,
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

/** The game log's partitions, publisher and consumers (a service: start it once opened). */
export type GameLog = PartitionedLogSet;

/** What {@link openGameLog} needs besides the config. */
export interface OpenGameLogOptions {
  logger: Logger;
  metrics: Registry;
  deadLetters?: EventLog | undefined;
  registry: EventRegistry;
  /** Opens partition `index` (and registers it to be closed with the process). */
  open: (index: number) => Promise<EventLog>;
}

/** Whether `role` publishes or projects zone events (others never open the partitions). */
export function usesGameLog(role: string): boolean {
  return ZONE_ROLES.has(role) || PROJECTING_ROLES.has(role);
}

/** The partition a log name of this deployment's game log stands for, if it is one. */
function gamePartitionOf(config: ResolvedConfig, name: string): number | undefined {
  const prefix =
    config.eventlog.engine === 'embedded'
      ? GAME_PARTITION_DIR_PREFIX
      : `${config.eventlog.nats.stream}${GAME_PARTITION_STREAM_SUFFIX}`;
  const index = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** Partition `index` of a larger count used before, opened read only; undefined when it is gone. */
async function openRetired(config: ResolvedConfig, name: string, options: OpenGameLogOptions) {
  const index = gamePartitionOf(config, name);
  if (index === undefined || index < config.eventlog.gamePartitions) return undefined;
  const location = eventLogLocation(config, { gamePartition: index });
  // Opening a NATS log creates its stream: a missing partition must be found missing first.
  const exists =
    location.engine === 'embedded'
      ? existsSync(location.dir)
      : (await listNatsStreams(natsLogOptions(config, { gamePartition: index }), location.stream)).includes(
          location.stream,
        );
  return exists ? openEventLog(config, { gamePartition: index }, { ...options, readOnly: true }) : undefined;
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
  return createPartitionedLogSet({
    name: 'game-publisher',
    logs,
    spillDir: resolve(config.dataDir, 'spill', 'game'),
    maxQueuedEvents: config.publisher.maxQueuedEvents,
    metrics: options.metrics,
    logger: options.logger,
    deadLetters: options.deadLetters,
    registry: options.registry,
    openRetired: (name) => openRetired(config, name, options),
  });
}

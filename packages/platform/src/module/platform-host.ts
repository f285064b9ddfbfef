/**
 * @module The platform as a host of the process (roles `platform` and `all`): the game-event
 * projection consumed under the configured consumer group, hourly maintenance of the movement
 * partitions, the operations the admin routes call, and — where a hub runs — the live zone and
 * stream figures on `admin:zones` and `admin:streams`.
 */
import type { ConsumerFactory, EventLog, RequestReply } from '@tickline/eventlog';
import { localZoneOperations, remoteRoomOperations, remoteZoneOperations, type GameHost } from '@tickline/game';
import type { IdentityHost } from '@tickline/identity';
import {
  createBeatService,
  type ChannelSink,
  type ModuleBaseDeps,
  type ModuleHost,
  type Service,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { PlatformSettings } from '../config.ts';
import { createPlatformOperations, type PlatformOperations } from '../operations/platform-operations.ts';
import { maintainMovementPartitions } from '../partitions/movement-partitions.ts';
import { createPlatformProjection } from '../projection/platform-projection.ts';
import { remoteLiveStrategies } from '../strategies/live-strategy-operations.ts';
import { createOpsFeed } from './ops-feed.ts';

/** How often the movement partitions are created ahead and expired ones dropped. */
export const PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

/** Roles that run the projection and partition upkeep; a gateway serves the operations API only. */
export const PROJECTING_ROLES: ReadonlySet<string> = new Set(['all', 'platform']);

/** What {@link createPlatformHost} is built from. */
export interface PlatformHostDeps extends ModuleBaseDeps<PlatformSettings> {
  sql: Sql;
  eventLog: EventLog;
  deadLetters?: EventLog | undefined;
  consumers: ConsumerFactory;
  /**
   * The partitioned game log's consumers (one factory per partition): zone events are there, not
   * in the main log. None: the game log is not partitioned.
   */
  gameLog?: { readonly consumers: readonly ConsumerFactory[] } | undefined;
  identity: IdentityHost;
  /** The game host of this process: zone operations reach its zones (roles all, game+platform). */
  game?: GameHost | undefined;
  /** Realtime's host where one runs here: live figures on `admin:*` through its hub. */
  realtime?: { hub: ChannelSink } | undefined;
  /**
   * Request/reply between processes: zones are reached on whichever game process owns them, live
   * strategies on every strategy process.
   */
  rpc?: RequestReply | undefined;
  /** The process's role; a role outside PROJECTING_ROLES consumes nothing. @default 'all' */
  role?: string | undefined;
  /** @default PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS (hourly) */
  maintenanceIntervalMs?: number;
}

/** The platform on a running process. */
export interface PlatformHost extends ModuleHost {
  readonly operations: PlatformOperations;
  readonly identity: IdentityHost;
}

export function createPlatformHost(deps: PlatformHostDeps): PlatformHost {
  const { settings, sql } = deps;
  const zones = deps.game?.zones;
  // Over request/reply when there is one (every game process answers, this one's included),
  // so the API shows the same zones on every process.
  const zoneOperations = deps.rpc
    ? remoteZoneOperations(deps.rpc)
    : zones
      ? localZoneOperations({
          runners: () => zones.runners,
          admin: () => zones.persistence.admin,
          restart: (zoneId) => zones.restartZone(zoneId),
          handOff: (zoneId, message) => zones.handOffZone(zoneId, message),
        })
      : undefined;
  const operations = createPlatformOperations({
    sql,
    consumerGroup: settings.consumerGroup,
    log: deps.eventLog,
    deadLetters: deps.deadLetters,
    ...(zoneOperations ? { zones: zoneOperations } : {}),
    ...(deps.rpc ? { liveStrategies: remoteLiveStrategies(deps.rpc), rooms: remoteRoomOperations(deps.rpc) } : {}),
  });
  const services: Service[] = PROJECTING_ROLES.has(deps.role ?? 'all') ? projectionServices(deps) : [];
  // Live zone and stream figures for admins watching admin:* channels on this gateway.
  if (deps.realtime) services.push(createOpsFeed({ hub: deps.realtime.hub, operations }));
  return { services, operations, identity: deps.identity };
}

/** The projection of game events into SQL and the upkeep of its movement partitions. */
function projectionServices(deps: PlatformHostDeps): Service[] {
  const { settings, sql } = deps;
  // A failing run does not stop the process: rows land in the default partition meanwhile.
  const partitions = createBeatService({
    name: 'platform-partitions',
    intervalMs: deps.maintenanceIntervalMs ?? PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS,
    beatAtStart: true,
    failureMessage: 'movement partition maintenance failed; retrying next interval',
    async beat(logger) {
      const result = await maintainMovementPartitions(sql, {
        nowMs: Date.now(),
        retentionDays: settings.movementRetentionDays,
      });
      if (result.created.length + result.dropped.length > 0)
        logger.info({ ...result }, 'movement partitions maintained');
    },
  });
  const movements = { keep: settings.movementHistory, sampleMs: settings.movementSampleMs };
  /** The projection consumed from one log under `name` (its durable, checkpoint and service name). */
  const consume = (consumers: ConsumerFactory, name: string) => {
    const projection = createPlatformProjection({
      sql,
      consumerGroup: settings.consumerGroup,
      consumer: name,
      movements,
    });
    return consumers({
      name,
      handle: async (events, context) => {
        await projection.apply(events, { lastOffset: context.lastOffset, logger: context.logger });
      },
    });
  };
  // The main log (profiles; zone events too unless partitioned), and each game log partition.
  const group = settings.consumerGroup;
  const partitionConsumers = (deps.gameLog?.consumers ?? []).map((consumers, index) =>
    consume(consumers, `${group}-game-${index}`),
  );
  return [partitions, consume(deps.consumers, group), ...partitionConsumers];
}

/**
 * @module The platform as components of the process (roles `platform` and `all`): the game-event
 * projection consumed under the configured consumer group, hourly maintenance of the movement
 * partitions, and the operations the admin routes call.
 */
import type { EventRegistry, Service, ServiceHealth } from '@tickline/kernel';
import { ServiceStatus } from '@tickline/kernel';
import {
  createPlatformOperations,
  createPlatformProjection,
  maintainMovementPartitions,
  type PlatformOperations,
  type ZoneOperations,
} from '@tickline/platform';
import type { Sql, SqlProjection } from '@tickline/store';
import type { SharedServices } from '../process/runtime.ts';
import { createConsumerService } from '../wiring/consumer.ts';
import { PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS } from './platform-config-schema.ts';

/** Options for {@link createPlatformComponent}. */
export interface PlatformComponentOptions {
  /** The `platform` config section. */
  settings: { readonly consumerGroup: string; readonly movementRetentionDays: number };
  shared: SharedServices;
  /** The open database (read at start). */
  sql: () => Sql;
  registry: EventRegistry;
  /** The game runtime of this process, when it runs zones. */
  zones?: () => ZoneOperations | undefined;
  /** @default PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS (hourly) */
  maintenanceIntervalMs?: number;
}

/** The services to start, and the operations for the routes. */
export interface PlatformComponent {
  services: Service[];
  operations: PlatformOperations;
}

function createPartitionMaintainer(options: PlatformComponentOptions): Service {
  let timer: NodeJS.Timeout | undefined;
  let status: ServiceStatus = ServiceStatus.Starting;
  let lastError: string | undefined;
  const intervalMs = options.maintenanceIntervalMs ?? PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS;
  const run = () =>
    maintainMovementPartitions(options.sql(), {
      nowMs: Date.now(),
      retentionDays: options.settings.movementRetentionDays,
    });
  return {
    name: 'platform-partitions',
    async start(context) {
      // A failing run does not stop the process: rows land in the default partition meanwhile.
      const runLogged = async () => {
        try {
          const result = await run();
          lastError = undefined;
          if (result.created.length + result.dropped.length > 0) {
            context.logger.info({ ...result }, 'movement partitions maintained');
          }
        } catch (error) {
          lastError = (error as Error).message;
          context.logger.warn(
            { err: error },
            'movement partition maintenance failed; retrying next interval',
          );
        }
      };
      await runLogged();
      timer = setInterval(() => void runLogged(), intervalMs).unref();
      status = ServiceStatus.Up;
    },
    async stop() {
      clearInterval(timer);
      status = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return lastError ? { status, detail: `last maintenance failed: ${lastError}` } : { status };
    },
  };
}

/** Builds the platform's services. */
export function createPlatformComponent(options: PlatformComponentOptions): PlatformComponent {
  const { shared, settings } = options;
  let projection: SqlProjection | undefined;
  const consumer = createConsumerService(shared, {
    name: settings.consumerGroup,
    registry: options.registry,
    handle: async (events, context) => {
      projection ??= createPlatformProjection({ sql: options.sql(), consumerGroup: settings.consumerGroup });
      await projection.apply(events, { lastOffset: context.lastOffset, logger: context.logger });
    },
  });
  const operations = createPlatformOperations({
    sql: options.sql,
    consumerGroup: settings.consumerGroup,
    log: () => shared.eventLog.log,
    deadLetters: () => shared.deadLetterLog?.log,
    ...(options.zones ? { zones: options.zones } : {}),
  });
  return { services: [createPartitionMaintainer(options), consumer], operations };
}

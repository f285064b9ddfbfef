/**
 * @module The join side of the game: the coordinator with its join tokens, and — when Redis is
 * configured — the directory that shares zones between processes. A game process owns one (with
 * its local zones); a gateway without zones runs {@link createGameCoordinatorComponent} so
 * `POST /game/join` can send players to zone processes elsewhere (all processes need the same
 * `auth.secret`, from which the join-token key is derived).
 */
import { hkdfSync } from 'node:crypto';
import { createJoinTokens, type JoinTokens } from '../coordinator/join-token.ts';
import { ZoneCoordinator, type ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { ServiceStatus, type Service, type ServiceContext, type ServiceHealth } from '@tickline/kernel';
import {
  DEFAULT_ZONE_STALE_AFTER_MS,
  createRedisZoneDirectory,
  type ZoneDirectory,
} from './zone-directory.ts';
import { startZoneDirectorySync } from './zone-directory-sync.ts';
import { startZoneFailover } from './zone-failover.ts';
import type { HeartbeatOutcome } from './zone-lease.ts';

/** Bytes of the join-token key. */
const JOIN_TOKEN_KEY_BYTES = 32;

/** Where zones are shared between processes (the `redis` section). */
export interface RedisSettings {
  readonly url?: string | undefined;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/** The join-token key: derived from the stream-ticket key with its own label, so neither token works as the other. */
export function deriveJoinTokenSecret(streamTicketSecret: Uint8Array): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', streamTicketSecret, 'tickline', 'tickline/game-join-token', JOIN_TOKEN_KEY_BYTES),
  );
}

/** Builds the join tokens and an empty coordinator from the process's keys. */
export function createJoinSide(
  streamTicketSecret: Uint8Array,
  joinTokenTtlMs: number,
): { tokens: JoinTokens; coordinator: ZoneCoordinator } {
  const tokens = createJoinTokens({
    secret: deriveJoinTokenSecret(streamTicketSecret),
    ttlMs: joinTokenTtlMs,
  });
  return { tokens, coordinator: new ZoneCoordinator({ tokens, staleAfterMs: 0 }) };
}

/** What a game process does with the zones it shares (see zone-failover.ts, zone-directory-sync.ts). */
export interface FailoverSettings {
  owner: string;
  failoverAfterMs: number;
  /** Recovers and runs an orphaned zone here, held at `epoch` (`entry`: the orphan's last entry). */
  adopt: (zoneId: string, epoch: number, entry: ZoneEntry) => Promise<void>;
  /** False while this process takes nothing over (it is stopping). */
  adopting?: () => boolean;
  /** Stops zones another process took over (this one stalled past its failover). */
  lost: (zoneIds: string[]) => void;
  /** The heartbeat's lease (`renewed` in zone-directory-sync.ts, judged by zone-lease.ts). */
  renewed: (startedAt: number, outcome: HeartbeatOutcome) => void;
}

/** The shared directory when `redis.url` is set. */
export function createZoneDirectory(
  redis: RedisSettings,
  context: ServiceContext,
  name: 'zones' | 'rooms' = 'zones',
): ZoneDirectory | undefined {
  if (!redis.url) return undefined;
  return createRedisZoneDirectory({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    staleAfterMs: DEFAULT_ZONE_STALE_AFTER_MS,
    logger: context.logger,
    name,
  });
}

/**
 * Starts sharing zones through `directory` (and, for a game process, taking over zones whose
 * process went silent or handed them off); returns its stop, which also closes the directory.
 */
export async function openZoneDirectory(
  directory: ZoneDirectory | undefined,
  coordinator: ZoneCoordinator | undefined,
  local: () => ZoneEntry[],
  context: ServiceContext,
  failover?: FailoverSettings,
): Promise<(() => Promise<void>) | undefined> {
  if (!directory) return undefined;
  const sync = await startZoneDirectorySync(
    {
      directory,
      coordinator,
      local,
      ...(failover && { owner: failover.owner, lost: failover.lost, renewed: failover.renewed }),
    },
    context,
  );
  const takeOver =
    failover && failover.failoverAfterMs > 0
      ? await startZoneFailover(
          {
            directory,
            owner: failover.owner,
            failoverAfterMs: failover.failoverAfterMs,
            ...(failover.adopting && { adopting: failover.adopting }),
            local: () => local().map((e) => e.zoneId),
            adopt: async (zoneId, epoch, entry) => {
              await failover.adopt(zoneId, epoch, entry);
              // Published at once: players reconnecting through a coordinator find the new address.
              await sync.sync();
            },
            logger: context.logger,
          },
          context,
        )
      : undefined;
  return async () => {
    await takeOver?.stop();
    await sync.stop();
    await directory.close();
  };
}

/** A coordinator without zones of its own. */
export interface GameCoordinatorComponent extends Service {
  readonly coordinator: ZoneCoordinator;
}

/** A gateway's coordinator: zones elsewhere, shared through Redis. */
export function createGameCoordinatorComponent(
  coordinator: ZoneCoordinator,
  redis: RedisSettings,
): GameCoordinatorComponent {
  let closeDirectory: (() => Promise<void>) | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'game-coordinator',
    coordinator,
    async start(context) {
      closeDirectory = await openZoneDirectory(
        createZoneDirectory(redis, context),
        coordinator,
        () => [],
        context,
      );
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await closeDirectory?.();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, info: { zones: coordinator.list().length } };
    },
  };
}

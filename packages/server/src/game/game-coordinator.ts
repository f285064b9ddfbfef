/**
 * @module The join side of the game: the coordinator with its join tokens, and — when Redis is
 * configured — the directory that shares zones between processes. A game process owns one (with
 * its local zones); a gateway without zones runs {@link createGameCoordinatorComponent} so
 * `POST /game/join` can send players to zone processes elsewhere (all processes need the same
 * `auth.secret`, from which the join-token key is derived).
 */
import { hkdfSync } from 'node:crypto';
import { createJoinTokens, ZoneCoordinator, type JoinTokens, type ZoneEntry } from '@tickline/game';
import { ServiceStatus, type Logger, type Service, type ServiceHealth } from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import { AUTH_KEY_BYTES, loadAuthKeys } from '../wiring/auth-keys.ts';
import { startedGetter } from '../wiring/started.ts';
import { DEFAULT_ZONE_STALE_AFTER_MS, createRedisZoneDirectory } from './zone-directory.ts';
import { startZoneDirectorySync } from './zone-directory-sync.ts';

/** The join-token key: derived from the stream-ticket key with its own label, so neither token works as the other. */
export function deriveJoinTokenSecret(streamTicketSecret: Uint8Array): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', streamTicketSecret, 'tickline', 'tickline/game-join-token', AUTH_KEY_BYTES),
  );
}

/** Builds the join tokens and an empty coordinator from the process's keys. */
export async function createJoinSide(
  config: ResolvedConfig,
): Promise<{ tokens: JoinTokens; coordinator: ZoneCoordinator }> {
  const keys = await loadAuthKeys(config);
  const tokens = createJoinTokens({
    secret: deriveJoinTokenSecret(keys.streamTicketSecret),
    ttlMs: config.game.joinTokenTtlMs,
  });
  return { tokens, coordinator: new ZoneCoordinator({ tokens, staleAfterMs: 0 }) };
}

/** Starts sharing zones through Redis when `redis.url` is set; returns its stop, or undefined. */
export function openZoneDirectory(
  config: ResolvedConfig,
  coordinator: ZoneCoordinator,
  local: () => ZoneEntry[],
  logger: Logger,
): (() => Promise<void>) | undefined {
  if (!config.redis.url) return undefined;
  const directory = createRedisZoneDirectory({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    staleAfterMs: DEFAULT_ZONE_STALE_AFTER_MS,
    logger,
  });
  const sync = startZoneDirectorySync({ directory, coordinator, local, logger });
  return async () => {
    await sync.stop();
    await directory.close();
  };
}

/** A coordinator without zones of its own. */
export interface GameCoordinatorComponent extends Service {
  readonly coordinator: ZoneCoordinator;
}

export function createGameCoordinatorComponent(config: ResolvedConfig): GameCoordinatorComponent {
  let coordinator: ZoneCoordinator | undefined;
  let closeDirectory: (() => Promise<void>) | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  const started = startedGetter('game-coordinator');
  return {
    name: 'game-coordinator',
    get coordinator() {
      return started(coordinator);
    },
    async start(context) {
      coordinator = (await createJoinSide(config)).coordinator;
      closeDirectory = openZoneDirectory(config, coordinator, () => [], context.logger);
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await closeDirectory?.();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, ...(coordinator ? { info: { zones: coordinator.list().length } } : {}) };
    },
  };
}

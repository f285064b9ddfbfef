/**
 * @module The operations behind `/api/v1/admin`: one object over the projected tables, the logs
 * and the game runtime, where every change and every player lookup is written to the audit
 * (who, what, when, and whether it worked — a failed operation is audited too). Callers check
 * the admin role first; this layer trusts the actor it is given.
 */
import type { EventLog } from '@tickline/eventlog';
import { systemClock, type Clock } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import {
  AuditOutcome,
  listAudit,
  writeAudit,
  type AuditActor,
  type ListAuditOptions,
} from '../audit/audit-log.ts';
import { checkConsumerGroup } from '../consumer-group.ts';
import {
  discardDeadLetter,
  listDeadLetterViews,
  retryDeadLetterAction,
  type DeadLetterScope,
  type ListDeadLetterViewsOptions,
} from '../dead-letters/dead-letter-ops.ts';
import { PlatformError } from '../errors.ts';
import type { Notice, ZoneOperations } from '../game/zone-operations.ts';
import {
  findPlayer,
  movementHistory,
  playerSessions,
  searchPlayers,
  type MovementHistoryOptions,
  type SearchPlayersOptions,
} from '../players/player-queries.ts';
import type { LiveStrategyOperations } from '../strategies/live-strategy-operations.ts';
import type { ReplayRequest, RoomOperations } from '@tickline/game';
import { streamOverview } from '../streams/stream-overview.ts';

/** Options for {@link createPlatformOperations}: the open database and logs, never getters. */
export interface PlatformOperationsOptions {
  sql: SqlQueryable;
  consumerGroup: string;
  /** The open main log. */
  log: EventLog;
  /** The open dead-letter log; absent in a process without one. */
  deadLetters?: EventLog | undefined;
  /** The game runtime of this process; absent where no zones run. */
  zones?: ZoneOperations | undefined;
  /** Rules rooms on the game processes (over request/reply); absent where none can be reached. */
  rooms?: RoomOperations | undefined;
  /** Live strategies on the strategy processes (over request/reply); absent without it. */
  liveStrategies?: LiveStrategyOperations | undefined;
  /** @default systemClock */
  clock?: Clock;
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

/** Creates the operations. */
export function createPlatformOperations(options: PlatformOperationsOptions) {
  const consumerGroup = checkConsumerGroup(options.consumerGroup);
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());

  async function audited<T>(
    actor: AuditActor,
    action: string,
    target: string | undefined,
    details: Record<string, unknown>,
    run: () => Promise<T>,
  ): Promise<T> {
    const entry = { actor, action, ...(target === undefined ? {} : { target }) };
    try {
      const result = await run();
      await writeAudit(options.sql, consumerGroup, { ...entry, outcome: AuditOutcome.Ok, details }, now());
      return result;
    } catch (error) {
      await writeAudit(
        options.sql,
        consumerGroup,
        { ...entry, outcome: AuditOutcome.Failed, details: { ...details, error: errorCodeOf(error) } },
        now(),
      );
      throw error;
    }
  }

  function deadLetterScope(): DeadLetterScope {
    const deadLetters = options.deadLetters;
    if (!deadLetters) {
      throw new PlatformError('PLATFORM_UNAVAILABLE', 'this process has no dead-letter log', {
        details: { part: 'dead-letters' },
      });
    }
    return { deadLetters, sql: options.sql, consumerGroup };
  }

  function zones(): ZoneOperations {
    const runtime = options.zones;
    if (!runtime) {
      throw new PlatformError('PLATFORM_UNAVAILABLE', 'this process runs no game zones', {
        details: { part: 'zones' },
      });
    }
    return runtime;
  }

  function rooms(): RoomOperations {
    const remote = options.rooms;
    if (!remote) {
      throw new PlatformError('PLATFORM_UNAVAILABLE', 'this process cannot reach game processes', {
        details: { part: 'rooms' },
      });
    }
    return remote;
  }

  function liveStrategies(): LiveStrategyOperations {
    const remote = options.liveStrategies;
    if (!remote) {
      throw new PlatformError('PLATFORM_UNAVAILABLE', 'this process cannot reach strategy processes', {
        details: { part: 'live-strategies' },
      });
    }
    return remote;
  }

  return {
    consumerGroup,

    streams: () => streamOverview({ log: options.log, sql: options.sql, nowMs: clock.now() }),

    deadLetters: (query: ListDeadLetterViewsOptions) => listDeadLetterViews(deadLetterScope(), query),
    retryDeadLetter: (actor: AuditActor, offset: number) =>
      audited(actor, 'dead_letter.retry', String(offset), {}, () =>
        retryDeadLetterAction({ ...deadLetterScope(), target: options.log }, offset, actor.id, now()),
      ),
    discardDeadLetter: (actor: AuditActor, offset: number, reason?: string) =>
      audited(actor, 'dead_letter.discard', String(offset), reason ? { reason } : {}, () =>
        discardDeadLetter(deadLetterScope(), offset, actor.id, now()),
      ),

    searchPlayers: (actor: AuditActor, query: SearchPlayersOptions) =>
      audited(actor, 'player.search', query.query, { ...query }, () =>
        searchPlayers(options.sql, consumerGroup, query),
      ),
    /** The projected player, its sessions and its live state when a zone of this process holds it. */
    player: (actor: AuditActor, playerId: string) =>
      audited(actor, 'player.lookup', playerId, {}, async () => {
        const player = await findPlayer(options.sql, consumerGroup, playerId);
        if (!player)
          throw new PlatformError('PLATFORM_NOT_FOUND', 'no such player', { details: { playerId } });
        const sessions = await playerSessions(options.sql, consumerGroup, playerId);
        const live = (await options.zones?.livePlayer(playerId)) ?? null;
        return { player, sessions, live };
      }),
    movements: (actor: AuditActor, playerId: string, query: MovementHistoryOptions) =>
      audited(actor, 'player.movements', playerId, {}, () =>
        movementHistory(options.sql, consumerGroup, playerId, query),
      ),

    zones: () => zones().zones(),
    snapshots: (zoneId: string) => zones().listSnapshots(zoneId),
    takeSnapshot: (actor: AuditActor, zoneId: string) =>
      audited(actor, 'zone.snapshot.take', zoneId, {}, () => zones().takeSnapshot(zoneId)),
    restoreSnapshot: (actor: AuditActor, zoneId: string, snapshotId: string) =>
      audited(actor, 'zone.snapshot.restore', zoneId, { snapshotId }, () =>
        zones().restoreSnapshot(zoneId, snapshotId),
      ),
    broadcast: (actor: AuditActor, notice: Notice) =>
      audited(actor, 'zone.broadcast', notice.zoneId, { level: notice.level, text: notice.text }, () =>
        zones().broadcast(notice),
      ),
    drain: (actor: AuditActor, zoneId: string, message: string) =>
      audited(actor, 'zone.drain', zoneId, { message }, () => zones().drain(zoneId, message)),
    handOff: (actor: AuditActor, zoneId: string, message: string) =>
      audited(actor, 'zone.handoff', zoneId, { message }, () => zones().handOff(zoneId, message)),
    restart: (actor: AuditActor, zoneId: string) =>
      audited(actor, 'zone.restart', zoneId, {}, () => zones().restart(zoneId)),

    rooms: async (game?: string) => ({ rooms: await rooms().rooms(game) }),
    // Inspection and replay show players' play: audited like a player lookup.
    inspectRoom: (actor: AuditActor, roomId: string) =>
      audited(actor, 'room.inspect', roomId, {}, () => rooms().inspect(roomId)),
    kickFromRoom: (actor: AuditActor, roomId: string, playerId: string, reason: string) =>
      audited(actor, 'room.kick', roomId, { playerId, reason }, () => rooms().kick(roomId, playerId, reason)),
    muteInRoom: (actor: AuditActor, roomId: string, playerId: string, minutes: number) =>
      audited(actor, 'room.mute', roomId, { playerId, minutes }, () => rooms().mute(roomId, playerId, minutes)),
    messageInRoom: (actor: AuditActor, roomId: string, playerId: string, level: 'info' | 'warn', text: string) =>
      audited(actor, 'room.message', roomId, { playerId, level, text }, () =>
        rooms().message(roomId, playerId, level, text),
      ),
    banFromRooms: (actor: AuditActor, playerId: string, minutes: number, reason: string) =>
      audited(actor, 'room.ban', playerId, { minutes, reason }, () => rooms().ban(playerId, minutes, reason)),
    replayRoom: (actor: AuditActor, request: ReplayRequest) =>
      audited(actor, 'room.replay', request.roomId, { ...request }, () => rooms().replay(request)),
    handOffRoom: (actor: AuditActor, roomId: string, message: string) =>
      audited(actor, 'room.handoff', roomId, { message }, () => rooms().handOff(roomId, message)),

    liveStrategies: async () => ({ processes: await liveStrategies().processes() }),
    pauseLiveStrategy: (actor: AuditActor, runId: string, reason: string) =>
      audited(actor, 'live_strategy.pause', runId, { reason }, () => liveStrategies().pause(runId, reason)),

    audit: (query: ListAuditOptions) => listAudit(options.sql, consumerGroup, query),
  };
}

/** The operations object. */
export type PlatformOperations = ReturnType<typeof createPlatformOperations>;

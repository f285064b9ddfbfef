/**
 * @module What a zone process answers for the others: operators' zone and room calls, gateways'
 * room desk, and the live zone figures of admins watching `admin:game` on this process's hub. Each
 * one is a service of the game host, over request/reply (or the hub), beside the zones themselves.
 */
import type { Service } from '@tickline/kernel';
import type { JoinTokens } from '../coordinator/join-token.ts';
import type { GameCatalog } from '../games/load-games.ts';
import { localZoneOperations } from '../remote/local-zone-operations.ts';
import { createRoomDeskResponder } from '../remote/room-desk-rpc.ts';
import { localRoomOperations } from '../remote/room-operations.ts';
import { createRoomResponder } from '../remote/room-rpc.ts';
import { createZoneResponder } from '../remote/zone-rpc.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { RoomSessions } from '../rooms/room-sessions.ts';
import { createAdminGameFeed } from './admin-game-feed.ts';
import type { GameHostDeps, GameZones, HandOffResult } from './game-host-types.ts';
import { localRoomDesk } from './room-desk.ts';

/** The zones and rooms of this process, as the responders reach them. */
export interface LocalGame extends GameZones {
  readonly rooms: RoomRegistry;
  readonly roomSessions: RoomSessions;
  /** This process's transports with absolute addresses (tickets for players of other gateways). */
  sharedAddresses(): { tcp: string | null; ws: string | null };
  /** An operator's hand-off of one room (room-failover.ts). @throws GAME_ROOM_UNKNOWN, GAME_HANDOFF_UNAVAILABLE */
  handOffRoom(roomId: string, message: string): Promise<HandOffResult>;
}

/** The services answering for `local` (none without request/reply or a hub). */
export function gameResponders(
  deps: GameHostDeps,
  local: LocalGame,
  catalog: GameCatalog,
  tokens: JoinTokens,
): Service[] {
  const services: Service[] = [];
  if (deps.rpc) {
    // Operators on a gateway or platform process reach these zones by request/reply.
    services.push(
      createZoneResponder({
        rpc: deps.rpc,
        operations: localZoneOperations({
          runners: () => local.runners,
          admin: () => local.persistence.admin,
          restart: (zoneId) => local.restartZone(zoneId),
          handOff: (zoneId, message) => local.handOffZone(zoneId, message),
        }),
        zoneIds: () => local.runners.map((r) => r.zoneId),
        logger: deps.logger,
      }),
    );
    // Operators on any process moderate and replay these rooms by request/reply.
    const gameLog = deps.gameLog;
    const rooms = localRoomOperations({
      registry: local.rooms,
      sessions: local.roomSessions,
      games: () => catalog.games,
      // A room's journal is where its events go: its partition of the game log, or the main log.
      logFor: gameLog ? (roomId) => gameLog.partitions.logFor(roomId) : () => deps.eventLog,
      handOff: (roomId, message) => local.handOffRoom(roomId, message),
    });
    services.push(createRoomResponder(deps.rpc, rooms));
    // Gateways make and join rooms here: tickets name this process's absolute addresses.
    services.push(
      createRoomDeskResponder(
        deps.rpc,
        localRoomDesk({
          rooms: local.rooms,
          tokens,
          addresses: () => local.sharedAddresses(),
          maxRooms: deps.settings.rooms.maxPerProcess,
        }),
      ),
    );
  }
  // Live zone figures for admins watching admin:game where zones and a hub share the process.
  if (deps.realtime)
    services.push(
      createAdminGameFeed({
        hub: deps.realtime.hub,
        game: { runners: local.runners, recoveries: () => local.persistence.recoveries() },
        metrics: deps.metrics,
      }),
    );
  return services;
}

/**
 * Room operations across processes, on the in-process request/reply port: two game processes'
 * rooms listed together; a room-scoped call answered by the holder, its refusal kept with its
 * code (a hand-off's too); an unknown room GAME_ROOM_UNKNOWN; a ban reaches every process running, and a process
 * started later takes it from them.
 */
import { createInProcessRequestReply } from '@tickline/eventlog';
import { describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { RoomSessions } from '../rooms/room-sessions.ts';
import { localRoomOperations } from './room-operations.ts';
import { createRoomResponder, remoteRoomOperations } from './room-rpc.ts';

const tokens = createJoinTokens({ secret: 'room-rpc-test-secret-of-32-bytes-or-more!!' });
const games = new Map(builtInGames().map((g) => [g.name, g]));
const emptyLog = { head: async () => ({ first: 0, last: 0 }), read: async () => [] };

function gameProcess() {
  const registry = new RoomRegistry({ games: () => games, events: { publish: () => {} }, tickRateHz: 20 });
  const sessions = new RoomSessions({ tokens, registry, resumeGraceMs: 1_000 });
  const local = localRoomOperations({ registry, sessions, games: () => games, logFor: () => emptyLog });
  return { registry, local };
}

describe('room operations - across game processes', () => {
  it('rooms - listed together, a holder answers with its code, bans reach a process started later', async () => {
    const rpc = createInProcessRequestReply();
    const a = gameProcess();
    const b = gameProcess();
    const responders = [createRoomResponder(rpc, a.local), createRoomResponder(rpc, b.local)];
    for (const r of responders) await r.start({} as never);
    const rooms = remoteRoomOperations(rpc);
    try {
      const onA = a.registry.create('connect-four');
      const onB = b.registry.create('connect-four', { private: true });
      expect((await rooms.rooms('connect-four')).map((r) => r.roomId).sort()).toEqual([onA.roomId, onB.roomId].sort());
      expect(await rooms.inspect(onB.roomId)).toMatchObject({ roomId: onB.roomId, private: true, code: onB.code, seats: [] });
      await expect(rooms.kick(onB.roomId, 'nobody', 'x')).rejects.toMatchObject({ code: 'GAME_PLAYER_NOT_IN_ROOM' });
      await expect(rooms.inspect('connect-four-nope')).rejects.toMatchObject({ code: 'GAME_ROOM_UNKNOWN' });
      // A hand-off: the holder's refusal when it cannot (no failover here), unknown rooms as such.
      await expect(rooms.handOff(onB.roomId, 'moving')).rejects.toMatchObject({ code: 'GAME_HANDOFF_UNAVAILABLE' });
      await expect(rooms.handOff('connect-four-nope', 'moving')).rejects.toMatchObject({ code: 'GAME_ROOM_UNKNOWN' });
      expect(b.registry.get(onB.roomId)).toBe(onB);

      const banned = await rooms.ban('mallory', 10, 'abuse');
      expect(banned.until).not.toBeNull();
      expect(a.registry.bannedUntil('mallory')).toBeDefined();
      expect(b.registry.bannedUntil('mallory')).toBeDefined();
      const c = gameProcess();
      const late = createRoomResponder(rpc, c.local);
      responders.push(late);
      await late.start({} as never);
      expect(c.registry.bannedUntil('mallory')).toBe(a.registry.bannedUntil('mallory'));
      // Lifted everywhere
      await rooms.ban('mallory', 0, 'appeal');
      expect([a, b, c].map((p) => p.registry.bannedUntil('mallory'))).toEqual([undefined, undefined, undefined]);
    } finally {
      for (const r of responders) await r.stop();
      a.registry.close();
      b.registry.close();
    }
  });
});

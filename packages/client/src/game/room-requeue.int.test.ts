/**
 * A player queued by matchmaking outlives its game process. Three game processes (room registry,
 * sessions, WebSocket transport, room desk on one request/reply bus) and a gateway's desk over
 * them, on loopback. A tag player (tag needs two) waits in the queue of one process; that process
 * dies (its desk stops answering, its connections drop). The SDK's `RoomClient`, given `requeue`,
 * asks the gateway for a new ticket by game and queues again on a live process; a second player
 * asking the gateway later is placed where the first waits, and both are seated in one room. A
 * drained stop tells its queued players GAME_ZONE_MOVED, and they queue again the same way.
 */
import { createInProcessRequestReply } from '@tickline/eventlog';
import {
  builtInGames,
  createJoinTokens,
  createRoomDeskResponder,
  GameSessions,
  localRoomDesk,
  remoteRoomDesk,
  RoomRegistry,
  RoomSessions,
  WsTransport,
} from '@tickline/game/internal';
import { createMetricsRegistry } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RoomClient } from './room-client.ts';

const tokens = createJoinTokens({ secret: 'room-requeue-test-secret-of-32-bytes-or-more' });
const games = new Map(builtInGames().map((g) => [g.name, g]));
const rpc = createInProcessRequestReply();
const gateway = remoteRoomDesk(rpc);
const stops: Array<() => Promise<void>> = [];
const clients: RoomClient[] = [];

/** One game process's rooms side, its desk answering the gateway. */
async function gameProcess() {
  const metrics = createMetricsRegistry({ processMetrics: false });
  const rooms = new RoomRegistry({ games: () => games, events: { publish: () => {} }, tickRateHz: 30 });
  const sessions = new GameSessions({ tokens, metrics });
  const roomSessions = new RoomSessions({ tokens, registry: rooms, resumeGraceMs: 5_000 });
  sessions.attachRooms(roomSessions);
  const ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
  const url = `ws://127.0.0.1:${await ws.listen(0, '127.0.0.1')}/game/ws`;
  const desk = localRoomDesk({ rooms, tokens, addresses: () => ({ tcp: null, ws: url }), maxRooms: 10 });
  const responder = createRoomDeskResponder(rpc, desk);
  await responder.start({} as never);
  let down = false;
  const kill = async () => {
    if (down) return;
    down = true;
    await responder.stop();
    await ws.close();
  };
  stops.push(async () => {
    await kill();
    sessions.close();
    rooms.close();
  });
  return { url, rooms, roomSessions, kill };
}

/** A tag player matched by game type, re-queued through the gateway when its process goes away. */
function player(userId: string, ticket: { url: string; token: string }) {
  const client = new RoomClient({
    url: ticket.url,
    token: ticket.token,
    join: { game: 'tag' },
    requeue: async () => {
      const next = await gateway.ticket({ userId }, { game: 'tag' });
      return { url: next.ws!, token: next.token };
    },
  });
  clients.push(client);
  const requeues: Array<{ attempt: number; code: string | undefined }> = [];
  client.on('requeue', (r) => void requeues.push(r));
  return { client, requeues, welcomed: client.connect() };
}
const directTicket = (url: string, userId: string) => ({ url, token: tokens.issue(userId, 'rooms').token });
const queuedAt = (ps: Array<{ rooms: RoomRegistry }>) => ps.map((p) => p.rooms.queued('tag'));

afterAll(async () => {
  for (const c of clients) c.close();
  for (const stop of stops) await stop();
});

describe('room client - matchmaking queues outlive a game process', () => {
  it('a queued player whose process dies queues again where the gateway places it, and is matched there', async () => {
    const east = await gameProcess();
    const west = await gameProcess();
    const north = await gameProcess();
    const ann = player('ann', directTicket(east.url, 'ann'));
    await until(() => east.rooms.queued('tag') === 1, { timeoutMs: 30_000, what: 'ann queued on east' });

    await east.kill();
    await until(() => west.rooms.queued('tag') + north.rooms.queued('tag') === 1, {
      timeoutMs: 30_000,
      what: 'ann queued again on a live process',
    });
    expect(ann.requeues).toHaveLength(1);
    expect(ann.requeues[0]!.attempt).toBe(1);

    // The gateway places the next tag player where a tag player waits.
    const ticket = await gateway.ticket({ userId: 'bob' }, { game: 'tag' });
    const bob = player('bob', { url: ticket.ws!, token: ticket.token });
    const [a, b] = await Promise.all([ann.welcomed, bob.welcomed]);
    expect(a.roomId).toBe(b.roomId);
    expect(a).toMatchObject({ game: 'tag', resumed: false });
    expect(queuedAt([west, north])).toEqual([0, 0]);
    expect(bob.requeues).toEqual([]);
  }, 120_000);

  it('a drained stop tells its queued players GAME_ZONE_MOVED; they queue again and are matched', async () => {
    const south = await gameProcess();
    const carl = player('carl', directTicket(south.url, 'carl'));
    await until(() => south.rooms.queued('tag') === 1, { timeoutMs: 30_000, what: 'carl queued on south' });
    // What the room failover's handOffAll does first at a drained stop.
    expect(south.roomSessions.moveQueuedOut('moving you to another server')).toBe(1);
    expect(south.rooms.queued('tag')).toBe(0);
    await south.kill();
    await until(() => carl.requeues.length === 1, { timeoutMs: 30_000, what: 'carl re-queued' });
    expect(carl.requeues[0]).toEqual({ attempt: 1, code: 'GAME_ZONE_MOVED' });
    const ticket = await gateway.ticket({ userId: 'dee' }, { game: 'tag' });
    const dee = player('dee', { url: ticket.ws!, token: ticket.token });
    const [c, d] = await Promise.all([carl.welcomed, dee.welcomed]);
    expect(c.roomId).toBe(d.roomId);
  }, 120_000);
});

import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { localRoomDesk } from './room-desk.ts';

const games = new Map(builtInGames().map((g) => [g.name, g]));
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('room desk', () => {
  it('a room held before the transports listen gets no ticket until they do (it names no address)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickline-room-desk-'));
    const log = createInMemoryEventLog();
    const publisher = createPublisher({
      log,
      metrics: createMetricsRegistry({ processMetrics: false }),
      spillDir: join(dir, 'spill'),
    });
    await publisher.start({ logger: silentLogger, fail: () => {} });
    const rooms = new RoomRegistry({ games: () => games, events: publisher, tickRateHz: 30 });
    stops.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => publisher.stop(),
      () => rooms.close(),
    );
    let ws: string | null = null;
    const desk = localRoomDesk({
      rooms,
      tokens: createJoinTokens({ secret: 'room-desk-unit-secret-of-32-bytes-or-more' }),
      addresses: () => ({ tcp: null, ws }),
      maxRooms: 10,
    });
    const room = rooms.create('connect-four').roomId;
    const caller = { userId: 'ann' };
    expect(desk.serves({ room })).toBe(false);
    await expect(desk.ticket(caller, { room })).rejects.toMatchObject({ code: 'GAME_ROOM_UNKNOWN' });
    ws = 'ws://127.0.0.1:4000/game/ws';
    expect(desk.serves({ room })).toBe(true);
    expect(await desk.ticket(caller, { room })).toMatchObject({ ws, tcp: null, token: expect.any(String) });
  });
});

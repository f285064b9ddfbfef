/**
 * @module The arena row's rules-room peer (BENCH_ONLY=arena-rules): the built-in arena as a game of
 * the rules API in RulesRooms — one room per zone, made at start — behind the session layer and
 * the WebSocket transport as `tickline start` wires them, with the same rules as the zone peer
 * (tickline-server.ts: 20 Hz, its speed, a view spanning the world so each player sees its whole
 * room). Room events (journal, domain events) go to a sink that drops them, as the zone peer's do.
 */
import { parseArgs } from 'node:util';
import {
  createJoinTokens,
  GameSessions,
  RoomRegistry,
  RoomSessions,
  WsTransport,
} from '@tickline/game';
import { createMetricsRegistry } from '@tickline/kernel';
import { benchArena } from './arena-rules-game.ts';
import { RULES } from './rules.ts';
import { ServerProbe } from './server-probe.ts';

const { values } = parseArgs({
  options: { zones: { type: 'string', default: '1' }, 'zone-size': { type: 'string', default: '100' } },
});
const zones = Number(values.zones);
const zoneSize = Number(values['zone-size']);
const secret = process.env.BENCH_JOIN_SECRET;
if (!secret) throw new Error('BENCH_JOIN_SECRET is required');

const probe = new ServerProbe();
const tokens = createJoinTokens({ secret, ttlMs: 120_000 });
const arena = benchArena(zoneSize);
const games = new Map([[arena.name, arena]]);
// The production caps (rooms per process, connections per address) would refuse the bench's load;
// rooms are made before their players connect, so none may be disposed of as empty meanwhile.
const registry = new RoomRegistry({
  games: () => games,
  events: { publish: () => {} },
  tickRateHz: RULES.tickRateHz,
  maxRooms: 1_000_000,
  emptyGraceMs: 3_600_000,
});
const sessions = new GameSessions({
  tokens,
  metrics: createMetricsRegistry(),
  maxConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
});
sessions.attachRooms(new RoomSessions({ tokens, registry, resumeGraceMs: 10_000 }));

const rooms: string[] = [];
for (let z = 0; z < zones; z++) {
  const runner = registry.create(arena.name);
  const zone = `zone-${z}`;
  // Tick work = the step plus every listener after it, delivery above all (this listener is
  // registered after the sessions' one, so it closes the tick).
  let startedAt = 0;
  const step = runner.room.step.bind(runner.room);
  // The ticks count passes through: a late step covers every tick that elapsed (dropping it put
  // the room's tick behind wall time under load, and honest moves were refused GAME_RATE_LIMITED).
  runner.room.step = (ticks?: number) => {
    startedAt = performance.now();
    return step(ticks);
  };
  runner.onTick((result) => {
    probe.tick(zone, startedAt, performance.now() - startedAt);
    probe.moves(result.acks.length, result.rejections.length);
  });
  rooms.push(runner.roomId);
}
const ws = new WsTransport({ acceptor: sessions });
const port = await ws.listen(0, '127.0.0.1');

probe.serve(async () => {
  sessions.close();
  registry.close();
  await ws.close();
});
process.send!({ type: 'ready', port, extra: { ws: `ws://127.0.0.1:${port}${ws.path}`, rooms } });

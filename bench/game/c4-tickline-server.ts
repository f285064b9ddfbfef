/**
 * @module The turn-based row's Tickline peer: the built-in Connect Four (written only against the
 * rules API) in rules rooms made on demand by matchmaking, behind the session layer and the
 * WebSocket transport as `tickline start` wires them — without the HTTP API, which the bench does
 * not measure for Colyseus either. Rooms tick at the bench's 20 Hz. Room events (journal, domain
 * events) go to a sink that drops them, as the arena row's zone events do.
 */
import { builtInGames, createJoinTokens, GameSessions, RoomRegistry, RoomSessions, WsTransport } from '@tickline/game';
import { createMetricsRegistry } from '@tickline/kernel';
import { RULES } from './rules.ts';
import { ServerProbe } from './server-probe.ts';

const secret = process.env.BENCH_JOIN_SECRET;
if (!secret) throw new Error('BENCH_JOIN_SECRET is required');

const probe = new ServerProbe();
const tokens = createJoinTokens({ secret, ttlMs: 120_000 });
const games = new Map(builtInGames().map((g) => [g.name, g]));
// The production caps (rooms per process, connections per address) would refuse the bench's load.
const registry = new RoomRegistry({
  games: () => games,
  events: { publish: () => {} },
  tickRateHz: RULES.tickRateHz,
  maxRooms: 1_000_000,
});
const sessions = new GameSessions({
  tokens,
  metrics: createMetricsRegistry(),
  maxConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
});
// The server's own count of accepted and refused commands, as the Colyseus room keeps it.
registry.observe(
  (runner) => void runner.onTick((step) => probe.moves(step.acks.length, step.rejections.length)),
  () => {},
);
sessions.attachRooms(new RoomSessions({ tokens, registry, resumeGraceMs: 10_000 }));
const ws = new WsTransport({ acceptor: sessions });
const port = await ws.listen(0, '127.0.0.1');

probe.serve(async () => {
  sessions.close();
  registry.close();
  await ws.close();
});
process.send!({ type: 'ready', port, extra: { ws: `ws://127.0.0.1:${port}${ws.path}` } });

/**
 * @module The Colyseus peer: `@colyseus/core` 0.18 with `@colyseus/ws-transport`, one room type
 * filtered by zone (rooms of `maxClients` players), 20 Hz simulation and patch rate, moves
 * validated by the same rules as Tickline's zone and acknowledged through the synced state (each
 * player's `seq`), the cheaper of Colyseus's two ways to answer (schema state sync rather than a message per move). Run as a
 * child of run.ts, pinned to its own core.
 */
import { Room, Server, type Client } from '@colyseus/core';
import { schema, t } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { RULES, Walker, seededRandom } from './rules.ts';
import { ServerProbe } from './server-probe.ts';

const Player = schema({ x: t.number(), y: t.number(), seq: t.number() }, 'Player');
const ZoneState = schema({ players: t.map(Player) }, 'ZoneState');

/** Per-client validation state, as in Tickline's player table. */
interface Mover {
  lastSeq: number;
  lastClientTick: number;
  lastMoveTick: number;
  rateWindow: number;
  rateCount: number;
}

const probe = new ServerProbe();
const random = seededRandom(7);
// Both sides of this benchmark share one machine clock, so the room's tick is wall-clock ticks:
// clients stamp moves with the same number Tickline clients estimate from the server.
const wallTick = () => Math.floor(Date.now() / RULES.tickMs);

/** Tickline's validateMove, ported: true when the move may be applied. */
function valid(m: Mover, seq: number, tick: number, x: number, y: number, px: number, py: number): boolean {
  const zoneTick = wallTick();
  if (seq <= m.lastSeq || tick < m.lastClientTick || tick > zoneTick + RULES.maxLeadTicks) return false;
  m.lastSeq = seq;
  m.lastClientTick = tick;
  const window = Math.floor(Math.max(tick, zoneTick - RULES.maxLagTicks) / RULES.rateWindowTicks);
  if (window > m.rateWindow) {
    m.rateWindow = window;
    m.rateCount = 0;
  }
  if (m.rateCount >= RULES.maxCommandsPerWindow) return false;
  m.rateCount++;
  if (x < 0 || y < 0 || x >= RULES.worldSize || y >= RULES.worldSize) return false;
  const d2 = (x - px) ** 2 + (y - py) ** 2;
  if (d2 > RULES.teleportDistance ** 2) return false;
  const ticks = Math.min(RULES.maxMoveTicks, Math.max(0, tick - m.lastMoveTick));
  const allowed = RULES.maxSpeedPerTick * ticks * (1 + 1e-9);
  return d2 <= allowed * allowed;
}

class ZoneRoom extends Room {
  override state = new ZoneState();
  #zone = '';

  override onCreate(options: { zone: string; maxClients: number }): void {
    this.#zone = options.zone;
    this.maxClients = options.maxClients;
    this.patchRate = RULES.tickMs;
    // The simulation has nothing to advance (moves apply on arrival); the tick is the patch.
    this.setSimulationInterval(() => {}, RULES.tickMs);
    this.onMessage('move', (client: Client, message: unknown) => this.#move(client, message));
  }

  override onJoin(client: Client): void {
    const player = new Player();
    const at = Walker.spawn(random);
    player.x = at.x;
    player.y = at.y;
    player.seq = 0;
    this.state.players.set(client.sessionId, player);
    const mover: Mover = {
      lastSeq: 0,
      lastClientTick: -Infinity,
      lastMoveTick: wallTick(),
      rateWindow: -Infinity,
      rateCount: 0,
    };
    client.userData = mover;
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
  }

  override broadcastPatch(): boolean {
    const startedAt = performance.now();
    const sent = super.broadcastPatch();
    probe.tick(this.#zone, startedAt, performance.now() - startedAt);
    return sent;
  }

  #move(client: Client, message: unknown): void {
    const player = this.state.players.get(client.sessionId);
    if (!player || !Array.isArray(message) || message.length !== 4) return probe.moves(0, 1);
    const [seq, tick, x, y] = message as number[];
    if (![seq, tick, x, y].every(Number.isFinite)) return probe.moves(0, 1);
    const mover = client.userData as Mover;
    if (!valid(mover, seq!, tick!, x!, y!, player.x, player.y)) return probe.moves(0, 1);
    player.x = x!;
    player.y = y!;
    player.seq = seq!;
    mover.lastMoveTick = tick!;
    probe.moves(1, 0);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };
const server = new Server({ transport: new WebSocketTransport(), greet: false, logger: silent });
server.define('zone', ZoneRoom).filterBy(['zone']);
await server.listen(0, '127.0.0.1');
const address = (server.transport as unknown as { server: { address(): { port: number } } }).server.address();
probe.serve(() => server.gracefullyShutdown(false));
process.send!({ type: 'ready', port: address.port, extra: {} });

/**
 * @module The Tickline peer: the game package's own parts as `tickline start` wires them — zones
 * on ZoneRunners at 20 Hz, the session layer (join-token hello, heartbeats, per-tick corked
 * delivery of acks, rejections and interest deltas) and the WebSocket transport — without the
 * HTTP API, which the benchmark does not measure for Colyseus either. Join tokens are signed with
 * a secret shared with the load generator (BENCH_JOIN_SECRET). Zone events go to a sink that
 * drops them (Colyseus writes none); `--events` keeps them in memory instead.
 */
import { parseArgs } from 'node:util';
import { createJoinTokens, GameSessions, WsTransport, Zone, ZoneRunner } from '@tickline/game';
import { createMetricsRegistry, systemClock, type EventEnvelope } from '@tickline/kernel';
import { RULES, Walker, seededRandom } from './rules.ts';
import { ServerProbe } from './server-probe.ts';

const { values } = parseArgs({
  options: { zones: { type: 'string', default: '1' }, 'zone-size': { type: 'string', default: '100' } },
});
const zones = Number(values.zones);
const zoneSize = Number(values['zone-size']);
const secret = process.env.BENCH_JOIN_SECRET;
if (!secret) throw new Error('BENCH_JOIN_SECRET is required');

const spread = process.env.BENCH_SPAWN === 'spread';
const random = seededRandom(7);
const probe = new ServerProbe();
const metrics = createMetricsRegistry();
const tokens = createJoinTokens({ secret, ttlMs: 120_000 });
// Every load-generator connection comes from loopback, and the bench measures thousands: the
// production caps (32 per address, 10,000 in all) would refuse them.
const sessions = new GameSessions({
  tokens,
  metrics,
  maxConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
});
const ws = new WsTransport({ acceptor: sessions });
const port = await ws.listen(0, '127.0.0.1');
let kept = 0;
const events = { publish: (_event: EventEnvelope) => void kept++ };

const runners: ZoneRunner[] = [];
for (let z = 0; z < zones; z++) {
  const zoneId = `zone-${z}`;
  const zone = new Zone({
    zoneId,
    clock: systemClock,
    tickRateHz: RULES.tickRateHz,
    maxSpeedPerTick: RULES.maxSpeedPerTick,
    maxPlayers: zoneSize,
    // Clustered (the default), every player must see its whole zone for the whole run, as every
    // Colyseus client sees its whole room: the walkers spread ~8 units/s from the spawn point, so
    // the default 50-unit view would thin the fan-out within seconds and flatter Tickline.
    ...(spread ? {} : { viewRadius: RULES.worldSize * Math.SQRT2 }),
  });
  const runner = new ZoneRunner({ zone, events, metrics });
  if (spread) {
    // The session layer joins players at the zone's spawn point; BENCH_SPAWN=spread scatters them
    // over the world instead (as the Colyseus room always does), so interest management has
    // something to filter.
    const submit = runner.submit.bind(runner);
    runner.submit = (command) =>
      submit(
        command.kind === 'join' && command.x === undefined
          ? { ...command, ...Walker.spawn(random) }
          : command,
      );
  }
  // Tick work = the step (durationMs) plus every listener after it, delivery above all: the first
  // listener marks the end of the step, the last one (registered after the sessions') closes it.
  let stepEnd = 0;
  runner.onTick(() => void (stepEnd = performance.now()));
  sessions.addZone(runner);
  runner.onTick((info) => {
    const now = performance.now();
    const work = info.durationMs + (now - stepEnd);
    probe.tick(zoneId, now - work, work);
    probe.moves(info.result.acks.length, info.result.rejections.length);
  });
  runner.start();
  runners.push(runner);
}

probe.serve(async () => {
  for (const runner of runners) runner.stop();
  sessions.close();
  await ws.close();
});
process.send!({ type: 'ready', port, extra: { ws: `ws://127.0.0.1:${port}${ws.path}` } });

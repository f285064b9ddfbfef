/**
 * @module A micro-benchmark of one zone's tick without sockets: N players joined at the centre
 * (everyone in everyone's view) or scattered, each moving 10 times a second like the bench's
 * clients; reports the step and the broadcast (interest + encoding + the session layer's delivery
 * into no-op connections) per tick, mean and p99. `node bench/game/zone-tick.ts --players 1000
 * --spawn center` (add `--cpu-prof` to node to see where the time goes). Short: a few seconds.
 */
import { parseArgs } from 'node:util';
import { Zone } from '@tickline/game';
import { ZoneDelivery } from '@tickline/game/internal';
import { ManualClock } from '@tickline/kernel';
import { RULES, Walker, seededRandom } from './rules.ts';

const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '1000' },
    spawn: { type: 'string', default: 'center' },
    ticks: { type: 'string', default: '100' },
    'view-radius': { type: 'string' },
  },
});
const n = Number(values.players);
const ticks = Number(values.ticks);
const random = seededRandom(7);
const zone = new Zone({
  zoneId: 'z',
  clock: new ManualClock(0),
  maxSpeedPerTick: RULES.maxSpeedPerTick,
  maxPlayers: n,
  emitMoveEvents: false,
  ...(values['view-radius'] ? { viewRadius: Number(values['view-radius']) } : {}),
});
const centre = { x: RULES.worldSize / 2, y: RULES.worldSize / 2 };
const walkers: Walker[] = [];
let bytesOut = 0;
const connection = { send: (b: Uint8Array) => void (bytesOut += b.length), cork() {}, uncork() {} };
const sessions = new Map<string, object>();
const runner = { zone } as unknown as ConstructorParameters<typeof ZoneDelivery>[1];
for (let i = 0; i < n; i++) {
  const at = values.spawn === 'center' ? centre : Walker.spawn(random);
  const playerId = `p${i}`;
  zone.enqueue({ kind: 'join', playerId, seq: 0, ...at });
  walkers.push(new Walker(random, at.x, at.y));
  const link = { connection: { ...connection, bufferedBytes: 0 }, closed: false };
  sessions.set(playerId, { playerId, runner, link, joined: true });
}
const delivery = {
  sessionOf: (id: string) => sessions.get(id),
  send: (link: { connection: typeof connection }) => link.connection.send(new Uint8Array(16)),
  sendEncoded: (link: { connection: typeof connection }, bytes: Uint8Array) => link.connection.send(bytes),
  close() {},
  end() {},
} as unknown as ConstructorParameters<typeof ZoneDelivery>[0];
const deliver = new ZoneDelivery(delivery, runner);
const seq = new Array<number>(n).fill(0);
const step: number[] = [];
const cast: number[] = [];
for (let t = 0; t < ticks + 20; t++) {
  const tick = zone.tick + 1;
  for (let i = t === 0 ? n : tick % 2; i < n; i += 2) {
    const to = walkers[i]!.step(2);
    walkers[i]!.x = to.x;
    walkers[i]!.y = to.y;
    zone.enqueue({ kind: 'move', playerId: `p${i}`, seq: ++seq[i]!, tick, ...to });
  }
  const t0 = performance.now();
  const result = zone.step();
  const t1 = performance.now();
  deliver.deliver({ result, tick: result.tick, durationMs: t1 - t0 } as never);
  const t2 = performance.now();
  if (t >= 20) {
    step.push(t1 - t0);
    cast.push(t2 - t1);
  }
}
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `mean ${mean.toFixed(2)} ms p99 ${s[Math.floor(0.99 * (s.length - 1))]!.toFixed(2)} ms`;
};
console.log(
  `players ${n} spawn ${values.spawn}: step ${stat(step)}; broadcast ${stat(cast)}; ` +
    `${(bytesOut / (ticks + 20) / n).toFixed(0)} B/client/tick`,
);

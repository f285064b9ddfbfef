/**
 * Property: whatever the sequence of joins, moves, leaves, drops and resumes, what each client
 * decodes from the v2 tick frames — its view (who, where) and its own acked position — equals the
 * server's state within the quantization step, at every tick. Random runs from fixed seeds; a small
 * map, a short handle grace and crowds at the spawn point exercise view groups, handle reuse and
 * view changes.
 */
import { createMetricsRegistry, ManualClock } from '@tickline/kernel';
import {
  decodeMessage,
  encodeMessage,
  HandleView,
  MessageType,
  dequantize,
  type ServerMessage,
  type WelcomeMessage,
} from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import { Zone } from '../zone/zone.ts';
import type { ConnectionHandler, GameConnection } from './connection.ts';
import { GameSessions } from './game-sessions.ts';

const SIZE = 300;
const SPEED = 4;

/** mulberry32: a small seeded PRNG, so a failing seed replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One player's client: decodes every frame the way the SDK does and keeps what it believes. */
class DecodingClient implements GameConnection {
  readonly transport = 'tcp' as const;
  readonly remote = 'property';
  readonly address = '192.0.2.2';
  readonly bufferedBytes = 0;
  readonly view = new Map<string, { x: number; y: number }>();
  readonly #handles = new HandleView();
  welcome: WelcomeMessage | undefined;
  /** The ack decoded this tick, if any. */
  ack: { seq: number; x: number; y: number } | undefined;
  closed = false;
  handler!: ConnectionHandler;
  nextSeq = 1;

  send(bytes: Uint8Array): void {
    const message = decodeMessage(bytes) as ServerMessage;
    if (message.type === MessageType.Welcome) {
      if (!message.resumed) {
        this.view.clear();
        this.#handles.clear();
      }
      this.welcome = message;
      this.nextSeq = Math.max(this.nextSeq, message.lastSeq + 1);
    }
    if (message.type !== MessageType.Tick || !this.welcome) return;
    const step = this.welcome.positionStep;
    if (message.ack)
      this.ack = {
        seq: message.ack.seq,
        x: dequantize(message.ack.qx, step),
        y: dequantize(message.ack.qy, step),
      };
    if (message.reset) this.view.clear();
    const delta = this.#handles.read(message, this.welcome.handle, step);
    for (const id of delta.left) this.view.delete(id);
    for (const [id, x, y] of delta.entered) this.view.set(id, { x, y });
    for (const [id, x, y] of delta.moved) this.view.set(id, { x, y });
  }

  close(): void {
    this.closed = true;
  }
}

function run(seed: number, ticks: number): { checks: number; resets: number } {
  const random = prng(seed);
  const clock = new ManualClock(1_700_000_000_000);
  const scheduler = new ManualScheduler();
  const metrics = createMetricsRegistry({ processMetrics: false });
  const tokens = createJoinTokens({ secret: 'property-test-secret-of-32-bytes-min', clock });
  const zone = new Zone({
    zoneId: 'z',
    clock,
    map: ObstacleMap.open(SIZE, SIZE, 10),
    viewRadius: 30,
    maxSpeedPerTick: SPEED,
    maxPlayers: 48,
    handleGraceTicks: 2,
    maxCommandsPerWindow: 40,
  });
  const runner = new ZoneRunner({ zone, events: { publish: () => {} }, metrics, clock, scheduler });
  const sessions = new GameSessions({
    tokens,
    metrics,
    clock,
    scheduler,
    spawn: 'center',
    resumeGraceMs: 60_000,
  });
  sessions.addZone(runner);
  runner.start();
  const clients = new Map<string, DecodingClient>();
  const connect = (client: DecodingClient) => {
    client.closed = false;
    client.handler = sessions.open(client);
    return client;
  };
  let checks = 0;
  let resets = 0;
  let next = 0;
  for (let t = 0; t < ticks; t++) {
    // Commands for this tick: joins, honest moves, leaves, drops and resumes.
    if (clients.size < 44 && random() < 0.5) {
      const id = `p${next++}`;
      const client = connect(new DecodingClient());
      client.handler.onMessage(
        encodeMessage({ type: MessageType.Hello, token: tokens.issue(id, 'z').token }),
      );
      clients.set(id, client);
    }
    for (const [id, client] of [...clients]) {
      const me = zone.player(id);
      if (!me || !client.welcome || client.closed) continue;
      const roll = random();
      if (roll < 0.01) {
        client.handler.onMessage(encodeMessage({ type: MessageType.Leave, seq: client.nextSeq++ }));
        clients.delete(id);
      } else if (roll < 0.02) {
        // Drop, then resume on a new connection: the client keeps what it believed until the reset.
        client.handler.onClose();
        connect(client);
        client.handler.onMessage(
          encodeMessage({ type: MessageType.Hello, token: '', resumeSession: client.welcome.sessionId }),
        );
        resets++;
      } else if (roll < 0.6) {
        const angle = random() * 2 * Math.PI;
        const length = random() * SPEED * 0.95;
        const x = Math.min(SIZE - 1, Math.max(1, me.x + Math.cos(angle) * length));
        const y = Math.min(SIZE - 1, Math.max(1, me.y + Math.sin(angle) * length));
        client.handler.onMessage(
          encodeMessage({ type: MessageType.Move, seq: client.nextSeq++, tick: runner.tick + 1, x, y }),
        );
      }
    }
    for (const client of clients.values()) client.ack = undefined;
    clock.advance(runner.periodMs);
    runner.runDue();
    // Every connected client's belief equals the server's state within half a step.
    for (const [id, client] of clients) {
      const me = zone.player(id);
      if (!me || !client.welcome || client.closed) continue;
      const half = client.welcome.positionStep / 2 + 1e-9;
      const truth = zone.visibleTo(id);
      const where = `seed ${seed} tick ${zone.tick} viewer ${id}`;
      // Plain comparisons, with expect only on a mismatch: a run makes ~100k of them.
      const believed = [...client.view.keys()].sort();
      if (believed.join() !== [...truth].sort().join()) expect(believed, where).toEqual([...truth].sort());
      for (const other of truth) {
        const p = zone.player(other)!;
        const seen = client.view.get(other)!;
        if (Math.abs(seen.x - p.x) > half || Math.abs(seen.y - p.y) > half)
          expect({ other, ...seen }, where).toEqual({ other, x: p.x, y: p.y });
      }
      const ack = client.ack;
      if (ack && (ack.seq !== me.lastSeq || Math.abs(ack.x - me.x) > half || Math.abs(ack.y - me.y) > half))
        expect(ack, `${where}: own ack`).toEqual({ seq: me.lastSeq, x: me.x, y: me.y });
      checks++;
    }
  }
  sessions.close();
  return { checks, resets };
}

describe('wire format v2 - property', () => {
  it.each([1, 2, 3, 42, 2026])(
    'property - seed %i: every client decodes the server state at every tick',
    (seed) => {
      const { checks, resets } = run(seed, 200);
      expect(checks).toBeGreaterThan(2000);
      expect(resets).toBeGreaterThan(0);
    },
  );
});

import { createMetricsRegistry, ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  positionStepFor,
  quantize,
  type ServerMessage,
} from '@tickline/protocol';
import { DEFAULT_POSITION_STEP } from '../zone/zone-config.ts';
import { Zone } from '../zone/zone.ts';
import type { RoomLinkOps, RoomSessions } from '../rooms/room-sessions.ts';
import { SharedMessage, type GameConnection, type WireFraming } from './connection.ts';
import type { Link } from './session-state.ts';
import { GameSessions } from './game-sessions.ts';
import type { GameSessionsOptions } from './session-options.ts';
import { spawnPoint } from './spawn-point.ts';

let fakeAddresses = 0;

/** A connection that records what it was sent; `buffered` stands in for the socket's backlog. */
class FakeConnection implements GameConnection {
  readonly transport = 'tcp' as const;
  readonly remote = 'fake';
  // Each its own client, as a crowd of players would be (the per-address cap has its own test).
  readonly address = `fake-${++fakeAddresses}`;
  readonly sent: ServerMessage[] = [];
  readonly raw: Uint8Array[] = [];
  buffered = 0;
  closedWith: string | undefined;
  get bufferedBytes() {
    return this.buffered;
  }
  send(message: Uint8Array) {
    this.raw.push(message);
    this.sent.push(decodeMessage(message) as ServerMessage);
  }
  close(code: string) {
    this.closedWith = code;
  }
}

function setup(options: Partial<GameSessionsOptions> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const scheduler = new ManualScheduler();
  const metrics = createMetricsRegistry({ processMetrics: false });
  const tokens = createJoinTokens({ secret: 'session-test-secret-of-32-bytes-min', clock });
  const runner = new ZoneRunner({
    zone: new Zone({ zoneId: 'z1', clock }),
    events: { publish: () => {} },
    metrics,
    clock,
    scheduler,
  });
  const sessions = new GameSessions({
    tokens,
    metrics,
    clock,
    scheduler,
    maxBufferedBytes: 1000,
    resumeGraceMs: 1000,
    ...options,
  });
  sessions.addZone(runner);
  runner.start();
  const tick = () => {
    clock.advance(runner.periodMs);
    runner.runDue();
  };
  const join = (playerId: string) => {
    const connection = new FakeConnection();
    const handler = sessions.open(connection);
    handler.onMessage(encodeMessage({ type: MessageType.Hello, token: tokens.issue(playerId, 'z1').token }));
    tick();
    return { connection, handler };
  };
  return { clock, scheduler, runner, sessions, tick, join };
}

describe('game sessions', () => {
  it('crowd - players who see the same crowd are sent the same shared delta bytes, once encoded', () => {
    // Given 40 players at the zone's spawn point (a crowd: one view group)
    const { join, tick, runner } = setup({ spawn: 'center' });
    const players = Array.from({ length: 40 }, (_, i) => join(`p${i}`));
    tick();
    tick();
    // When p0 moves
    const mover = players[0]!;
    const { x, y } = runner.zone.player('p0')!;
    mover.handler.onMessage(
      encodeMessage({ type: MessageType.Move, seq: 1, tick: runner.tick, x: x + 0.3, y }),
    );
    tick();
    // Then every other player gets one tick frame naming p0's handle as moved (quantized)
    const step = positionStepFor(1000, 1000, DEFAULT_POSITION_STEP);
    const p0 = runner.zone.players.slotOf('p0')!;
    expect(players[1]!.connection.sent.at(-1)).toEqual({
      type: MessageType.Tick,
      tick: runner.tick,
      ack: undefined,
      reset: false,
      entered: [],
      moved: [[p0, quantize(x + 0.3, step), quantize(y, step)]],
      left: [],
    });
    // …all frames of the tick are views of one buffer, and the shared body is the same bytes
    const last = players.map((p) => p.connection.raw.at(-1)!);
    const body = (frame: Uint8Array) => Buffer.from(frame.subarray(frame.length - 12)).toString('hex');
    for (const frame of last) expect(frame.buffer).toBe(last[0]!.buffer);
    for (const frame of last.slice(1)) expect(body(frame)).toBe(body(last[1]!));
    // …and the mover's frame carries its ack (the same body: a client skips its own handle)
    expect(mover.connection.sent.at(-1)).toMatchObject({ type: MessageType.Tick, ack: { seq: 1 } });
  });

  it('backpressure - a client whose send buffer passes the bound is dropped; the zone goes on', () => {
    const { join, tick, runner, sessions } = setup();
    const slow = join('slow');
    const fast = join('fast');
    expect(slow.connection.sent[0]).toMatchObject({ type: MessageType.Welcome, playerId: 'slow' });
    slow.connection.buffered = 5000;
    // 'fast' moves, so 'slow' is sent a delta and found over the bound.
    const moveTo = (seq: number, x: number) =>
      fast.handler.onMessage(encodeMessage({ type: MessageType.Move, seq, tick: runner.tick, x, y: 500 }));
    moveTo(1, 500.2);
    tick();
    expect(slow.connection.closedWith).toBe('GAME_SESSION_SLOW_CONSUMER');
    slow.handler.onClose();
    expect(sessions.sessionOf('slow')).toMatchObject({ connected: false });
    const step = positionStepFor(1000, 1000, DEFAULT_POSITION_STEP);
    expect(fast.connection.sent.at(-1)).toMatchObject({
      type: MessageType.Tick,
      ack: { seq: 1, qx: quantize(500.2, step), qy: quantize(500, step) },
    });
    moveTo(2, 500.4);
    tick();
    expect(fast.connection.sent.at(-1)).toMatchObject({
      type: MessageType.Tick,
      ack: { seq: 2, qx: quantize(500.4, step) },
    });
  });

  it('drain - players get the notice and a close, leave the zone, and new hellos are refused', () => {
    const { join, tick, runner, sessions } = setup();
    const p = join('p');
    runner.notice('info', 'hello all');
    expect(p.connection.sent.at(-1)).toMatchObject({ type: MessageType.Notice, text: 'hello all' });
    runner.drain({ message: 'restarting' });
    expect(p.connection.sent.at(-1)).toMatchObject({
      type: MessageType.Notice,
      level: 'warn',
      text: 'restarting',
    });
    expect(p.connection.closedWith).toBe('GAME_ZONE_DRAINING');
    tick();
    expect(runner.zone.player('p')).toBeUndefined();
    const late = join('late');
    expect(late.connection.closedWith).toBe('GAME_ZONE_DRAINING');
    expect(sessions.stats()).toMatchObject({ sessions: 0 });
  });

  it('grace - the sweep removes a dropped player once the grace period ends', () => {
    const { join, tick, runner, scheduler, clock } = setup();
    const p = join('p');
    p.handler.onClose();
    clock.advance(999);
    scheduler.runDue();
    tick();
    expect(runner.zone.player('p')).toBeDefined();
    clock.advance(1);
    scheduler.runDue();
    tick();
    expect(runner.zone.player('p')).toBeUndefined();
  });

  it('replace - a second connection of the same player takes over the session', () => {
    const { join } = setup();
    const first = join('p');
    const second = join('p');
    expect(first.connection.closedWith).toBe('GAME_SESSION_REPLACED');
    expect(second.connection.sent[0]).toMatchObject({ type: MessageType.Welcome, resumed: true });
  });

  it('restore - players of a restored zone without a session wait out the grace, or take their place back', () => {
    const { join, tick, runner, scheduler, clock } = setup();
    const p = join('p');
    p.handler.onMessage(
      encodeMessage({ type: MessageType.Move, seq: 1, tick: runner.tick, x: 500.4, y: 500 }),
    );
    tick();
    const snapshot = runner.zone.snapshot();
    const restored = Zone.restore(
      { ...snapshot, players: [...snapshot.players, { ...snapshot.players[0]!, id: 'ghost' }] },
      { zoneId: 'z1', clock },
    );
    runner.pause();
    runner.replaceZone(restored);
    runner.resume();
    const back = join('ghost');
    expect(back.connection.sent[0]).toMatchObject({ type: MessageType.Welcome, resumed: true, x: 500.4 });
    back.handler.onClose();
    clock.advance(1000);
    scheduler.runDue();
    tick();
    expect(runner.zone.player('ghost')).toBeUndefined();
    expect(runner.zone.player('p')).toMatchObject({ x: 500.4 });
  });

  it('restore - a session whose player is missing from the restored zone joins it again', () => {
    const { join, tick, runner, clock } = setup();
    const p = join('p');
    runner.replaceZone(new Zone({ zoneId: 'z1', clock }));
    tick();
    expect(runner.zone.player('p')).toMatchObject({ x: 500, y: 500 });
    expect(p.connection.sent.filter((m) => m.type === MessageType.Welcome)).toHaveLength(2);
  });

  it('spawn - with scatter, players join at their scattered points', () => {
    const { join, runner } = setup({ spawn: 'scatter' });
    const a = join('a');
    const at = spawnPoint(runner.zone, 'a', 'scatter')!;
    expect(a.connection.sent[0]).toMatchObject({ type: MessageType.Welcome, x: at.x, y: at.y });
    expect(at).not.toEqual({ x: 500, y: 500 });
  });
});

/** A connection that takes pre-framed messages (a 4-byte length prefix) and records writes and corks. */
class FramingConnection extends FakeConnection {
  readonly writes: (Uint8Array | 'cork' | 'uncork')[] = [];
  readonly framing: WireFraming = {
    headerBytes: () => 4,
    writeHeader: (out, at, length) => (
      new DataView(out.buffer, out.byteOffset).setUint32(at, length),
      at + 4
    ),
  };
  sendFramed(framed: Uint8Array) {
    this.writes.push(framed);
  }
  cork() {
    this.writes.push('cork');
  }
  uncork() {
    this.writes.push('uncork');
  }
  /** The messages of the framed writes, in order. */
  messages(): ServerMessage[] {
    const out: ServerMessage[] = [];
    for (const w of this.writes) {
      if (typeof w === 'string') continue;
      const view = new DataView(w.buffer, w.byteOffset, w.byteLength);
      for (let at = 0; at < w.length; at += 4 + view.getUint32(at))
        out.push(decodeMessage(w.subarray(at + 4, at + 4 + view.getUint32(at))) as ServerMessage);
    }
    return out;
  }
}

describe('game sessions - room frames', () => {
  /** The room side's send of a shared frame with a player's ack behind it. */
  function sendShared(frameBytes: number) {
    let ops: RoomLinkOps | undefined;
    // A manual scheduler: a real one would leave the sessions' sweep running after the test.
    const sessions = new GameSessions({
      tokens: createJoinTokens({ secret: 'session-test-secret-of-32-bytes-min' }),
      metrics: createMetricsRegistry({ processMetrics: false }),
      scheduler: new ManualScheduler(),
    });
    sessions.attachRooms({ bind: (o: RoomLinkOps) => void (ops = o) } as unknown as RoomSessions);
    const connection = new FramingConnection();
    const link = { connection, closed: false } as unknown as Link;
    const frame = new Uint8Array(frameBytes).fill(7);
    const shared = new SharedMessage(encodeMessage({ type: MessageType.RoomFrame, tick: 9, ack: -1, frame }));
    ops!.sendShared!(link, shared, {
      type: MessageType.RoomFrame,
      tick: 9,
      ack: 4,
      frame: new Uint8Array(0),
    });
    return { connection, frame };
  }

  it('room frames - a small shared frame and the ack behind it leave in one write', () => {
    const { connection, frame } = sendShared(600);
    expect(connection.writes).toHaveLength(1);
    expect(connection.messages()).toEqual([
      { type: MessageType.RoomFrame, tick: 9, ack: -1, frame },
      { type: MessageType.RoomFrame, tick: 9, ack: 4, frame: new Uint8Array(0) },
    ]);
  });

  it('room frames - a large shared frame is corked with the ack, not copied for the player', () => {
    const { connection, frame } = sendShared(12_000);
    expect(connection.writes.map((w) => (typeof w === 'string' ? w : 'write'))).toEqual([
      'cork',
      'write',
      'write',
      'uncork',
    ]);
    expect(connection.messages()).toEqual([
      { type: MessageType.RoomFrame, tick: 9, ack: -1, frame },
      { type: MessageType.RoomFrame, tick: 9, ack: 4, frame: new Uint8Array(0) },
    ]);
  });
});

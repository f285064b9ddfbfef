import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GameConnector, GameSocketHandlers } from './connector.ts';
import { GameClient } from './game-client.ts';
import type { GameClientOptions } from './game-client-options.ts';
import { GameClientState, type AckEvent, type ClosedEvent, type RejectEvent } from './game-events.ts';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  type ClientMessage,
  type ServerMessage,
  type TickMessage,
  type WelcomeMessage,
} from '@tickline/protocol';

/** A scripted server: records what the client sends, pushes what the test says. */
class FakeServer {
  connections: Array<{ handlers: GameSocketHandlers; sent: ClientMessage[]; closed: boolean }> = [];
  readonly urls: string[] = [];
  readonly connector: GameConnector = (url, handlers) => {
    this.urls.push(url);
    const conn = { handlers, sent: [] as ClientMessage[], closed: false };
    this.connections.push(conn);
    return {
      send: (bytes) => void conn.sent.push(decodeMessage(bytes) as ClientMessage),
      close: () => void (conn.closed = true),
    };
  };
  get last() {
    return this.connections.at(-1)!;
  }
  push(message: ServerMessage) {
    this.last.handlers.message(encodeMessage(message));
  }
  sent<T extends ClientMessage['type']>(type: T) {
    return this.last.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}

const STEP = 0.25;

const welcome = (over: Partial<WelcomeMessage> = {}): WelcomeMessage => ({
  type: MessageType.Welcome,
  playerId: 'p1',
  zoneId: 'z1',
  sessionId: 's1',
  tick: 100,
  tickRateHz: 20,
  x: 50,
  y: 50,
  width: 1000,
  height: 1000,
  lastSeq: 0,
  resumed: false,
  handle: 1,
  // A step that represents the test's positions exactly: quantization is tested on its own.
  positionStep: STEP,
  ...over,
});

/** A tick frame; positions given in world units are quantized with {@link STEP}. */
const tick = (
  at: number,
  over: {
    ack?: [seq: number, x: number, y: number];
    reset?: boolean;
    entered?: Array<[handle: number, id: string, x: number, y: number]>;
    moved?: Array<[handle: number, x: number, y: number]>;
    left?: number[];
  } = {},
): TickMessage => ({
  type: MessageType.Tick,
  tick: at,
  ack: over.ack && { seq: over.ack[0], qx: over.ack[1] / STEP, qy: over.ack[2] / STEP },
  reset: over.reset ?? false,
  left: over.left ?? [],
  entered: (over.entered ?? []).map(([h, id, x, y]) => [h, id, x / STEP, y / STEP]),
  moved: (over.moved ?? []).map(([h, x, y]) => [h, x / STEP, y / STEP]),
});

let server: FakeServer;
const make = (over: Partial<GameClientOptions> = {}) =>
  new GameClient({
    url: 'ws://zone',
    token: 'jt',
    connector: server.connector,
    now: () => Date.now(),
    ...over,
  });

async function connected(client: GameClient) {
  const done = client.connect();
  await vi.advanceTimersByTimeAsync(0);
  server.last.handlers.opened();
  server.push(welcome());
  return done;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  server = new FakeServer();
});
afterEach(() => vi.useRealTimers());

describe('GameClient', () => {
  it('game client - says hello with the join token and resolves with the welcome', async () => {
    const client = make();
    const w = await connected(client);
    expect(server.sent(MessageType.Hello)).toEqual([{ type: MessageType.Hello, token: 'jt' }]);
    expect(w.playerId).toBe('p1');
    expect(client.state).toBe(GameClientState.Connected);
    expect(client.position).toEqual({ x: 50, y: 50 });
  });

  it('game client - moves carry increasing seq and the estimated server tick, predicted at once', async () => {
    const client = make();
    await connected(client);
    expect(client.move(0.5, 0)).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(client.move(0, 0.5)).toBe(2);
    expect(server.sent(MessageType.Move)).toEqual([
      { type: MessageType.Move, seq: 1, tick: 100, x: 50.5, y: 50 },
      { type: MessageType.Move, seq: 2, tick: 102, x: 50.5, y: 50.5 },
    ]);
    expect(client.position).toEqual({ x: 50.5, y: 50.5 });
  });

  it('game client - an ack reconciles and reports the move → ack latency; a reject reports its reason', async () => {
    const client = make();
    await connected(client);
    const acks: AckEvent[] = [];
    const rejects: RejectEvent[] = [];
    client.on('ack', (a) => acks.push(a));
    client.on('reject', (r) => rejects.push(r));
    client.move(0.5, 0);
    client.moveTo(90, 50, { predict: false }); // a speed hack, not predicted
    client.move(0.5, 0);
    expect(client.position).toEqual({ x: 51, y: 50 });
    await vi.advanceTimersByTimeAsync(40);
    server.push(tick(101, { ack: [1, 50.5, 50] }));
    server.push({ type: MessageType.Reject, seq: 2, tick: 101, reason: 'GAME_TELEPORT', x: 50.5, y: 50 });
    expect(acks).toEqual([{ seq: 1, tick: 101, x: 50.5, y: 50, latencyMs: 40, correction: 0 }]);
    expect(rejects).toEqual([{ seq: 2, tick: 101, reason: 'GAME_TELEPORT', x: 50.5, y: 50, latencyMs: 40 }]);
    expect(client.position).toEqual({ x: 51, y: 50 });
    expect(client.prediction.pending.map((p) => p.seq)).toEqual([3]);
  });

  it('game client - answers heartbeats, pings for RTT, interpolates others from deltas', async () => {
    const client = make({ pingIntervalMs: 1000 });
    await connected(client);
    const rtts: number[] = [];
    client.on('rtt', (r) => rtts.push(r));
    server.push({ type: MessageType.Heartbeat, nonce: 7, tick: 101, serverTime: 0 });
    expect(server.sent(MessageType.HeartbeatAck)).toEqual([{ type: MessageType.HeartbeatAck, nonce: 7 }]);
    await vi.advanceTimersByTimeAsync(1000);
    const [ping] = server.sent(MessageType.Ping);
    await vi.advanceTimersByTimeAsync(30);
    server.push({ type: MessageType.Pong, nonce: ping!.nonce, serverTime: 0 });
    expect(rtts).toEqual([30]);
    expect(client.rttMs).toBe(30);
    server.push(tick(121, { entered: [[2, 'p2', 10, 10]] }));
    server.push(tick(122, { moved: [[2, 11, 10]] }));
    // Now ≈ tick 120.6 (welcome 100 + 1030 ms) raised to 122 by the delta; drawn 2 ticks behind.
    expect(client.others()).toEqual([{ id: 'p2', x: 10, y: 10 }]);
    await vi.advanceTimersByTimeAsync(75);
    const [p2] = client.others();
    expect(p2!.x).toBeCloseTo(10.5, 6);
  });

  it('game client - a shared body is applied without the client own handle; handles name ids', async () => {
    const client = make();
    await connected(client);
    const deltas: unknown[] = [];
    client.on('delta', (d) => deltas.push(d));
    server.push(tick(101, { entered: [[3, 'p3', 2, 2]] }));
    server.push(tick(102, { entered: [[2, 'p2', 1, 1]], moved: [[1, 9, 9]], left: [3] }));
    // A handle freed and given to someone else later: the new id, never the old one.
    server.push(tick(103, { left: [2], entered: [[2, 'p9', 4, 4]] }));
    server.push(
      tick(104, {
        moved: [
          [2, 5, 4],
          [7, 1, 1],
        ],
      }),
    );
    expect(deltas).toEqual([
      { tick: 101, entered: [['p3', 2, 2]], moved: [], left: [] },
      { tick: 102, entered: [['p2', 1, 1]], moved: [], left: ['p3'] },
      { tick: 103, entered: [['p9', 4, 4]], moved: [], left: ['p2'] },
      { tick: 104, entered: [], moved: [['p9', 5, 4]], left: [] },
    ]);
    expect(client.others().map((o) => o.id)).toEqual(['p9']);
    server.push(tick(105, { reset: true, entered: [[4, 'p4', 3, 3]] }));
    expect(client.others().map((o) => o.id)).toEqual(['p4']);
  });

  it('game client - a quantized ack within half a step of the prediction keeps the exact prediction', async () => {
    const client = make({ clampToBounds: false });
    await connected(client);
    const acks: AckEvent[] = [];
    client.on('ack', (a) => acks.push(a));
    client.move(0.3, 0.1);
    // 50.3 / 0.25 = 201.2 → 201 (50.25); 50.1 → 200 (50): within 0.125 of the prediction.
    server.push({ ...tick(101), ack: { seq: 1, qx: 201, qy: 200 } });
    expect(acks[0]).toMatchObject({ seq: 1, x: 50.3, y: 50.1, correction: 0 });
    client.move(0.3, 0);
    // One step off: the server put the player elsewhere, and the prediction moves there.
    server.push({ ...tick(102), ack: { seq: 2, qx: 203, qy: 200 } });
    expect(acks[1]).toMatchObject({ seq: 2, x: 50.75, y: 50 });
    expect(acks[1]!.correction).toBeGreaterThan(0);
  });

  it('game client - a v1 server is reported, not misread', async () => {
    const client = make();
    await connected(client);
    const errors: Array<{ code: string }> = [];
    client.on('error', (e) => errors.push(e));
    server.last.handlers.message(Uint8Array.from([0x93, 0x01, MessageType.Ping, 0x01]));
    expect(errors.map((e) => e.code)).toEqual(['GAME_PROTOCOL_VERSION']);
  });

  it('game client - with trackOthers false, deltas are dropped undecoded and acks still arrive', async () => {
    const client = make({ trackOthers: false });
    await connected(client);
    const deltas: unknown[] = [];
    const acks: AckEvent[] = [];
    client.on('delta', (d) => deltas.push(d));
    client.on('ack', (a) => acks.push(a));
    client.move(0.5, 0);
    server.push(tick(101, { ack: [1, 50.5, 50], entered: [[2, 'p2', 1, 1]] }));
    expect(deltas).toEqual([]);
    expect(client.others()).toEqual([]);
    expect(acks.map((a) => a.seq)).toEqual([1]);
  });

  it('game client - a drop resumes the session with the same token and session id', async () => {
    const client = make();
    await connected(client);
    const resumed: WelcomeMessage[] = [];
    client.on('resumed', (w) => resumed.push(w));
    client.move(1, 0);
    server.last.handlers.closed({ code: 1006, reason: '' });
    expect(client.state).toBe(GameClientState.Resuming);
    expect(client.move(1, 0)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(server.connections).toHaveLength(2);
    server.last.handlers.opened();
    expect(server.sent(MessageType.Hello)).toEqual([
      { type: MessageType.Hello, token: '', resumeSession: 's1' },
    ]);
    server.push(welcome({ resumed: true, lastSeq: 0, tick: 110 }));
    expect(client.state).toBe(GameClientState.Connected);
    expect(resumed).toHaveLength(1);
    // The unapplied move is forgotten; the next seq continues after it.
    expect(client.position).toEqual({ x: 50, y: 50 });
    expect(client.move(1, 0)).toBe(2);
  });

  it('game client - a token function gives each resume a fresh token; a lost session starts anew', async () => {
    let issued = 0;
    const client = make({ token: () => `jt${++issued}` });
    await connected(client);
    const welcomes: WelcomeMessage[] = [];
    client.on('welcome', (w) => welcomes.push(w));
    client.move(1, 0);
    server.last.handlers.closed({ code: 1006, reason: '' });
    await vi.advanceTimersByTimeAsync(200);
    server.last.handlers.opened();
    expect(server.sent(MessageType.Hello)).toEqual([
      { type: MessageType.Hello, token: 'jt2', resumeSession: 's1' },
    ]);
    server.push(welcome({ sessionId: 's2', x: 500, y: 500, resumed: false }));
    expect(welcomes.map((w) => w.sessionId)).toEqual(['s2']);
    expect(client.position).toEqual({ x: 500, y: 500 });
    expect(client.prediction.pending).toEqual([]);
  });

  it('game client - a seat from the token function moves the resume to the zone new address', async () => {
    let issued = 0;
    const client = make({
      token: (resume) => (resume ? { token: `jt${++issued}`, url: 'ws://survivor/game/ws' } : 'jt0'),
    });
    await connected(client);
    const resumed: WelcomeMessage[] = [];
    client.on('resumed', (w) => resumed.push(w));
    server.last.handlers.closed({ code: 1006, reason: '' });
    await vi.advanceTimersByTimeAsync(200);
    server.last.handlers.opened();
    expect(server.sent(MessageType.Hello)).toEqual([
      { type: MessageType.Hello, token: 'jt1', resumeSession: 's1' },
    ]);
    // The new process recovered the zone with the player in it: the same place, resumed.
    server.push(welcome({ sessionId: 's9', resumed: true }));
    expect(resumed).toHaveLength(1);
    expect(server.urls.slice(-1)).toEqual(['ws://survivor/game/ws']);
    expect(server.urls).toHaveLength(2);
  });

  it('game client - silence longer than deadAfterMs counts as a drop', async () => {
    const client = make({ deadAfterMs: 3000 });
    await connected(client);
    await vi.advanceTimersByTimeAsync(4100);
    expect(server.connections[0]!.closed).toBe(true);
    expect(client.state).toBe(GameClientState.Resuming);
  });

  it('game client - gives up resuming after the grace period', async () => {
    const client = make({ resumeGraceMs: 1000 });
    await connected(client);
    const closed: ClosedEvent[] = [];
    client.on('closed', (c) => closed.push(c));
    server.last.handlers.closed({ code: 1006, reason: '' });
    for (let i = 0; i < 20 && client.state !== GameClientState.Closed; i++) {
      await vi.advanceTimersByTimeAsync(500);
      server.last.handlers.closed({ code: 1006, reason: '' });
    }
    expect(closed).toEqual([{ code: 'CLIENT_GAME_RESUME_FAILED', message: expect.any(String) }]);
  });

  it('game client - a server close message ends the client with its code, without resuming', async () => {
    const client = make();
    await connected(client);
    const closed: ClosedEvent[] = [];
    client.on('closed', (c) => closed.push(c));
    server.push({ type: MessageType.Close, code: 'GAME_ZONE_DRAINING', message: 'restart' });
    server.last.handlers.closed({ code: 1000, reason: '' });
    expect(closed).toEqual([{ code: 'GAME_ZONE_DRAINING', message: 'restart' }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.connections).toHaveLength(1);
  });

  it('game client - a zone that moved (GAME_ZONE_MOVED) is followed: the resume asks for a new seat', async () => {
    let issued = 0;
    const client = make({
      token: (resume) => (resume ? { token: `jt${++issued}`, url: 'ws://next/game/ws' } : 'jt0'),
    });
    await connected(client);
    const closed: ClosedEvent[] = [];
    client.on('closed', (c) => closed.push(c));
    server.push({ type: MessageType.Close, code: 'GAME_ZONE_MOVED', message: 'moving' });
    server.last.handlers.closed({ code: 4503, reason: 'GAME_ZONE_MOVED' });
    expect(client.state).toBe(GameClientState.Resuming);
    await vi.advanceTimersByTimeAsync(200);
    server.last.handlers.opened();
    expect(server.sent(MessageType.Hello).at(-1)).toEqual({
      type: MessageType.Hello,
      token: 'jt1',
      resumeSession: 's1',
    });
    expect(server.urls.at(-1)).toBe('ws://next/game/ws');
    expect(closed).toEqual([]);
  });

  it('game client - a refused hello rejects connect with the server code', async () => {
    const client = make();
    const done = client.connect();
    await vi.advanceTimersByTimeAsync(0);
    server.last.handlers.opened();
    server.push({ type: MessageType.Close, code: 'GAME_JOIN_TOKEN_INVALID', message: 'expired' });
    server.last.handlers.closed({ code: 1008, reason: '' });
    await expect(done).rejects.toMatchObject({ code: 'GAME_JOIN_TOKEN_INVALID' });
  });

  it('game client - close() sends leave and closes the socket', async () => {
    const client = make();
    await connected(client);
    client.close();
    expect(server.sent(MessageType.Leave)).toEqual([{ type: MessageType.Leave, seq: 1 }]);
    expect(server.last.closed).toBe(true);
    expect(client.state).toBe(GameClientState.Closed);
  });
});

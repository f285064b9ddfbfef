import { EventEmitter } from 'node:events';
import {
  ConnectionBudget,
  createMetricsRegistry,
  ManualClock,
  systemClock,
  type EventEnvelope,
} from '@tickline/kernel';
import { DEFAULT_POSITION_STEP } from '../zone/zone-config.ts';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import { MessageType } from '@tickline/protocol';
import { GameSessions } from '../session/game-sessions.ts';
import type { SessionLimits } from '../session/session-options.ts';
import { Zone } from '../zone/zone.ts';
import { TcpTransport } from './tcp-transport.ts';
import { TestGameClient } from './test-client.ts';
import { WsTransport } from './ws-transport.ts';

const SECRET = 'transport-test-secret-of-32-bytes-or-more';
const MAX_MESSAGE_BYTES = 1024;

async function startServer(limits: SessionLimits = {}, budget?: ConnectionBudget) {
  const metrics = createMetricsRegistry({ processMetrics: false });
  const events: EventEnvelope[] = [];
  const tokenClock = new ManualClock(Date.now());
  const tokens = createJoinTokens({ secret: SECRET, ttlMs: 5_000, clock: tokenClock });
  const runner = new ZoneRunner({
    zone: new Zone({ zoneId: 'z1', clock: systemClock, tickRateHz: 50 }),
    events: { publish: (e) => events.push(e) },
    metrics,
  });
  const sessions = new GameSessions({
    tokens,
    metrics,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    heartbeatIntervalMs: 100,
    idleTimeoutMs: 2_000,
    handshakeTimeoutMs: 2_000,
    resumeGraceMs: 2_000,
    ...limits,
  });
  sessions.addZone(runner);
  runner.start();
  const tcp = new TcpTransport({ acceptor: sessions, host: '127.0.0.1', port: 0, closeGraceMs: 200, budget });
  const tcpPort = await tcp.listen();
  const ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
  const wsPort = await ws.listen(0, '127.0.0.1');
  const clients: TestGameClient[] = [];
  const server = {
    metrics,
    runner,
    sessions,
    events,
    tokens,
    tokenClock,
    async connect(transport: 'tcp' | 'ws') {
      const client =
        transport === 'tcp'
          ? await TestGameClient.tcp(tcpPort)
          : await TestGameClient.ws(`ws://127.0.0.1:${wsPort}/game/ws`);
      clients.push(client);
      return client;
    },
    /** Connects, says hello with a fresh token for `playerId`, and waits for the welcome. */
    async join(transport: 'tcp' | 'ws', playerId: string) {
      const client = await server.connect(transport);
      client.send({ type: MessageType.Hello, token: tokens.issue(playerId, 'z1').token });
      const welcome = await client.next(MessageType.Welcome);
      return { client, welcome };
    },
    /** What a process stop does: sessions close with a reason, then the transports. */
    async shutdown() {
      sessions.close();
      runner.stop();
      await tcp.close();
      await ws.close();
    },
    async stop() {
      for (const c of clients) c.drop();
      sessions.close();
      runner.stop();
      await tcp.close();
      await ws.close();
    },
  };
  return server;
}

let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe.each(['tcp', 'ws'] as const)('game transports over %s', (transport) => {
  it(`${transport} - a valid token joins; an expired or reused one is refused with its reason`, async () => {
    server = await startServer();
    const token = server.tokens.issue('alice', 'z1').token;
    const alice = await server.connect(transport);
    alice.send({ type: MessageType.Hello, token });
    const welcome = await alice.next(MessageType.Welcome);
    expect(welcome).toMatchObject({
      playerId: 'alice',
      zoneId: 'z1',
      resumed: false,
      x: 500,
      y: 500,
      lastSeq: 0,
    });
    const reuse = await server.connect(transport);
    reuse.send({ type: MessageType.Hello, token });
    expect((await reuse.ended).code).toBe('GAME_TOKEN_REUSED');
    const expired = server.tokens.issue('bob', 'z1').token;
    server.tokenClock.advance(5_000);
    const late = await server.connect(transport);
    late.send({ type: MessageType.Hello, token: expired });
    const end = await late.ended;
    expect(end.code).toBe('GAME_TOKEN_EXPIRED');
    if (transport === 'ws') expect(end.wsCode).toBe(4401);
  });

  it(`${transport} - a move is acked with the authoritative position and reaches the neighbour as a delta`, async () => {
    server = await startServer();
    const a = await server.join(transport, 'a');
    const b = await server.join(transport, 'b');
    a.client.send({ type: MessageType.Move, seq: 1, tick: a.welcome.tick, x: 500.4, y: 500 });
    // Positions travel quantized: within half a step (1/128 by default) of the authoritative ones.
    const halfStep = DEFAULT_POSITION_STEP / 2;
    const ack = await a.client.nextAck((m) => m.seq === 1);
    expect(Math.abs(ack.x - 500.4)).toBeLessThanOrEqual(halfStep);
    expect(ack.y).toBe(500);
    await b.client.nextDelta((d) => d.moved.some(([id, x]) => id === 'a' && Math.abs(x - 500.4) <= halfStep));
    a.client.send({ type: MessageType.Move, seq: 2, tick: a.welcome.tick + 1, x: 900, y: 900 });
    const reject = await a.client.next(MessageType.Reject, (m) => m.seq === 2);
    expect(reject).toMatchObject({ reason: 'GAME_TELEPORT', x: 500.4, y: 500 });
    const moved = server.events.filter((e) => e.type === 'game.player.moved');
    expect(moved).toHaveLength(1);
  });

  it(`${transport} - a malformed message closes only that connection; the others keep playing`, async () => {
    server = await startServer();
    const bad = await server.join(transport, 'bad');
    const good = await server.join(transport, 'good');
    bad.client.sendPayload(new Uint8Array([0x93, 0x02, 0xc1]));
    expect((await bad.client.ended).code).toBe('GAME_PROTOCOL_MALFORMED');
    good.client.send({ type: MessageType.Move, seq: 1, tick: good.welcome.tick, x: 500.3, y: 500 });
    expect((await good.client.nextAck((m) => m.seq === 1)).x).toBeCloseTo(500.3, 1);
    expect(server.runner.zone.player('good')).toMatchObject({ x: 500.3, lastSeq: 1 });
  });

  it(`${transport} - a v1 client is refused with GAME_PROTOCOL_VERSION before anything else`, async () => {
    server = await startServer();
    const old = await server.connect(transport);
    // [1, Hello, 'jt', nil]: the first message of a v1 SDK.
    old.sendPayload(Uint8Array.from([0x94, 0x01, MessageType.Hello, 0xa2, 0x6a, 0x74, 0xc0]));
    const end = await old.ended;
    expect(end.code).toBe('GAME_PROTOCOL_VERSION');
    if (transport === 'ws') expect(end.wsCode).toBeGreaterThanOrEqual(4000);
    const close = old.received.find((m) => m.type === MessageType.Close);
    expect(close).toMatchObject({ message: expect.stringContaining('version 1 is not supported') });
  });

  it(`${transport} - an oversized message closes the connection with GAME_PROTOCOL_TOO_LARGE`, async () => {
    server = await startServer();
    const big = await server.join(transport, 'big');
    if (transport === 'tcp') {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(10 * 1024 * 1024);
      big.client.sendWire(header);
    } else big.client.sendPayload(new Uint8Array(MAX_MESSAGE_BYTES + 100));
    expect((await big.client.ended).code).toBe('GAME_PROTOCOL_TOO_LARGE');
    expect(server.runner.zone.player('big')).toBeDefined(); // in its grace period, zone untouched
  });

  it(`${transport} - a flood closes the connection with GAME_SESSION_FLOOD`, async () => {
    server = await startServer({ maxMessagesPerSecond: 20, burstSeconds: 1 });
    const flood = await server.join(transport, 'flood');
    const other = await server.join(transport, 'calm');
    for (let i = 0; i < 100; i++) flood.client.send({ type: MessageType.Ping, nonce: i });
    expect((await flood.client.ended).code).toBe('GAME_SESSION_FLOOD');
    other.client.send({ type: MessageType.Ping, nonce: 7 });
    expect(await other.client.next(MessageType.Pong)).toMatchObject({ nonce: 7 });
  });

  it(`${transport} - the server sends heartbeats and closes a silent client as idle`, async () => {
    // Heartbeats every 100 ms: the idle timeout leaves room for a sweep or several to be late (at
    // load 16 the first sweep after the hello came 400 ms on, and closed it before any heartbeat).
    server = await startServer({ idleTimeoutMs: 1_500 });
    const quiet = await server.join(transport, 'quiet');
    const beat = await quiet.client.next(MessageType.Heartbeat);
    expect(beat.tick).toBeGreaterThanOrEqual(quiet.welcome.tick);
    expect((await quiet.client.ended).code).toBe('GAME_SESSION_IDLE');
    expect(server.sessions.sessionOf('quiet')).toMatchObject({ connected: false });
  });

  it(`${transport} - a hello must come first, and within the handshake timeout`, async () => {
    server = await startServer({ handshakeTimeoutMs: 200 });
    const rude = await server.connect(transport);
    rude.send({ type: MessageType.Ping, nonce: 1 });
    expect((await rude.ended).code).toBe('GAME_HANDSHAKE_REQUIRED');
    const slow = await server.connect(transport);
    expect((await slow.ended).code).toBe('GAME_HANDSHAKE_TIMEOUT');
  });

  it(`${transport} - connections past the per-address cap are refused with a code and counted`, async () => {
    server = await startServer({ maxConnectionsPerAddress: 2 });
    const kept = [await server.connect(transport), await server.connect(transport)];
    const third = await server.connect(transport);
    const end = await third.ended;
    expect(end.code).toBe('GAME_ADDRESS_LIMIT');
    if (transport === 'ws') expect(end.wsCode).toBe(4429);
    const text = await server.metrics.metrics();
    expect(text).toMatch(/tickline_game_connections_refused_total\{limit="address"\} 1/);
    expect(text).toMatch(/tickline_game_connection_addresses 1/);
    // A closed connection frees its place.
    kept[0]!.drop();
    await kept[0]!.ended;
    await expect.poll(() => server!.sessions.stats().connections, { timeout: 10_000 }).toBe(1);
    const again = await server.connect(transport);
    again.send({ type: MessageType.Hello, token: server.tokens.issue('late', 'z1').token });
    expect(await again.next(MessageType.Welcome)).toMatchObject({ playerId: 'late' });
  });

  it(`${transport} - connections past the server cap are refused with GAME_SERVER_FULL`, async () => {
    server = await startServer({ maxConnections: 1 });
    await server.connect(transport);
    const second = await server.connect(transport);
    expect((await second.ended).code).toBe('GAME_SERVER_FULL');
    expect(await server.metrics.metrics()).toMatch(
      /tickline_game_connections_refused_total\{limit="server"\} 1/,
    );
  });

  it(`${transport} - a dropped player resumes within the grace period at its position`, async () => {
    server = await startServer();
    const first = await server.join(transport, 'r');
    const watcher = await server.join(transport, 'w');
    first.client.send({ type: MessageType.Move, seq: 1, tick: first.welcome.tick, x: 501, y: 500 });
    await first.client.nextAck((m) => m.seq === 1);
    first.client.drop();
    await first.client.ended;
    const again = await server.connect(transport);
    again.send({ type: MessageType.Hello, token: '', resumeSession: first.welcome.sessionId });
    const welcome = await again.next(MessageType.Welcome);
    expect(welcome).toMatchObject({
      resumed: true,
      x: 501,
      y: 500,
      lastSeq: 1,
      sessionId: first.welcome.sessionId,
    });
    const view = await again.nextDelta();
    expect(view.entered.map(([id]) => id)).toEqual(['w']);
    expect(again.received.find((m) => m.type === MessageType.Tick)).toMatchObject({ reset: true });
    again.send({ type: MessageType.Move, seq: 2, tick: welcome.tick, x: 501.4, y: 500 });
    expect((await again.nextAck((m) => m.seq === 2)).x).toBeCloseTo(501.4, 1);
    expect(server.events.filter((e) => e.type === 'game.player.left')).toHaveLength(0);
    void watcher;
  });

  it(`${transport} - after the grace period the player left and game.player.left is published`, async () => {
    server = await startServer({ resumeGraceMs: 200 });
    const { runner } = server;
    const gone = await server.join(transport, 'gone');
    gone.client.drop();
    await gone.client.ended;
    await until(() => runner.zone.player('gone') === undefined, {
      timeoutMs: 15_000,
      what: 'the player to leave after the grace period',
    });
    expect(server.runner.zone.player('gone')).toBeUndefined();
    const left = server.events.find((e) => e.type === 'game.player.left');
    expect(left?.data).toMatchObject({ playerId: 'gone', reason: 'disconnected' });
    const late = await server.connect(transport);
    late.send({ type: MessageType.Hello, token: '', resumeSession: gone.welcome.sessionId });
    expect((await late.ended).code).toBe('GAME_SESSION_EXPIRED');
  });

  it(`${transport} - leave ends the session normally`, async () => {
    server = await startServer();
    const p = await server.join(transport, 'p');
    p.client.send({ type: MessageType.Leave, seq: 1 });
    const end = await p.client.ended;
    expect(end.code).toBe('GAME_SESSION_ENDED');
    if (transport === 'ws') expect(end.wsCode).toBe(1000);
    expect(server.runner.zone.player('p')).toBeUndefined();
    expect(server.events.find((e) => e.type === 'game.player.left')?.data).toMatchObject({ reason: 'left' });
  });

  it(`${transport} - a shutdown tells connected clients why before the sockets go`, async () => {
    server = await startServer();
    const p = await server.join(transport, 'p');
    await server.shutdown();
    expect((await p.client.ended).code).toBe('GAME_SERVER_SHUTDOWN');
  });
});

describe('game transports - the process connection budget', () => {
  it('tcp - past the budget it shares with HTTP, a connection is closed GAME_SERVER_FULL before any session (issue 46.4)', async () => {
    const budget = new ConnectionBudget(2);
    // A connection of another listener of the process (the HTTP server) holds one place.
    const http = new EventEmitter();
    expect(budget.take(http)).toBe(true);
    server = await startServer({}, budget);
    await server.join('tcp', 'kept');
    const refused = await server.connect('tcp');
    expect((await refused.ended).code).toBe('GAME_SERVER_FULL');
    expect(server.sessions.stats().connections).toBe(1);
    // The other listener's connection closed: its place is the port's again.
    http.emit('close');
    expect((await server.join('tcp', 'again')).welcome).toMatchObject({ playerId: 'again' });
  });
});

/**
 * The game client against the real server parts (`@tickline/game`: zone runner, session layer,
 * WebSocket and TCP transports) on loopback; a TCP proxy in between cuts connections to test
 * resume the way a network drop would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  createJoinTokens,
  GameSessions,
  TcpTransport,
  WsTransport,
  Zone,
  ZoneRunner,
  type JoinTokens,
} from '@tickline/game';
import { createMetricsRegistry, systemClock } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameClient } from './game-client.ts';
import { GameClientState, type AckEvent, type RejectEvent } from './game-events.ts';
import { createTcpConnector } from './tcp-connector.ts';

const ZONE = 'zone-int';
let tokens: JoinTokens;
let sessions: GameSessions;
let runner: ZoneRunner;
let ws: WsTransport;
let tcp: TcpTransport;
let wsPort: number;
let tcpPort: number;
let proxy: { port: number; server: Server; cut(): void };
let nextPlayer = 0;

/** A TCP pass-through to `port`; `cut()` destroys every open pair, as a dropped network would. */
async function startProxy(port: number) {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((inbound) => {
    const outbound = connect({ port, host: '127.0.0.1' });
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as { port: number };
  return {
    port: proxyPort,
    server,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
  };
}

const token = () => tokens.issue(`player-${++nextPlayer}`, ZONE).token;
const next = <T>(client: GameClient, name: 'ack' | 'reject' | 'resumed' | 'delta') =>
  new Promise<T>((resolve) => {
    const off = client.on(name, (payload) => {
      off();
      resolve(payload as T);
    });
  });

beforeAll(async () => {
  tokens = createJoinTokens({ secret: randomBytes(32) });
  sessions = new GameSessions({ tokens, metrics: createMetricsRegistry(), resumeGraceMs: 5_000 });
  const zone = new Zone({ zoneId: ZONE, clock: systemClock });
  runner = new ZoneRunner({ zone, events: { publish() {} }, metrics: createMetricsRegistry() });
  sessions.addZone(runner);
  runner.start();
  ws = new WsTransport({ acceptor: sessions });
  wsPort = await ws.listen(0, '127.0.0.1');
  tcp = new TcpTransport({ acceptor: sessions, host: '127.0.0.1', port: 0 });
  tcpPort = await tcp.listen();
  proxy = await startProxy(wsPort);
});

afterAll(async () => {
  runner.stop();
  sessions.close();
  await ws.close();
  await tcp.close();
  proxy.server.close();
});

describe('GameClient against the game server', () => {
  it('game client int - hello over WebSocket, moves acked with the authoritative position, a speed hack rejected', async () => {
    const client = new GameClient({ url: `ws://127.0.0.1:${wsPort}${ws.path}`, token: token() });
    const welcome = await client.connect();
    expect(welcome.zoneId).toBe(ZONE);
    // Let the tick clock see a tick, then step inside the speed budget.
    await new Promise((r) => setTimeout(r, 120));
    const acked = next<AckEvent>(client, 'ack');
    client.move(0.3, 0);
    const ack = await acked;
    expect(ack.x).toBeCloseTo(welcome.x + 0.3, 9);
    expect(ack.correction).toBe(0);
    expect(ack.latencyMs).toBeGreaterThan(0);
    expect(client.position.x).toBeCloseTo(welcome.x + 0.3, 9);

    const rejected = next<RejectEvent>(client, 'reject');
    const hack = client.moveTo(client.position.x + 200, client.position.y, { predict: false });
    const rejection = await rejected;
    expect(rejection.seq).toBe(hack);
    expect(rejection.reason).toMatch(/^GAME_(TELEPORT|MOVE_TOO_FAST)$/);
    expect(rejection.x).toBeCloseTo(welcome.x + 0.3, 9);
    client.close();
  });

  it('game client int - sees another player through deltas and interpolates it', async () => {
    const a = new GameClient({ url: `ws://127.0.0.1:${wsPort}${ws.path}`, token: token() });
    const b = new GameClient({ url: `ws://127.0.0.1:${wsPort}${ws.path}`, token: token() });
    await a.connect();
    const welcomeB = await b.connect();
    await expect.poll(() => a.others().map((p) => p.id), { timeout: 30_000 }).toContain(welcomeB.playerId);
    a.close();
    b.close();
  });

  it('game client int - TCP connector: hello, move, ack', async () => {
    const client = new GameClient({
      url: `tcp://127.0.0.1:${tcpPort}`,
      token: token(),
      connector: createTcpConnector(),
    });
    const welcome = await client.connect();
    await new Promise((r) => setTimeout(r, 120));
    const acked = next<AckEvent>(client, 'ack');
    client.move(0, 0.25);
    expect((await acked).y).toBeCloseTo(welcome.y + 0.25, 9);
    client.close();
  });

  it('game client int - a cut connection resumes the same session and play goes on', async () => {
    const client = new GameClient({ url: `ws://127.0.0.1:${proxy.port}${ws.path}`, token: token() });
    const welcome = await client.connect();
    await new Promise((r) => setTimeout(r, 120));
    const first = next<AckEvent>(client, 'ack');
    client.move(0.2, 0);
    await first;
    const resumed = next<{ sessionId: string; resumed: boolean; lastSeq: number }>(client, 'resumed');
    proxy.cut();
    await expect.poll(() => client.state, { timeout: 30_000 }).not.toBe(GameClientState.Connected);
    const again = await resumed;
    expect(again).toMatchObject({ sessionId: welcome.sessionId, resumed: true, lastSeq: 1 });
    expect(client.state).toBe(GameClientState.Connected);
    await new Promise((r) => setTimeout(r, 120));
    const after = next<AckEvent>(client, 'ack');
    const seq = client.move(0.2, 0);
    expect((await after).seq).toBe(seq);
    client.close();
  });
});

/**
 * The real `tickline start` with game zones: a user joins over HTTP, then plays over the
 * WebSocket on the API port, and a second user over TCP sees the move as a delta. After a restart
 * the zone is recovered and the player joins again at its position.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { freePort, startTicklineServer } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-game-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('game - tickline start', () => {
  it('game e2e - join over HTTP, play over WebSocket and TCP', async () => {
    const tcpPort = await freePort();
    const env = {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_GAME_TCP_PORT: String(tcpPort),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_ZONES: 'north,south',
      TICKLINE_MARKET_ENABLED: 'false',
    };
    let server = await startTicklineServer(env);
    const clients: TestGameClient[] = [];
    try {
      const alice = await signUpAndIn(server.url, 'alice@example.com');
      const bob = await signUpAndIn(server.url, 'bob@example.com');
      const refused = await callJson(server.url, 'POST', '/api/v1/game/join', { body: {} });
      expect(refused.status).toBe(401);

      const a = await callJson(server.url, 'POST', '/api/v1/game/join', {
        body: { zone: 'north' },
        bearer: alice.accessToken,
      });
      expect(a.status).toBe(201);
      const port = new URL(server.url).port;
      expect(a.body).toMatchObject({
        zone: 'north',
        ws: `ws://127.0.0.1:${port}/game/ws`,
        tcp: `tcp://127.0.0.1:${tcpPort}`,
      });
      expect(Date.parse(a.body.expiresAt)).toBeGreaterThan(Date.now());
      const b = await callJson(server.url, 'POST', '/api/v1/game/join', {
        body: { zone: 'north' },
        bearer: bob.accessToken,
      });
      const unknown = await callJson(server.url, 'POST', '/api/v1/game/join', {
        body: { zone: 'west' },
        bearer: bob.accessToken,
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('GAME_ZONE_UNKNOWN');

      const ws = await TestGameClient.ws(a.body.ws);
      const tcp = await TestGameClient.tcp(Number(new URL(b.body.tcp.replace('tcp:', 'http:')).port));
      clients.push(ws, tcp);
      ws.send({ type: MessageType.Hello, token: a.body.token });
      tcp.send({ type: MessageType.Hello, token: b.body.token });
      const welcome = await ws.next(MessageType.Welcome);
      expect(welcome).toMatchObject({ playerId: alice.userId, zoneId: 'north', resumed: false });
      await tcp.next(MessageType.Welcome);

      ws.send({ type: MessageType.Move, seq: 1, tick: welcome.tick, x: welcome.x + 0.4, y: welcome.y });
      expect((await ws.nextAck((m) => m.seq === 1)).x).toBeCloseTo(welcome.x + 0.4, 1);
      await tcp.nextDelta((d) => d.moved.some(([id]) => id === alice.userId));

      // The zone's players (CCU) and commands are on /metrics; the game component on /readyz.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/tickline_game_players\{zone="north"\} 2/);
      expect(metrics).toMatch(
        /tickline_game_commands_total\{zone="north",outcome="accepted",reason=""\} [3-9]/,
      );
      const ready = await (await fetch(`${server.url}/readyz`)).json();
      expect(ready.services.game).toMatchObject({ status: 'up', info: { connections: 2 } });

      // Restart: the zone comes back from its snapshots (and the log) with alice where she was.
      for (const c of clients.splice(0)) c.drop();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      server = await startTicklineServer(env);
      const again = await callJson(server.url, 'POST', '/api/v1/game/join', {
        body: { zone: 'north' },
        bearer: alice.accessToken,
      });
      const back = await TestGameClient.ws(again.body.ws);
      clients.push(back);
      back.send({ type: MessageType.Hello, token: again.body.token });
      expect(await back.next(MessageType.Welcome)).toMatchObject({
        playerId: alice.userId,
        resumed: true,
        x: welcome.x + 0.4,
        y: welcome.y,
        lastSeq: 1,
      });
      const recovered = (await (await fetch(`${server.url}/readyz`)).json()).services.game.info.recovered;
      expect(['hot', 'cold', 'replay']).toContain(recovered.north.source);
    } finally {
      for (const c of clients) c.drop();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 150_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher, type Publisher } from '@tickline/eventlog';
import { createMetricsRegistry, loadConfig, silentLogger, systemClock, type Service } from '@tickline/kernel';
import { freePort } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gameConfig } from '../config.ts';
import { MessageType } from '@tickline/protocol';
import { TestGameClient } from '../transport/test-client.ts';
import { createGameHost, type GameHost } from './game-host.ts';
import { zoneOrigins } from './zone-options.ts';

const context = { logger: silentLogger, fail: () => {} };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type RunningGame = GameHost & {
  coordinator: NonNullable<GameHost['coordinator']>;
  zones: NonNullable<GameHost['zones']>;
};

async function startGame(): Promise<{ game: RunningGame; service: Service; tcpPort: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-game-component-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const tcpPort = await freePort();
  const { game: settings } = loadConfig(z.strictObject({ game: gameConfig.schema }), {
    env: {
      TICKLINE_GAME_TCP_PORT: String(tcpPort),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '100',
    },
  });
  const metrics = createMetricsRegistry({ processMetrics: false });
  const log = createInMemoryEventLog();
  const publisher: Publisher = createPublisher({ log, spillDir: join(dataDir, 'spill'), metrics });
  await publisher.start(context);
  cleanup.push(() => publisher.stop());
  const game = createGameHost({
    settings,
    role: 'game',
    publisher,
    eventLog: log,
    keys: { streamTicketSecret: new Uint8Array(32).fill(7) },
    config: { dataDir, redis: { keyPrefix: 'test:', commandTimeoutMs: 250 }, http: { tls: {} } },
    logger: silentLogger,
    metrics,
    clock: systemClock,
  }) as RunningGame;
  const service = game.services.find((s) => s.name === 'game')!;
  await service.start(context);
  cleanup.push(() => service.stop());
  return { game, service, tcpPort };
}

async function play(game: RunningGame, tcpPort: number, playerId: string) {
  const ticket = game.coordinator.join(playerId);
  const client = await TestGameClient.tcp(tcpPort);
  cleanup.push(() => client.drop());
  client.send({ type: MessageType.Hello, token: ticket.token });
  return { client, welcome: await client.next(MessageType.Welcome), ticket };
}

describe('game host', () => {
  it('host - a drained zone tells its players, stops, and a restart brings it back taking players', async () => {
    const { game, service, tcpPort } = await startGame();
    const first = await play(game, tcpPort, 'p1');
    expect(first.ticket).toMatchObject({ zone: 'zone-1', tcp: `tcp://{host}:${tcpPort}` });
    await game.zones.persistence.admin.drain('zone-1', 'restarting');
    expect(first.client.received.some((m) => m.type === MessageType.Notice && m.text === 'restarting')).toBe(
      true,
    );
    expect((await first.client.ended).code).toBe('GAME_ZONE_DRAINING');
    const runner = game.zones.runners[0]!;
    expect(runner.running).toBe(false);
    expect(runner.zone.player('p1')).toBeUndefined();

    await game.zones.restartZone('zone-1');
    expect(runner.running).toBe(true);
    const again = await play(game, tcpPort, 'p2');
    expect(again.welcome).toMatchObject({ zoneId: 'zone-1', resumed: false });
    expect(service.health().info).toMatchObject({ connections: 1, recovered: { 'zone-1': {} } });
    await expect(game.zones.restartZone('nowhere')).rejects.toMatchObject({ code: 'GAME_ZONE_UNKNOWN' });
  });
});

describe('zone origins', () => {
  it('origins - one per WebSocket host, none for TCP-only zones or unparsable addresses', () => {
    const zone = (zoneId: string, ws: string | null) => ({
      zoneId,
      tcp: null,
      ws,
      players: 0,
      capacity: 10,
      draining: false,
      updatedAt: 0,
    });
    const origins = zoneOrigins([
      zone('a', 'ws://127.0.0.1:7001/game/ws'),
      zone('b', 'ws://127.0.0.1:7001/game/ws'),
      zone('c', 'wss://zones.example:8443/game/ws'),
      zone('d', null),
      zone('e', 'not a url'),
    ]);
    expect(origins).toEqual(['ws://127.0.0.1:7001', 'wss://zones.example:8443']);
  });
});
